"""Where a case belongs: the region found by point lookup, or the nearest street for triage."""

import json
from dataclasses import dataclass

import shapely

from wangge.cases.models import HandlingLevel
from wangge.people.selectors import NearBuilding, nearest_building
from wangge.regions.locator import get_locator
from wangge.regions.models import Level, Region

LEVEL_OF_HANDLING = {
    HandlingLevel.GRID: (Level.GRID, Level.SPECIAL_GRID),
    HandlingLevel.COMMUNITY: (Level.COMMUNITY,),
    HandlingLevel.STREET: (Level.STREET,),
    HandlingLevel.DISTRICT: (Level.DISTRICT,),
}


BUILDING_RADIUS_M = 150  # a building farther than this from the pin is not where the problem is
ADDRESS_LEVELS = (Level.STREET, Level.COMMUNITY)  # grid names are for the office, not for an address


@dataclass
class PlaceFound:
    """What intake shows about a pin: where it falls and an address to start from (the user may edit it)."""

    region: Region
    path: list[str]  # region names from the top down to ``region``
    label: str  # the names from the street down, as a resident knows the place
    in_grid: bool
    building: NearBuilding | None
    address: str


def describe_place(lon: float, lat: float) -> PlaceFound | None:
    """The region holding the point, its nearest ledger building and a suggested address; None when no
    region of the tree holds the point (outside the area served)."""
    region_id = get_locator().locate(lon, lat)
    if region_id is None:
        return None
    region = Region.objects.defer("boundary").get(pk=region_id)
    chain = [*region.chain(), region]
    building = nearest_building(lon, lat, BUILDING_RADIUS_M)
    if building is not None:
        address = " ".join([*(r.name for r in chain if r.level == Level.COMMUNITY), building.address])
    else:
        address = " ".join(r.name for r in chain if r.level in ADDRESS_LEVELS)
    return PlaceFound(
        region=region,
        path=[r.name for r in chain],
        label=" › ".join(r.name for r in chain if r.level not in (Level.CITY, Level.DISTRICT)),
        in_grid=region.level in (Level.MICRO_GRID, Level.GRID, Level.SPECIAL_GRID),
        building=building,
        address=address,
    )


def locate_case_point(lon: float, lat: float) -> tuple[Region, bool]:
    """(region, needs_triage): outside every grid, the nearest street takes it into its triage queue."""
    region_id = get_locator().locate(lon, lat)
    if region_id is not None:
        region = Region.objects.get(pk=region_id)
        if region.level in (Level.MICRO_GRID, Level.GRID, Level.SPECIAL_GRID):
            return region, False
        return _nearest_street(lon, lat, region), True
    return _nearest_street(lon, lat, None), True


def _nearest_street(lon: float, lat: float, inside: Region | None) -> Region:
    streets = Region.objects.filter(level=Level.STREET, is_active=True, boundary__isnull=False)
    if inside is not None and inside.level in (Level.STREET, Level.COMMUNITY):
        return inside if inside.level == Level.STREET else inside.parent
    point = shapely.Point(lon, lat)
    best = min(streets, key=lambda s: shapely.from_geojson(json.dumps(s.boundary)).distance(point), default=None)
    if best is None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"lon": _("No street is set up to receive cases yet.")})
    return best


def handling_region_for(region: Region, level: str) -> Region:
    """The ancestor (or self) of ``region`` at the handling level; the nearest existing one above it."""
    wanted = LEVEL_OF_HANDLING.get(level, (Level.STREET,))
    chain = [*region.chain(), region]
    for candidate in reversed(chain):
        if candidate.level in wanted:
            return candidate
    # Asked for a level below the region (a street's triage case whose category wants a grid): the
    # region itself handles it.
    return region
