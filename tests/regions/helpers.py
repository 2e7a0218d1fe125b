"""Helpers for building regions in tests: codes of the fresh tree, rectangles, drafts.

City 329800000000 covers lon 100…101, lat 30…31; under it one district, one street, one community,
one grid and two micro-grids that split the grid into a west and an east half along a shared edge.
"""

from shapely.geometry import box, mapping

from wangge.regions import services

FRESH = {
    "city": "329800000000",
    "district": "329801000000",
    "street": "329801001000",
    "community": "329801001001",
    "grid": "329801001001001",
    "west": "329801001001001001",
    "east": "329801001001001002",
}


def square(west: float, south: float, east: float, north: float) -> dict:
    """A rectangle as a GeoJSON Polygon with plain lists."""
    geometry = mapping(box(west, south, east, north))
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring] for ring in geometry["coordinates"]]}


def draft(code, name, level, parent_code=None, boundary=None, **extra) -> services.RegionDraft:
    return services.RegionDraft(code=code, name=name, level=level, parent_code=parent_code, boundary=boundary, **extra)
