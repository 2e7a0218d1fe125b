"""The command-centre screen and the statistics over JSON (``/api/v1/dashboard/…``).

Every route names its node with ``region=<code>`` or ``department=<code>`` (default: the first node of
the caller's reach) and answers 404 for a node outside the caller's reach, like an absent one.
"""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wangge.accounts.models import Department
from wangge.cases.models import Category, Source
from wangge.cases.selectors import visible_cases
from wangge.dashboard import drill, screen, statistics
from wangge.rollups import selectors
from wangge.rollups.selectors import Node

router = Router(tags=["dashboard"])


class NodeQuery(Schema):
    region: str | None = Field(None, max_length=24, description="A region code")
    department: str | None = Field(None, max_length=32, description="A department code")


class NodeOut(Schema):
    code: str
    name: str
    level: str
    query: str
    has_children: bool


def node_out(node: Node) -> dict:
    return {
        "code": node.code,
        "name": node.name,
        "level": node.level,
        "query": node.query,
        "has_children": node.has_children,
    }


def _node(request, query: NodeQuery) -> Node:
    return selectors.get_node_for(request.auth, region=query.region, department=query.department)


@router.get("/nodes", response=list[NodeOut])
def nodes(request):
    """The nodes the caller starts from (the top of their data reach); empty without the capability."""
    return [node_out(n) for n in selectors.root_nodes(request.auth)]


class TileOut(Schema):
    code: str
    label: str
    value: int
    link: str


class RateOut(Schema):
    code: str
    name: str
    value: float | None
    numerator: float
    denominator: float
    weight: float
    link: str


class SummaryOut(Schema):
    node: NodeOut
    chain: list[NodeOut]
    today: str
    month_start: str
    tiles: list[TileOut]
    rates: list[RateOut]
    score: float | None
    tier: str


@router.get("/summary", response=SummaryOut)
def summary(request, query: Query[NodeQuery]):
    """Today's reported and closed, open and overdue now, this month's 三率 and on-time closure rate."""
    node = _node(request, query)
    return {
        "node": node_out(node),
        "chain": [node_out(n) for n in selectors.chain(request.auth, node)],
        **screen.summary(node),
    }


class TrendQuery(NodeQuery):
    days: int = Field(30, ge=7, le=366)


@router.get("/trend")
def trend(request, query: Query[TrendQuery]):
    """Reported, closed and closed-on-time per day over the last ``days`` days."""
    return screen.trend(_node(request, query), days=query.days)


class BreakdownQuery(TrendQuery):
    dim: Literal["category", "source"] = "category"
    top: int = Field(10, ge=1, le=50)


@router.get("/breakdown")
def breakdown(request, query: Query[BreakdownQuery]):
    """Reports of the last ``days`` days by category or source, largest first."""
    return screen.breakdown(_node(request, query), query.dim, days=query.days, top=query.top)


class RankingQuery(NodeQuery):
    by: Literal["children", "departments"] = "children"
    period: Literal["month", "30d"] = "month"


@router.get("/ranking")
def ranking(request, query: Query[RankingQuery]):
    """Child regions or departments ranked by the on-time closure rate, this month or the last 30 days."""
    return screen.ranking(_node(request, query), by=query.by, period=query.period)


@router.get("/map")
def map_counts(request, query: Query[NodeQuery]):
    """Open and overdue cases per child region, to colour the map."""
    return screen.map_data(_node(request, query))


@router.get("/feed")
def feed(request, query: Query[NodeQuery]):
    """The newest reports and alarms in the node."""
    return {"items": screen.feed(_node(request, query))}


class StatisticsQuery(NodeQuery):
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    category: str | None = Field(None, max_length=8, description="A class or sub-class code")
    source: str | None = Field(None, max_length=16)
    dept: str | None = Field(None, max_length=32, description="Figures credited to this department")
    group: Literal["region", "class", "category", "source", "department", "status", "day"] = "category"


def parse_filters(request, query) -> tuple[Node, statistics.Filters]:
    node = _node(request, query)
    today = timezone.localdate()
    end = query.to or today
    start = query.from_ or end.replace(day=1)
    if start > end:
        raise ValidationError({"from": _("The period ends before it starts.")})
    if (end - start).days > 3660:
        raise ValidationError({"from": _("The period is longer than ten years.")})
    category = None
    if query.category:
        category = Category.objects.filter(code=query.category).first()
        if category is None:
            raise ValidationError({"category": _("Unknown category %(code)s.") % {"code": query.category}})
    department = None
    if query.dept:
        department = Department.objects.filter(code=query.dept).first()
        if department is None:
            raise ValidationError({"dept": _("Unknown department %(code)s.") % {"code": query.dept}})
    if query.source and query.source not in Source.values:
        raise ValidationError({"source": _("Unknown source %(source)s.") % {"source": query.source}})
    return node, statistics.Filters(start, end, category, query.source or "", department, query.group)


@router.get("/statistics")
def statistics_table(request, query: Query[StatisticsQuery]):
    """Counts and rates for any period, grouped; every count with the link to its cases."""
    node, filters = parse_filters(request, query)
    rows, total = statistics.table(node, filters)

    def out(row):
        return {
            "key": row.key,
            "label": row.label,
            "counts": {
                key: {
                    "value": row.counters[key]
                    if key != "filed"
                    else row.counters["accepted"] + row.counters["on_spot"],
                    "link": statistics.cell_link(node, filters, row, figure),
                }
                for key, _label, figure in statistics.COUNTS
            },
            "rates": {v.indicator.code: v.value for v in row.values},
        }

    return {
        "node": node_out(node),
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "group": filters.group,
        "rows": [out(r) for r in rows],
        "total": out(total),
    }


class DrillQuery(StatisticsQuery):
    figure: str = Field(..., max_length=200)


@router.get("/cases")
def cases_behind(request, query: Query[DrillQuery]):
    """The cases behind a number: the same node, days, filters and figure as the number."""
    node, filters = parse_filters_for_drill(request, query)
    found = drill.cases_behind(
        node,
        query.figure,
        filters["start"],
        filters["end"],
        category_ids=filters["category_ids"],
        source=filters["source"],
        department_id=filters["department_id"],
    )
    numbers = dict(visible_cases(request.auth).filter(pk__in=list(found.counts)).values_list("pk", "number"))
    return {
        "figure": query.figure,
        "total": found.total,
        "cases": [{"number": numbers[pk], "count": n} for pk, n in sorted(found.counts.items()) if pk in numbers],
    }


def parse_filters_for_drill(request, query) -> tuple[Node, dict]:
    """Like the statistics, but an absent period means all time and ``dept=none`` means no department."""
    node = _node(request, query)
    category_ids = None
    if query.category:
        category = Category.objects.filter(code=query.category).first()
        if category is None:
            raise ValidationError({"category": _("Unknown category %(code)s.") % {"code": query.category}})
        children = list(Category.objects.filter(parent=category).values_list("pk", flat=True))
        category_ids = tuple(children) if category.parent_id is None else (category.pk,)
    department_id = None
    if query.dept:
        if query.dept == "none":
            department_id = 0
        else:
            department = Department.objects.filter(code=query.dept).first()
            if department is None:
                raise ValidationError({"dept": _("Unknown department %(code)s.") % {"code": query.dept}})
            department_id = department.pk
    return node, {
        "start": query.from_,
        "end": query.to,
        "category_ids": category_ids,
        "source": query.source or None,
        "department_id": department_id,
    }
