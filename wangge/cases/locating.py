"""Where a case belongs: the region found by point lookup, or the nearest street for triage."""

import json

import shapely

from wangge.cases.models import HandlingLevel
from wangge.regions.locator import get_locator
from wangge.regions.models import Level, Region

LEVEL_OF_HANDLING = {
    HandlingLevel.GRID: (Level.GRID, Level.SPECIAL_GRID),
    HandlingLevel.COMMUNITY: (Level.COMMUNITY,),
    HandlingLevel.STREET: (Level.STREET,),
    HandlingLevel.DISTRICT: (Level.DISTRICT,),
}


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
