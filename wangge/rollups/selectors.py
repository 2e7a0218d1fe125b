"""Scoped reads of the roll-ups.

A *node* is what a figure is about: a region (its subtree) or a department (the cases credited to it).
A user may look at the nodes of their data reach (``accounts.scope``): a street leader their street and
everything below it, community staff their community, a grid worker their grid, department staff
their department, an administrator everything. Any other node answers 404, like an absent one.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404

from wangge.accounts.models import Department
from wangge.accounts.roles import has_capability
from wangge.accounts.scope import scope_for
from wangge.regions.models import GRID_LEVELS, PATH_STEP, Level, Region
from wangge.rollups.models import CaseRollup, RollupCube
from wangge.rollups.rollups import class_of, department_node, summed
from wangge.rollups.timeline import COUNTERS, OPEN_COUNTERS

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


def link(node: Node, figure: str, start: date | None, end: date | None, **extra) -> str:
    """Where a number leads: the list of the cases behind it (the screen's drill page)."""
    params = {
        "figure": figure,
        **({"date_from": start.isoformat()} if start else {}),
        **({"date_to": end.isoformat()} if end else {}),
    }
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    if node.department is not None:
        params.pop("department", None)  # the node is the department already
    return f"/dashboard/cases/?{node.query}&{urlencode(params)}"


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
    """The node named by a region code or a department code, if the user may see it; else 404.

    With both, the region is the node (the department then filters its figures, see ``filters``).
    """
    if not can_view(user):
        raise Http404("node")
    scope = scope_for(user)
    if region:
        found = Region.objects.filter(code=region, is_active=True).first()
        if found is None or not scope.covers_path(found.path):
            raise Http404("node")
        return region_node(found)
    if department:
        found = Department.objects.filter(code=department, is_active=True).first()
        if found is None or not (scope.is_global or found.pk in scope.department_ids):
            raise Http404("node")
        return dept_node(found)
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
# Every read goes through ``rollups.summed``: the keyed table plus its deltas not folded yet, in one statement.


def _days(start: date | None, end: date | None) -> Q:
    where = Q()
    if start:
        where &= Q(day__gte=start)
    if end:
        where &= Q(day__lte=end)
    return where


def _one(found: dict[tuple, Counter], names) -> Counter:
    counters = Counter(dict.fromkeys(names, 0))
    counters.update(found.get((), Counter()))
    return counters


def _by(found: dict[tuple, Counter], names, label=str) -> dict:
    """{label(group value): counters}, sorted by the group value (every counter present)."""
    return {label(key[0]): _one({(): found[key]}, names) for key in sorted(found)}


def totals(node: str, start: date | None, end: date | None, names=COUNTERS) -> Counter:
    return _one(summed(RollupCube, Q(node=node, dim="", value="") & _days(start, end), (), names), names)


def breakdown(node: Node, dim: str, start: date | None, end: date | None, names=COUNTERS) -> dict[str, Counter]:
    """value → counters for one dimension of the node: ``class`` (category class id), ``source`` or
    ``department`` (department id, "0" for none). A grid's breakdowns come from the fine table."""
    if node.level in GRID_LEVELS:
        return _fine_breakdown(node.key, dim, start, end, names)
    found = summed(RollupCube, Q(node=node.key, dim=dim) & _days(start, end), ("value",), names)
    return _by(found, names)


def _fine_breakdown(path: str, dim: str, start, end, names) -> dict[str, Counter]:
    column = {"class": "category_id", "source": "source", "department": "department_id"}[dim]
    out: dict[str, Counter] = {}
    for (value,), counters in summed(CaseRollup, Q(path=path) & _days(start, end), (column,), names).items():
        value = str(class_of(value)) if dim == "class" else str(value)
        out.setdefault(value, Counter(dict.fromkeys(names, 0))).update(counters)
    return dict(sorted(out.items()))


def by_day(node: str, start: date, end: date, names=COUNTERS) -> dict[date, Counter]:
    found = summed(RollupCube, Q(node=node, dim="", value="") & _days(start, end), ("day",), names)
    return _by(found, names, label=lambda day: day)


def children(node: Node, start: date | None, end: date | None, names=COUNTERS) -> dict[str, Counter]:
    """child region path → counters (a region node's children; nothing for a department)."""
    if node.region is None:
        return {}
    return _by(summed(RollupCube, Q(parent=node.key, dim="") & _days(start, end), ("node",), names), names)


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
    where = Q(department_id=node.department.pk) if node.department is not None else Q(path__startswith=node.key)
    where &= _days(start, end)
    if category_ids is not None:
        where &= Q(category_id__in=category_ids)
    if source:
        where &= Q(source=source)
    if department_id is not None:
        where &= Q(department_id=department_id)
    if group is None:
        return {"": _one(summed(CaseRollup, where, (), names), names)}
    if group == "region":
        if node.region is None:
            return {}
        width = len(node.key) + PATH_STEP
        out: dict[str, Counter] = {}
        for (path,), counters in summed(CaseRollup, where & ~Q(path=node.key), ("path",), names).items():
            out.setdefault(path[:width], Counter(dict.fromkeys(names, 0))).update(counters)
        return out
    if group == "class":
        classes: dict[str, Counter] = {}
        for (category_id,), counters in summed(CaseRollup, where, ("category_id",), names).items():
            classes.setdefault(str(class_of(category_id)), Counter(dict.fromkeys(names, 0))).update(counters)
        return dict(sorted(classes.items()))
    return _by(summed(CaseRollup, where, (FINE_GROUPS[group],), names), names)
