"""Reads of the region tree, always restricted to what the user may see."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from wangge.accounts.models import Membership, Role
from wangge.accounts.scope import restrict_regions, scope_for
from wangge.regions.figures import Figure, figures_for, registered_statistics
from wangge.regions.locator import get_locator
from wangge.regions.models import GRID_LEVELS, LEVEL_ORDER, PATH_STEP, Level, Region


def visible_regions(user) -> QuerySet[Region]:
    return restrict_regions(Region.objects.filter(is_active=True), user)


def get_region_for(user, code: str) -> Region:
    """The region with this code if the user may see it; 404 for absent and not-yours alike."""
    region = visible_regions(user).filter(code=code).first()
    if region is None:
        raise Http404("region")
    return region


def locate_for(user, lon: float, lat: float) -> Region | None:
    """The deepest region containing the point, or None when there is none the user may see."""
    region_id = get_locator().locate(lon, lat)
    return visible_regions(user).filter(pk=region_id).first() if region_id else None


def default_map_start() -> Region | None:
    """Where a map opens for someone with no region of their own (an anonymous reporter): a street.
    Its outline and centre are public (the intake map shows them to anyone)."""
    return Region.objects.filter(level=Level.STREET, is_active=True, center_lon__isnull=False).first()


def scope_roots(user) -> list[Region]:
    scope = scope_for(user)
    if scope.is_global:
        return list(Region.objects.filter(parent__isnull=True, is_active=True))
    return list(Region.objects.filter(path__in=scope.map_paths, is_active=True).order_by("code"))


def children_queryset(user, code: str | None) -> QuerySet[Region]:
    """The children of the region ``code`` (404 out of reach), or the roots of the user's scope."""
    if not code:
        scope = scope_for(user)
        if scope.is_global:
            return Region.objects.filter(parent__isnull=True, is_active=True)
        return Region.objects.filter(path__in=scope.map_paths, is_active=True)
    return get_region_for(user, code).children.filter(is_active=True)


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
    figures: list[Figure] = field(default_factory=list)

    @property
    def level_counts(self) -> list[tuple[str, str, int]]:
        """(level, label, count) from the top of the tree down, for display."""
        ordered = sorted(self.counts_by_level.items(), key=lambda item: LEVEL_ORDER.get(item[0], 99))
        return [(level, str(Level(level).label), n) for level, n in ordered]


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


def region_card(region: Region, user=None) -> RegionCard:
    """What a grid card shows: chain, sizes, the figures with their meaning (for ``user``) and the people
    who serve it."""
    below = Region.objects.filter(path__startswith=region.path, is_active=True).exclude(pk=region.pk)
    counts = dict(below.values("level").annotate(n=Count("id")).values_list("level", "n"))
    statistics = registered_statistics(region)
    staff = list(
        Membership.objects.filter(region=region, is_active=True, role__in=SERVING_ROLES)
        .select_related("user")
        .order_by("role", "user__username")
    )
    shown = figures_for(user, region, statistics) if user is not None else []
    return RegionCard(region, region.ancestors(), counts, statistics[0], statistics[1], staff, shown)


def regions_in_box(user, parent: Region, bbox: tuple[float, float, float, float] | None) -> QuerySet[Region]:
    """Children of ``parent`` whose bounding box meets the viewport (all children without a box)."""
    children = visible_regions(user).filter(parent=parent)
    if bbox:
        west, south, east, north = bbox
        children = children.filter(
            Q(boundary__isnull=True) | Q(max_lon__gte=west, min_lon__lte=east, max_lat__gte=south, min_lat__lte=north)
        )
    return children.order_by("code")


def export_feature_collection(root: Region, depth: int | None = None) -> dict:
    """The region and its active descendants down to ``depth`` levels below it, as the GeoJSON
    FeatureCollection that ``services.import_feature_collection`` reads (parents before children).

    The caller decides whether ``root`` may be seen: everything under a visible region is visible.
    """
    rows = Region.objects.filter(path__startswith=root.path, is_active=True)
    if depth is not None:
        rows = rows.filter(depth__lte=root.depth + depth)
    fields = ("code", "name", "level", "parent__code", "household_count", "population", "special_kind", "boundary")
    features = [
        {
            "type": "Feature",
            "id": row["code"],
            "properties": {
                "code": row["code"],
                "name": row["name"],
                "level": row["level"],
                "parent_code": row["parent__code"],
                "households": row["household_count"],
                "population": row["population"],
                "special_kind": row["special_kind"],
            },
            "geometry": row["boundary"],
        }
        for row in rows.order_by("depth", "code").values(*fields)
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass
class SubRegionRow:
    region: Region
    grids: int
    households: int
    population: int


def sub_region_rows(parent: Region, limit: int = 60) -> list[SubRegionRow]:
    """Each child of ``parent`` with its grid, household and resident totals (two queries)."""
    children = list(parent.children.filter(is_active=True).order_by("code")[:limit])
    if parent.level in (*GRID_LEVELS, Level.MICRO_GRID):
        return [SubRegionRow(c, 0, c.household_count, c.population) for c in children]
    child_path_length = len(parent.path) + PATH_STEP
    totals = {
        row["child_path"]: row
        for row in Region.objects.filter(path__startswith=parent.path, level__in=GRID_LEVELS, is_active=True)
        .annotate(child_path=Substr("path", 1, child_path_length))
        .values("child_path")
        .annotate(grids=Count("id"), households=Sum("household_count"), population=Sum("population"))
    }
    rows = []
    for child in children:
        if child.level in GRID_LEVELS:
            rows.append(SubRegionRow(child, 1, child.household_count, child.population))
            continue
        total = totals.get(child.path, {})
        rows.append(
            SubRegionRow(child, total.get("grids", 0), total.get("households") or 0, total.get("population") or 0)
        )
    return rows
