"""Boundary checks with Shapely 2: each problem comes back as a translated message naming the field."""

import math
from collections.abc import Iterable

import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

ACCEPTED_TYPES = ("Polygon", "MultiPolygon")
COORDINATE_DECIMALS = 7  # about 1 cm: enough for a grid line, small enough for the map payload


def parse_boundary(geojson, *, field: str = "boundary") -> BaseGeometry:
    """Turn a GeoJSON geometry into a valid Shapely polygon or raise ValidationError naming ``field``."""
    if not isinstance(geojson, dict):
        raise ValidationError({field: _("The boundary must be a GeoJSON geometry object.")})
    geom_type = geojson.get("type")
    if geom_type not in ACCEPTED_TYPES:
        raise ValidationError(
            {field: _("The boundary must be a Polygon or MultiPolygon, not %(type)s.") % {"type": str(geom_type)[:40]}}
        )
    _check_coordinates(geojson.get("coordinates"), field)
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        message = _(
            "The boundary coordinates cannot form a polygon: a polygon is a list of rings, each a list of at "
            "least four [longitude, latitude] positions, the last equal to the first."
        )
        raise ValidationError({field: message}) from exc  # the parser's own text names Python internals
    # Validity before area: a self-intersecting bow-tie's lobes cancel out to zero area.
    if not geom.is_empty and not geom.is_valid:
        raise ValidationError(
            {field: _("The boundary is not a valid polygon: %(reason)s") % {"reason": explain_validity(geom)}}
        )
    if geom.is_empty or geom.area == 0:
        raise ValidationError({field: _("The boundary is empty or has no area.")})
    return geom


def _check_coordinates(coords, field: str) -> None:
    for lon, lat in _iter_positions(coords, field):
        if not (-180 <= lon <= 180):
            raise ValidationError({field: _("Longitude %(value)s is outside -180…180.") % {"value": lon}})
        if not (-90 <= lat <= 90):
            raise ValidationError({field: _("Latitude %(value)s is outside -90…90.") % {"value": lat}})


def _iter_positions(coords, field: str) -> Iterable[tuple[float, float]]:
    if not isinstance(coords, list) or not coords:
        raise ValidationError({field: _("The boundary has no coordinates.")})
    if all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords):
        try:
            position = [float(c) for c in coords]
        except OverflowError:  # an integer too large for a float
            position = []
        if len(position) < 2 or not all(math.isfinite(c) for c in position):
            raise ValidationError({field: _("Every position needs a finite longitude and latitude.")})
        yield position[0], position[1]
        return
    for item in coords:
        if not isinstance(item, list):
            raise ValidationError({field: _("Coordinates must be numbers, found %(value)r.") % {"value": item}})
        yield from _iter_positions(item, field)


def check_inside_parent(child: BaseGeometry, parent: BaseGeometry, *, field: str = "boundary") -> None:
    outside = child.difference(parent).area
    allowed = child.area * settings.GEOMETRY_OUTSIDE_PARENT_TOLERANCE
    if outside > allowed:
        share = outside / child.area * 100
        raise ValidationError(
            {field: _("%(share).1f%% of the boundary lies outside its parent region.") % {"share": share}}
        )


def overlapping_siblings(geom: BaseGeometry, siblings: Iterable[tuple[str, BaseGeometry]]) -> list[tuple[str, float]]:
    """Codes of siblings overlapping ``geom`` beyond the tolerance, with the overlap share in percent."""
    found = []
    tolerance = settings.GEOMETRY_SIBLING_OVERLAP_TOLERANCE
    for code, other in siblings:
        if not geom.intersects(other):
            continue
        overlap = geom.intersection(other).area
        smaller = min(geom.area, other.area)
        if smaller and overlap / smaller > tolerance:
            found.append((code, overlap / smaller * 100))
    return found


def check_no_sibling_overlap(geom, siblings, *, field: str = "boundary") -> None:
    clashes = overlapping_siblings(geom, siblings)
    if clashes:
        listed = ", ".join(f"{code} ({share:.1f}%)" for code, share in clashes[:5])
        raise ValidationError({field: _("The boundary overlaps sibling regions: %(codes)s.") % {"codes": listed}})


def to_geojson(geom: BaseGeometry) -> dict:
    rounded = shapely.set_precision(geom, 10**-COORDINATE_DECIMALS)
    # set_precision may start a ring at another vertex on each pass: normalise so that the stored form
    # is canonical (an export imported again is stored identically), outer rings counter-clockwise.
    canonical = shapely.orient_polygons(shapely.normalize(rounded))
    return _as_lists(mapping(canonical))


def _as_lists(value):
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(v) for v in value]
    return value


def box_fields(geom: BaseGeometry) -> dict:
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    point = geom.representative_point()
    return {
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "center_lon": round(point.x, COORDINATE_DECIMALS),
        "center_lat": round(point.y, COORDINATE_DECIMALS),
    }
