"""The statistics table: any period, any node, filtered by category, source or department, grouped by
child region, category, source, department, status or day.

With at most one filter the cube answers (a few hundred rows); with more, the fine table does. Every
cell carries the figure and the slice it was computed for, so it links to the cases behind it.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Department
from wangge.assessment import selectors as assessment
from wangge.cases.models import Category, Source, Status
from wangge.dashboard.screen import category_label
from wangge.regions.models import GRID_LEVELS, Region
from wangge.rollups import selectors
from wangge.rollups.models import RollupCube
from wangge.rollups.rollups import summed
from wangge.rollups.selectors import Node
from wangge.rollups.timeline import COUNTERS, STATUSES

GROUPS = {
    "region": _("Region"),
    "class": _("Category class"),
    "category": _("Category"),
    "source": _("Source"),
    "department": _("Department"),
    "status": _("Status now"),
    "day": _("Day"),
}
# Counts shown, each a figure the drill-through understands.
COUNTS = [
    ("reported", _("Reported cases"), "reported"),
    ("filed", _("Filed cases"), "accepted+on_spot"),
    ("dispatched", _("Dispatches"), "dispatched"),
    ("closed", _("Closed cases"), "closed"),
    ("due", _("Due (filed)"), "due"),
    ("finished_on_time", _("Closed on time"), "finished_on_time"),
    ("rated", _("Ratings"), "rated"),
]
# The cube answers when it can; switched off only by the tests that compare it with the fine table.
USE_CUBE = True
RATES = [
    "response_rate",
    "closure_rate",
    "on_time_closure_rate",
    "satisfaction_rate",
    "rework_rate",
    "timely_sign_rate",
]


@dataclass
class Filters:
    start: date
    end: date
    category: Category | None = None  # a class (大类) or a sub-class
    source: str = ""
    department: Department | None = None
    group: str = "category"

    @property
    def category_ids(self) -> list[int] | None:
        if self.category is None:
            return None
        if self.category.parent_id is None:
            return list(Category.objects.filter(parent=self.category).values_list("pk", flat=True))
        return [self.category.pk]

    @property
    def active(self) -> int:
        return sum(1 for f in (self.category, self.source, self.department) if f)

    def query(self) -> dict:
        q = {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}
        if self.category:
            q["category"] = self.category.code
        if self.source:
            q["source"] = self.source
        if self.department:
            q["department"] = self.department.code
        return q


@dataclass(frozen=True)
class Cell:
    value: int
    link: str  # the page of the cases behind the number


@dataclass
class Row:
    key: str
    label: str
    counters: Counter
    slice: dict = field(default_factory=dict)  # extra query parameters for the drill-through
    node: Node | None = None
    values: list = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)  # the COUNTS by key, with their links (set by table())

    def count(self, key: str) -> int:
        """The number shown for one of the COUNTS."""
        if key == "filed":
            return self.counters["accepted"] + self.counters["on_spot"]
        return self.counters[key]


@dataclass
class Table:
    """A statistics answer: the node and filters it was computed for, its rows and their total."""

    node: Node
    filters: Filters
    rows: list[Row]
    total: Row


def _cube_filter(filters: Filters) -> tuple[str, list[str]] | None:
    """The cube dimension and values a single filter maps to (None: the cube cannot filter so)."""
    if filters.category is not None:
        if filters.category.parent_id is not None:
            return None  # sub-classes live in the fine table only
        return "class", [str(filters.category.pk)]
    if filters.source:
        return "source", [filters.source]
    if filters.department is not None:
        return "department", [str(filters.department.pk)]
    return "", [""]


def _counter(found: dict, key=()) -> Counter:
    counters = Counter(dict.fromkeys(COUNTERS, 0))
    counters.update(found.get(key, Counter()))
    return counters


def _from_cube(node: Node, filters: Filters) -> dict[str, Counter] | None:
    group = filters.group
    if not USE_CUBE or node.level in GRID_LEVELS or filters.active > 1:
        return None
    found = _cube_filter(filters)
    if found is None:
        return None
    dim, values = found
    if node.is_department and ("department" in (dim, group) or group == "region"):
        return None
    where = Q(day__gte=filters.start, day__lte=filters.end)
    where &= Q(parent=node.key) if group == "region" else Q(node=node.key)
    if group in ("class", "source", "department"):
        if dim not in ("", group):
            return None
        where &= Q(dim=group) if dim == "" else Q(dim=dim, value__in=values)
        column = "value"
    elif group in ("status", "day", "region"):
        where &= Q(dim=dim, value__in=values)
        column = {"region": "node", "day": "day", "status": None}[group]
    else:
        return None
    if column is None:
        return {"": _counter(summed(RollupCube, where))}
    grouped = summed(RollupCube, where, (column,))
    return {str(key[0]): _counter(grouped, key) for key in sorted(grouped)}


def _grouped(node: Node, filters: Filters) -> dict[str, Counter]:
    """group key → counters, from the cube when it can answer, else from the fine table."""
    from_cube = _from_cube(node, filters)
    if from_cube is not None:
        return from_cube
    group = filters.group
    return selectors.fine(
        node,
        filters.start,
        filters.end,
        category_ids=filters.category_ids,
        source=filters.source or None,
        department_id=filters.department.pk if filters.department else None,
        group=None if group == "status" else group,
    )


def table(node: Node, filters: Filters) -> tuple[list[Row], Row]:
    grouped = _grouped(node, filters)
    rows: list[Row] = []
    total = Counter()
    for counters in grouped.values():
        total.update(counters)
    group = filters.group
    if group == "status":
        counters = grouped.get("", Counter())
        labels = dict(Status.choices)
        for status in STATUSES:
            n = counters[f"st_{status}"]
            if n:
                rows.append(Row(status, str(labels.get(status, status)), Counter({f"st_{status}": n, "reported": n})))
    elif group == "region":
        regions = {r.path: r for r in Region.objects.filter(path__in=list(grouped))}
        for path, counters in sorted(grouped.items()):
            region = regions.get(path)
            if region is None or not any(counters.values()):
                continue
            rows.append(Row(path, region.name, counters, node=selectors.region_node(region)))
    elif group in ("category", "class"):
        names = {str(c.pk): c for c in Category.objects.filter(pk__in=[int(k) for k in grouped if k.isdigit()])}
        for key, counters in sorted(grouped.items(), key=lambda kv: (-kv[1]["reported"], kv[0])):
            category = names.get(key)
            if category and any(counters.values()):
                rows.append(
                    Row(key, f"{category.code} {category_label(category)}", counters, {"category": category.code})
                )
    elif group == "source":
        labels = dict(Source.choices)
        for key, counters in sorted(grouped.items(), key=lambda kv: (-kv[1]["reported"], kv[0])):
            if any(counters.values()):
                rows.append(Row(key, str(labels.get(key, key)), counters, {"source": key}))
    elif group == "department":
        departments = {str(d.pk): d for d in Department.objects.filter(pk__in=[int(k) for k in grouped if k.isdigit()])}
        for key, counters in sorted(grouped.items(), key=lambda kv: (-kv[1]["reported"], kv[0])):
            if not any(counters.values()):
                continue
            department = departments.get(key)
            label = department.name if department else str(_("No department (grid, community, centre)"))
            rows.append(Row(key, label, counters, {"department": department.code if department else "0"}))
    elif group == "day":
        day = filters.start
        while day <= filters.end:
            counters = grouped.get(day.isoformat(), Counter())
            if any(counters.values()):
                rows.append(
                    Row(
                        day.isoformat(),
                        day.isoformat(),
                        counters,
                        {"date_from": day.isoformat(), "date_to": day.isoformat()},
                    )
                )
            day += timedelta(days=1)
    items = [i for i in assessment.indicators() if i.code in RATES]
    for row in rows:
        row.values = assessment.evaluate(row.counters, items)
    total_row = Row("", str(_("Total")), total, values=assessment.evaluate(total, items))
    for row in [*rows, total_row]:
        row.cells = {key: Cell(row.count(key), cell_link(node, filters, row, figure)) for key, _label, figure in COUNTS}
    return rows, total_row


def cell_link(node: Node, filters: Filters, row: Row, figure: str) -> str:
    target = row.node or node
    query = {**filters.query(), **row.slice, "figure": figure}
    if query.get("department") == "0":
        query["department"] = "none"
    return f"/dashboard/cases/?{target.query}&{urlencode(query)}"
