"""Reads of the region tree, always restricted to what the user may see."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from wangge.accounts.models import Membership, Role
from wangge.accounts.scope import restrict, scope_for
from wangge.regions.models import GRID_LEVELS, Level, Region


def visible_regions(user) -> QuerySet[Region]:
    return restrict(Region.objects.filter(is_active=True), user)


def get_region_for(user, code: str) -> Region:
    """The region with this code if the user may see it; 404 for absent and not-yours alike."""
    region = visible_regions(user).filter(code=code).first()
    if region is None:
        raise Http404("region")
    return region


def scope_roots(user) -> list[Region]:
    scope = scope_for(user)
    if scope.is_global:
        return list(Region.objects.filter(parent__isnull=True, is_active=True))
    return list(Region.objects.filter(path__in=scope.paths, is_active=True).order_by("code"))


def children_for(user, code: str | None) -> list[Region]:
    if not code:
        return scope_roots(user)
    parent = get_region_for(user, code)
    return list(parent.children.filter(is_active=True).order_by("code"))


def with_child_counts(regions: list[Region]) -> list[Region]:
    """Annotate each region with ``child_count`` in one query."""
    counts = dict(
        Region.objects.filter(parent__in=regions, is_active=True)
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    for region in regions:
        region.child_count = counts.get(region.pk, 0)
    return regions


@dataclass
class RegionCard:
    region: Region
    chain: list[Region]
    counts_by_level: dict[str, int]
    households: int
    population: int
    staff: list[Membership]


SERVING_ROLES = (
    Role.GRID_WORKER,
    Role.GRID_CHIEF,
    Role.MICRO_GRID_LIAISON,
    Role.COMMUNITY_STAFF,
    Role.STREET_LEADER,
    Role.DUTY_CHIEF,
    Role.DISPATCHER,
    Role.COMMAND_OPERATOR,
)


def region_card(region: Region) -> RegionCard:
    """What a grid card shows: chain, sizes and the people who serve it (four queries)."""
    below = Region.objects.filter(path__startswith=region.path, is_active=True).exclude(pk=region.pk)
    counts = dict(below.values("level").annotate(n=Count("id")).values_list("level", "n"))
    if region.level in (*GRID_LEVELS, Level.MICRO_GRID) or not counts:
        households, population = region.household_count, region.population
    else:
        sums = below.filter(level__in=GRID_LEVELS).aggregate(h=Sum("household_count"), p=Sum("population"))
        households, population = sums["h"] or 0, sums["p"] or 0
    staff = list(
        Membership.objects.filter(region=region, is_active=True, role__in=SERVING_ROLES)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return RegionCard(region, region.ancestors(), counts, households, population, staff)


def regions_in_box(user, parent: Region, bbox: tuple[float, float, float, float] | None) -> QuerySet[Region]:
    """Children of ``parent`` whose bounding box meets the viewport (all children without a box)."""
    children = visible_regions(user).filter(parent=parent)
    if bbox:
        west, south, east, north = bbox
        children = children.filter(
            Q(boundary__isnull=True) | Q(max_lon__gte=west, min_lon__lte=east, max_lat__gte=south, min_lat__lte=north)
        )
    return children.order_by("code")
