"""Scoped reads of the roll-ups.

A *node* is what a figure is about: a region (its subtree) or a department (the cases credited to it).
A user may look at the nodes of their data reach (``accounts.scope``): a street leader their street and
everything below it, community staff their community, a grid worker their grid, department staff
their department, an administrator everything. Any other node answers 404, like an absent one.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum
from django.http import Http404

from wangge.accounts.models import Department
from wangge.accounts.roles import has_capability
from wangge.accounts.scope import scope_for
from wangge.dashboard.models import CaseRollup, RollupCube
from wangge.dashboard.rollups import department_node
from wangge.dashboard.timeline import COUNTERS, OPEN_COUNTERS
from wangge.regions.models import GRID_LEVELS, PATH_STEP, Level, Region

CAPABILITY = "stats.view"
DEPARTMENT_LEVEL = "department"


@dataclass(frozen=True)
class Node:
    key: str  # region path, or D<department id>
    code: str  # region code, or department code
    name: str
    level: str  # region level, or "department"
    region: Region | None = None
    department: Department | None = None

    @property
    def is_department(self) -> bool:
        return self.department is not None

    @property
    def query(self) -> str:
        """The query string that names this node in URLs."""
        return f"department={self.department.code}" if self.department else f"region={self.region.code}"

    @property
    def has_children(self) -> bool:
        return self.region is not None and self.region.level not in (*GRID_LEVELS, Level.MICRO_GRID)


def region_node(region: Region) -> Node:
    return Node(region.path, region.code, region.name, region.level, region=region)


def dept_node(department: Department) -> Node:
    return Node(
        department_node(department.pk), department.code, department.name, DEPARTMENT_LEVEL, department=department
    )


def can_view(user) -> bool:
    return user.is_authenticated and has_capability(user, CAPABILITY)


def root_nodes(user) -> list[Node]:
    """The nodes a user starts from: the top of their data reach."""
    if not can_view(user):
        return []
    scope = scope_for(user)
    if scope.is_global:
        regions = Region.objects.filter(parent__isnull=True, is_active=True).order_by("code")
        return [region_node(r) for r in regions]
    nodes = [region_node(r) for r in Region.objects.filter(path__in=scope.paths, is_active=True).order_by("path")]
    departments = Department.objects.filter(pk__in=scope.department_ids, is_active=True).order_by("code")
    return nodes + [dept_node(d) for d in departments]


def get_node_for(user, *, region: str | None = None, department: str | None = None) -> Node:
    """The node named by a region code or a department code, if the user may see it; else 404."""
    if not can_view(user):
        raise Http404("node")
    scope = scope_for(user)
    if department:
        found = Department.objects.filter(code=department, is_active=True).first()
        if found is None or not (scope.is_global or found.pk in scope.department_ids):
            raise Http404("node")
        return dept_node(found)
    if region:
        found = Region.objects.filter(code=region, is_active=True).first()
        if found is None or not scope.covers_path(found.path):
            raise Http404("node")
        return region_node(found)
    roots = root_nodes(user)
    if not roots:
        raise Http404("node")
    return roots[0]


def chain(user, node: Node) -> list[Node]:
    """The node's ancestors inside the user's reach, top first, the node last (for breadcrumbs)."""
    if node.region is None:
        return [node]
    scope = scope_for(user)
    ancestors = [a for a in node.region.ancestors() if scope.covers_path(a.path)]
    return [region_node(a) for a in ancestors] + [node]


# --- reading the cube ---------------------------------------------------------------------------------


def _sums(names) -> dict:
    return {name: Sum(name) for name in names}


def _period(rows, start: date | None, end: date | None):
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    return rows


def _counter(row: dict, names) -> Counter:
    return Counter({name: row.get(name) or 0 for name in names})


def totals(node: str, start: date | None, end: date | None, names=COUNTERS) -> Counter:
    rows = _period(RollupCube.objects.filter(node=node, dim="", value=""), start, end)
    return _counter(rows.aggregate(**_sums(names)), names)


def breakdown(node: Node, dim: str, start: date | None, end: date | None, names=COUNTERS) -> dict[str, Counter]:
    """value → counters for one dimension of the node: ``class`` (category class id), ``source`` or
    ``department`` (department id, "0" for none). A grid's breakdowns come from the fine table."""
    if node.level in GRID_LEVELS:
        return _fine_breakdown(node.key, dim, start, end, names)
    rows = _period(RollupCube.objects.filter(node=node.key, dim=dim), start, end)
    grouped = rows.values("value").annotate(**_sums(names)).order_by("value")
    return {row["value"]: _counter(row, names) for row in grouped}


def _fine_breakdown(path: str, dim: str, start, end, names) -> dict[str, Counter]:
    from wangge.dashboard.rollups import class_of

    column = {"class": "category_id", "source": "source", "department": "department_id"}[dim]
    rows = _period(CaseRollup.objects.filter(path=path), start, end)
    out: dict[str, Counter] = {}
    for row in rows.values(column).annotate(**_sums(names)):
        value = str(class_of(row[column])) if dim == "class" else str(row[column])
        out.setdefault(value, Counter()).update(_counter(row, names))
    return dict(sorted(out.items()))


def by_day(node: str, start: date, end: date, names=COUNTERS) -> dict[date, Counter]:
    rows = _period(RollupCube.objects.filter(node=node, dim="", value=""), start, end)
    grouped = rows.values("day").annotate(**_sums(names)).order_by("day")
    return {row["day"]: _counter(row, names) for row in grouped}


def children(node: Node, start: date | None, end: date | None, names=COUNTERS) -> dict[str, Counter]:
    """child region path → counters (a region node's children; nothing for a department)."""
    if node.region is None:
        return {}
    rows = _period(RollupCube.objects.filter(parent=node.key, dim=""), start, end)
    grouped = rows.values("node").annotate(**_sums(names)).order_by("node")
    return {row["node"]: _counter(row, names) for row in grouped}


def open_now(counters: Counter) -> int:
    return sum(counters[name] for name in OPEN_COUNTERS)


# --- reading the fine table (several filters at once) ----------------------------------------------

FINE_GROUPS = {
    "category": "category_id",
    "source": "source",
    "department": "department_id",
    "day": "day",
}


def fine(
    node: Node,
    start: date | None,
    end: date | None,
    *,
    category_ids: list[int] | None = None,
    source: str | None = None,
    department_id: int | None = None,
    group: str | None = None,
    names=COUNTERS,
) -> dict:
    """Counters from the fine table; grouped by a column, or by child region ("region"), or not at all."""
    rows = CaseRollup.objects.all()
    if node.department is not None:
        rows = rows.filter(department_id=node.department.pk)
    else:
        rows = rows.filter(path__startswith=node.key)
    rows = _period(rows, start, end)
    if category_ids is not None:
        rows = rows.filter(category_id__in=category_ids)
    if source:
        rows = rows.filter(source=source)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    if group is None:
        return {"": _counter(rows.aggregate(**_sums(names)), names)}
    if group == "region":
        if node.region is None:
            return {}
        width = len(node.key) + PATH_STEP
        out: dict[str, Counter] = {}
        grouped = rows.filter(~Q(path=node.key)).values("path").annotate(**_sums(names))
        for row in grouped:
            out.setdefault(row["path"][:width], Counter()).update(_counter(row, names))
        return out
    if group == "class":
        from wangge.dashboard.rollups import class_of

        classes: dict[str, Counter] = {}
        for row in rows.values("category_id").annotate(**_sums(names)):
            classes.setdefault(str(class_of(row["category_id"])), Counter()).update(_counter(row, names))
        return dict(sorted(classes.items()))
    column = FINE_GROUPS[group]
    grouped = rows.values(column).annotate(**_sums(names)).order_by(column)
    return {str(row[column]): _counter(row, names) for row in grouped}
