"""The command-centre screen and the statistics over JSON (``/api/v1/dashboard/…``).

Every route names its node with ``region=<code>`` or ``department=<code>`` (default: the first node of
the caller's reach) and answers 404 for a node outside the caller's reach, like an absent one.
"""

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema
from pydantic import model_serializer

from wangge.cases.selectors import visible_cases
from wangge.core.text import Text
from wangge.core.validators import Day
from wangge.dashboard import drill, filters, screen, statistics
from wangge.party import selectors as party_selectors
from wangge.rollups import selectors
from wangge.rollups.selectors import Node
from wangge.services import selectors as services_selectors

router = Router(tags=["dashboard"])


class NodeQuery(Schema):
    region: Text | None = Field(None, max_length=24, description="A region code")
    department: Text | None = Field(None, max_length=32, description="A department code")


class NodeOut(Schema):
    code: str
    name: str
    level: str
    query: str
    has_children: bool


def _node(request, query: NodeQuery) -> Node:
    return selectors.get_node_for(request.auth, region=query.region, department=query.department)


@router.get("/nodes", response=list[NodeOut])
def nodes(request):
    """The nodes the caller starts from (the top of their data reach); empty without the capability."""
    return selectors.root_nodes(request.auth)


# The screen's figures are ``screen``'s dataclasses, built once there. Their leaves (Tile, Rate, BreakdownItem,
# RankingItem, MapCount, FeedItem) and the breakdown and ranking are the answers' schemas as they are; the
# schemas below add what only the API has (the caller's chain), name each measure's type, or keep a name.


class SummaryOut(Schema):
    """Read from a ``screen.Summary``."""

    node: NodeOut
    chain: list[NodeOut] = Field(description="The node's ancestors in the caller's reach, top first, the node last")
    today: date
    month_start: date
    tiles: list[screen.Tile]
    rates: list[screen.Rate]
    score: float | None
    tier: str

    @staticmethod
    def resolve_chain(summary, context) -> list[Node]:
        return selectors.chain(context["request"].auth, summary.node)


@router.get("/summary", response=SummaryOut)
def summary(request, query: Query[NodeQuery]):
    """Today's reported and closed, open and overdue now, this month's 三率 and on-time closure rate."""
    return screen.summary(_node(request, query))


class TrendSeriesOut(Schema):
    """Counts per day, one list per measure (the days of ``TrendOut.days``)."""

    reported: list[int]
    dispatched: list[int]
    closed: list[int]


class TrendLinksOut(Schema):
    """The page listing the cases behind each measure over the whole period."""

    reported: str
    dispatched: str
    closed: str


class TrendOut(Schema):
    """Read from a ``screen.Trend``."""

    measure: str
    days: list[date]
    series: TrendSeriesOut
    links: TrendLinksOut


class MapOut(Schema):
    """Read from a ``screen.MapData``."""

    regions: dict[str, screen.MapCount]


class FeedOut(Schema):
    items: list[screen.FeedItem]


class StatisticsCellOut(Schema):
    """Read from a ``statistics.Cell``."""

    value: int
    link: str = Field(description="The page listing the cases behind the number")


class StatisticsCountsOut(Schema):
    """The row's ``statistics.COUNTS``, each with the link to its cases."""

    reported: StatisticsCellOut
    filed: StatisticsCellOut = Field(description="Accepted, or solved on the spot")
    dispatched: StatisticsCellOut
    closed: StatisticsCellOut
    due: StatisticsCellOut
    finished_on_time: StatisticsCellOut
    rated: StatisticsCellOut


class StatisticsRatesOut(Schema):
    """Shares from 0 to 1 (null: nothing to assess, e.g. no case due). An indicator an administrator has
    switched off is left out of the answer."""

    response_rate: float | None = None
    satisfaction_rate: float | None = None
    closure_rate: float | None = None
    on_time_closure_rate: float | None = None
    rework_rate: float | None = None
    timely_sign_rate: float | None = None

    @model_serializer(mode="wrap")
    def _active_only(self, handler):
        return {name: value for name, value in handler(self).items() if name in self.model_fields_set}


class StatisticsRowOut(Schema):
    """Read from a ``statistics.Row``."""

    key: str
    label: str
    counts: StatisticsCountsOut
    rates: StatisticsRatesOut

    @staticmethod
    def resolve_counts(row) -> dict:
        return row.cells

    @staticmethod
    def resolve_rates(row) -> dict:
        return {v.indicator.code: v.value for v in row.values}


class StatisticsOut(Schema):
    """Read from a ``statistics.Table``."""

    node: NodeOut
    date_from: str
    date_to: str
    group: str
    rows: list[StatisticsRowOut]
    total: StatisticsRowOut

    @staticmethod
    def resolve_date_from(table) -> str:
        return table.filters.start.isoformat()

    @staticmethod
    def resolve_date_to(table) -> str:
        return table.filters.end.isoformat()

    @staticmethod
    def resolve_group(table) -> str:
        return table.filters.group


class DrillCaseOut(Schema):
    number: str
    count: int


class DrillOut(Schema):
    figure: str
    total: int
    cases: list[DrillCaseOut]


class TrendQuery(NodeQuery):
    days: int = Field(30, ge=7, le=366)


@router.get("/trend", response=TrendOut)
def trend(request, query: Query[TrendQuery]):
    """Reported, closed and closed-on-time per day over the last ``days`` days."""
    return screen.trend(_node(request, query), days=query.days)


class BreakdownQuery(TrendQuery):
    dim: Literal["category", "source"] = "category"
    top: int = Field(10, ge=1, le=50)


@router.get("/breakdown", response=screen.Breakdown)
def breakdown(request, query: Query[BreakdownQuery]):
    """Reports of the last ``days`` days by category or source, largest first."""
    return screen.breakdown(_node(request, query), query.dim, days=query.days, top=query.top)


class RankingQuery(NodeQuery):
    by: Literal["children", "departments"] = "children"
    period: Literal["month", "30d"] = "month"


@router.get("/ranking", response=screen.Ranking)
def ranking(request, query: Query[RankingQuery]):
    """Child regions or departments ranked by the on-time closure rate, this month or the last 30 days."""
    return screen.ranking(_node(request, query), by=query.by, period=query.period)


@router.get("/map", response=MapOut)
def map_counts(request, query: Query[NodeQuery]):
    """Open and overdue cases per child region, to colour the map."""
    return screen.map_data(_node(request, query))


@router.get("/feed", response=FeedOut)
def feed(request, query: Query[NodeQuery]):
    """The newest reports and alarms in the node."""
    return FeedOut(items=screen.feed(_node(request, query)))


class StatisticsQuery(NodeQuery):
    """With ``region``, ``department`` filters the figures to those credited to that department."""

    date_from: Day | None = Field(None, description="First day (default: the first of date_to's month)")
    date_to: Day | None = Field(None, description="Last day, included (default: today)")
    category: Text | None = Field(None, max_length=8, description="A class or sub-class code")
    source: Text | None = Field(None, max_length=16)
    group: Literal["region", "class", "category", "source", "department", "status", "day"] = "category"


def parse_filters(request, query) -> tuple[Node, statistics.Filters]:
    node = _node(request, query)
    return node, filters.statistics_filters(node, query.dict())


@router.get("/statistics", response=StatisticsOut)
def statistics_table(request, query: Query[StatisticsQuery]):
    """Counts and rates for any period, grouped; every count with the link to its cases."""
    node, chosen = parse_filters(request, query)
    rows, total = statistics.table(node, chosen)
    return statistics.Table(node, chosen, rows, total)


class DrillQuery(StatisticsQuery):
    figure: Text = Field(..., max_length=200)


@router.get("/cases", response=DrillOut)
def cases_behind(request, query: Query[DrillQuery]):
    """The cases behind a number: the same node, days, filters and figure as the number (no period: all time;
    ``department=none``: credited to no department)."""
    node = _node(request, query)
    chosen = filters.drill_filters(node, query.dict())
    found = drill.cases_behind(
        node,
        query.figure,
        chosen.start,
        chosen.end,
        category_ids=chosen.category_ids,
        source=chosen.source or None,
        department_id=chosen.department_id,
    )
    numbers = dict(visible_cases(request.auth).filter(pk__in=list(found.counts)).values_list("pk", "number"))
    return {
        "figure": query.figure,
        "total": found.total,
        "cases": [{"number": numbers[pk], "count": n} for pk, n in sorted(found.counts.items()) if pk in numbers],
    }


# --- the party layer ------------------------------------------------------------------------------------


class PartyFiguresOut(Schema):
    """Read from a ``party.selectors`` figures row of a region."""

    code: str
    name: str
    query: str
    branches: int
    members: int
    in_service: int
    registered: int
    confirmed: int
    central_households: int
    households: int
    covered: int
    rate: float | None = Field(..., description="Households covered by a central household / households")
    registered_rate: float | None = Field(..., description="双报到: registered / in-service members")

    @staticmethod
    def resolve_code(row) -> str:
        return row.region.code

    @staticmethod
    def resolve_name(row) -> str:
        return row.region.name

    @staticmethod
    def resolve_query(row) -> str:
        return f"region={row.region.code}"

    @staticmethod
    def resolve_central_households(row) -> int:
        return row.centrals


class PartyLayerOut(Schema):
    node: NodeOut
    total: PartyFiguresOut
    children: list[PartyFiguresOut]


@router.get("/party", response=PartyLayerOut)
def party_layer(request, query: Query[NodeQuery]):
    """The party layer of a region node: grid branches, members, central households and their coverage
    rate, 双报到 (registered and confirmed in-service members), in total and per child area (drill down with
    each child's ``query``). A department node has no party layer (404)."""
    node = _node(request, query)
    if node.region is None:
        raise Http404("node")
    total, children = party_selectors.figures(request.auth, node.code)
    return {"node": node, "total": total, "children": children}


# --- volunteer call-outs ----------------------------------------------------------------------------------


class ScreenCallOutOut(Schema):
    id: int
    team: str
    title: str
    status: str
    created_at: datetime
    response_seconds: int | None

    @staticmethod
    def resolve_team(row) -> str:
        return row.team.name

    @staticmethod
    def resolve_id(row) -> int:
        return row.pk


class CallOutLayerOut(Schema):
    node: NodeOut
    days: int = Field(description="the window, in days up to now")
    called: int
    open: int
    accepted: int
    done: int
    median_response_seconds: float | None = Field(description="median time from call-out to acceptance")
    recent: list[ScreenCallOutOut] = Field(description="the newest call-outs, at most 8")


@router.get("/call-outs", response=CallOutLayerOut)
def callout_layer(request, query: Query[NodeQuery]):
    """Volunteer call-outs of the teams in a region node over the last 30 days: how many, waiting, on the way,
    done, the median response time and the newest ones. A department node has none (404)."""
    node = _node(request, query)
    if node.region is None:
        raise Http404("node")
    figures = services_selectors.callout_figures(node.region.path)
    return {"node": node, "days": services_selectors.SCREEN_DAYS, **vars(figures)}
