"""The figures a region's card and home summary show, with what each one means and its date.

Two kinds of "how many households" exist and disagree by nature: the statistics entered on the region
(registered households and residents, as of the region record's last change) and the ledger's records
(the households and persons entered in the basic data, counted now). The card shows each with its
meaning instead of one unexplained number. Regions know only their own statistics; apps above regions
(the people ledger, later others) add theirs by registering a provider in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from wangge.regions.models import GRID_LEVELS, Level, Region


@dataclass(frozen=True)
class Figure:
    key: str  # stable name, e.g. "ledger-households" (tests and data-testid)
    label: str
    value: int
    note: str  # what it counts and as of when


Provider = Callable[[object, Region], list[Figure]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider of figures (called with the user and the region); registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)


def registered_statistics(region: Region) -> Statistics:
    """Households, residents and the date of the newest change, as entered on the region's grids."""
    if region.level in (*GRID_LEVELS, Level.MICRO_GRID):
        return region.household_count, region.population, region.updated_at.date() if region.updated_at else None
    sums = Region.objects.filter(path__startswith=region.path, is_active=True, level__in=GRID_LEVELS).aggregate(
        h=Sum("household_count"), p=Sum("population"), at=Max("updated_at")
    )
    if not sums["at"]:
        return region.household_count, region.population, region.updated_at.date() if region.updated_at else None
    return sums["h"] or 0, sums["p"] or 0, sums["at"].date()


Statistics = tuple[int, int, date | None]


def _statistics_figures(statistics: Statistics) -> list[Figure]:
    households, residents, as_of = statistics
    note = (
        _("Statistics entered for the region, as of %(date)s") % {"date": as_of.isoformat()}
        if as_of
        else _("Statistics entered for the region")
    )
    return [
        Figure("registered-households", _("Registered households"), households, note),
        Figure("registered-residents", _("Registered residents"), residents, note),
    ]


def figures_for(user, region: Region, statistics: Statistics | None = None) -> list[Figure]:
    """Every provider's figures (records first, as they are the ones a user can open), then the statistics
    (``statistics``: ``registered_statistics(region)`` when the caller has read it already)."""
    figures = [figure for provider in _providers for figure in provider(user, region)]
    return figures + _statistics_figures(statistics or registered_statistics(region))
