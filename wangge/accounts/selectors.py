"""Reads about the signed-in user: roles, memberships and the summary their home page shows."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from wangge.accounts.models import Department, Membership
from wangge.accounts.roles import primary_role, roles_of
from wangge.regions.figures import figures_for, registered_statistics
from wangge.regions.models import Level, Region
from wangge.regions.selectors import scope_roots, sub_region_rows


@dataclass
class AreaSummary:
    region: Region
    counts_by_level: dict[str, int]
    households: int
    population: int
    rows: list = field(default_factory=list)
    figures: list = field(default_factory=list)

    @property
    def grids(self) -> int:
        return self.counts_by_level.get(Level.GRID, 0) + self.counts_by_level.get(Level.SPECIAL_GRID, 0)


def active_departments() -> QuerySet[Department]:
    """The departments a filter may name (not scoped: the list of departments is no secret)."""
    return Department.objects.filter(is_active=True).order_by("code")


def memberships_of(user) -> list[Membership]:
    return list(
        user.memberships.filter(is_active=True).select_related("region", "department").order_by("role", "region__code")
    )


def area_summaries(user) -> list[AreaSummary]:
    """For each root of the user's scope: how many communities, grids and households lie under it."""
    summaries = []
    for root in scope_roots(user)[:20]:
        below = Region.objects.filter(path__startswith=root.path, is_active=True).exclude(pk=root.pk)
        counts = dict(below.values("level").annotate(n=Count("id")).values_list("level", "n"))
        statistics = registered_statistics(root)
        shown = figures_for(user, root, statistics)
        summaries.append(AreaSummary(root, counts, statistics[0], statistics[1], sub_region_rows(root), shown))
    return summaries


def home_context(user) -> dict:
    return {
        "role": primary_role(user),
        "roles": roles_of(user),
        "memberships": memberships_of(user),
        "areas": area_summaries(user),
    }
