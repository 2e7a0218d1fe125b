"""Where a case belongs: the region found by point lookup, or the nearest street for triage."""

import json
from dataclasses import dataclass

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wangge.cases.models import HandlingLevel
from wangge.people.selectors import NearBuilding, nearest_building
from wangge.regions.locator import get_locator
from wangge.regions.models import Level, Region

# A pin outside every region but this close to a street (GPS drift at the town's edge, about 2 km) goes to
# that street's triage queue; farther away (0,0 from a phone without a fix) it is refused.
OUTSIDE_MARGIN_DEGREES = 0.02

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
    if inside is None and _distance_to_the_area_served(point) > OUTSIDE_MARGIN_DEGREES:
        raise ValidationError({"lon": _("This place lies outside every region served here: put the pin in the town.")})
    best = min(streets, key=lambda s: _shape(s).distance(point), default=None)
    if best is None:
        raise ValidationError({"lon": _("No street is set up to receive cases yet.")})
    return best


def _shape(region: Region):
    return shapely.from_geojson(json.dumps(region.boundary))


def _distance_to_the_area_served(point) -> float:
    """How far ``point`` lies from the outermost regions with a boundary (the roots, else the streets)."""
    served = Region.objects.filter(is_active=True, boundary__isnull=False)
    outermost = served.filter(parent__isnull=True) or served.filter(level=Level.STREET)
    return min((_shape(region).distance(point) for region in outermost), default=0.0)


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
