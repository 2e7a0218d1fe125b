"""The figures of the command-centre screen for one node, each from a handful of roll-up rows.

"Overdue now" comes from the overdue tally (``overdue``) plus the cases due since the deadline scan's
last run; the feed reads the newest few rows of the cases table.

Each figure is a typed object (the dataclasses below), built here once: the API answers with them as its
schemas (``dashboard/api.py`` adds only what the API alone has) and the pages use them as they are.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wangge.assessment import selectors as assessment
from wangge.cases.models import OPEN_STATUSES, Case, CaseEvent, Category, Source
from wangge.regions.models import Region
from wangge.rollups import overdue, selectors
from wangge.rollups.selectors import Node, link
from wangge.rollups.timeline import OPEN_COUNTERS

TREND_NAMES = ("reported", "dispatched", "closed")
ALARM_ACTIONS = ("supervise", "escalate", "mark_urgent", "reopen")
FEED_DAYS = 7
ALARM_SOURCES = (Source.SENSOR, Source.VIDEO)


@dataclass(frozen=True)
class Tile:
    code: str
    label: str
    value: int
    link: str


@dataclass(frozen=True)
class Rate:
    code: str
    name: str
    value: float | None
    numerator: float
    denominator: float
    weight: float
    link: str


@dataclass(frozen=True)
class Summary:
    node: Node
    today: date
    month_start: date
    tiles: list[Tile]
    rates: list[Rate]
    score: float | None
    tier: str


@dataclass(frozen=True)
class TrendMeasures:
    """One value per measure of the trend (``TREND_NAMES``): a series of day counts, or a link."""

    reported: list[int] | str
    dispatched: list[int] | str
    closed: list[int] | str


@dataclass(frozen=True)
class Trend:
    measure: str
    days: list[date]
    series: TrendMeasures
    links: TrendMeasures


@dataclass(frozen=True)
class BreakdownItem:
    value: str
    name: str
    reported: int
    closed: int
    link: str


@dataclass(frozen=True)
class Breakdown:
    date_from: date
    date_to: date
    measure: str
    items: list[BreakdownItem]


@dataclass(frozen=True)
class RankingItem:
    rank: int | None
    code: str
    name: str
    query: str
    on_time: float | None
    numerator: float
    denominator: float
    score: float | None
    tier: str
    link: str


@dataclass(frozen=True)
class Ranking:
    date_from: date
    date_to: date
    by: str
    period: str
    items: list[RankingItem]


@dataclass(frozen=True)
class MapCount:
    open: int
    overdue: int


@dataclass(frozen=True)
class MapData:
    regions: dict[str, MapCount]  # keyed by the codes of the map region's children


@dataclass(frozen=True)
class FeedItem:
    id: str
    at: str  # ISO 8601, as stored (with microseconds)
    time: str  # local, for the screen
    action: str
    alarm: bool
    number: str
    title: str
    category: str
    source: str
    status: str
    supervision: str
    url: str


def _local(now: datetime | None) -> tuple[datetime, date]:
    now = now or timezone.now()
    return now, timezone.localtime(now).date()


def intake_of(node: Node) -> str:
    """What a node takes in: reports for a region, dispatches (cases received) for a department."""
    return "dispatched" if node.is_department else "reported"


def overdue_cases(node: Node, now: datetime):
    """The cases behind "overdue now" (the tally counts them without reading them)."""
    cases = Case.objects.filter(due_at__lte=now, status__in=OPEN_STATUSES)
    if node.department is not None:
        return cases.filter(assigned_department_id=node.department.pk)
    return cases.filter(region_path__startswith=node.key)


def summary(node: Node, now: datetime | None = None) -> Summary:
    now, today = _local(now)
    month_start = today.replace(day=1)
    intake = intake_of(node)
    day = selectors.totals(node.key, today, today, names=(intake, "closed"))
    ever = selectors.totals(node.key, None, None, names=OPEN_COUNTERS)
    month = selectors.totals(node.key, month_start, today)
    values = {v.indicator.code: v for v in assessment.evaluate(month, assessment.indicators())}
    rates = []
    for code in (*assessment.THREE_RATES, assessment.ON_TIME):
        value = values.get(code)
        if value is None:
            continue
        rates.append(
            Rate(
                code=code,
                name=value.indicator.label,
                value=value.value,
                numerator=value.numerator,
                denominator=value.denominator,
                weight=float(value.indicator.weight),
                link=link(node, value.indicator.numerator, month_start, today),
            )
        )
    three = [values[c] for c in assessment.THREE_RATES if c in values]
    score = assessment.composite(three)
    late = overdue.count(node.key, now)
    return Summary(
        node=node,
        today=today,
        month_start=month_start,
        tiles=[
            Tile(
                code="reported",
                label=str(_("Received today") if node.is_department else _("Reported today")),
                value=day[intake],
                link=link(node, intake, today, today),
            ),
            Tile(
                code="closed",
                label=str(_("Closed today")),
                value=day["closed"],
                link=link(node, "closed", today, today),
            ),
            Tile(
                code="open",
                label=str(_("Open now")),
                value=sum(ever.values()),
                link=link(node, "+".join(OPEN_COUNTERS), None, None),
            ),
            Tile(code="overdue", label=str(_("Overdue now")), value=late, link=link(node, "overdue", None, None)),
        ],
        rates=rates,
        score=score,
        tier=assessment.tier(score),
    )


def trend(node: Node, days: int = 30, now: datetime | None = None) -> Trend:
    _now, today = _local(now)
    start = today - timedelta(days=days - 1)
    rows = selectors.by_day(node.key, start, today, names=TREND_NAMES)
    dates = [start + timedelta(days=i) for i in range(days)]
    return Trend(
        measure=intake_of(node),
        days=dates,
        series=TrendMeasures(**{name: [rows.get(d, Counter())[name] for d in dates] for name in TREND_NAMES}),
        links=TrendMeasures(**{name: link(node, name, start, today) for name in TREND_NAMES}),
    )


def category_label(category: Category) -> str:
    if (get_language() or "").startswith("en") and category.name_en:
        return category.name_en
    return category.name


def breakdown(node: Node, dim: str, days: int = 30, top: int = 10, now: datetime | None = None) -> Breakdown:
    """Intake of the last ``days`` days by category class (大类) or source, largest first."""
    _now, today = _local(now)
    start = today - timedelta(days=days - 1)
    intake = intake_of(node)
    rows = selectors.breakdown(node, "class" if dim == "category" else dim, start, today, names=(intake, "closed"))
    if dim == "category":
        found = {str(c.pk): c for c in Category.objects.filter(pk__in=[int(v) for v in rows if v.isdigit()])}
        label = lambda v: category_label(found[v]) if v in found else v  # noqa: E731
        query = lambda v: {"category": found[v].code} if v in found else {}  # noqa: E731
    else:
        label = lambda v: str(Source(v).label) if v in Source.values else v  # noqa: E731
        query = lambda v: {"source": v}  # noqa: E731
    items = sorted(((v, c) for v, c in rows.items() if c[intake]), key=lambda item: (-item[1][intake], item[0]))
    out = [
        BreakdownItem(
            value=v,
            name=label(v),
            reported=c[intake],
            closed=c["closed"],
            link=link(node, intake, start, today, **query(v)),
        )
        for v, c in items[:top]
    ]
    return Breakdown(date_from=start, date_to=today, measure=intake, items=out)


RANKING_PERIODS = ("month", "30d")


def ranking(node: Node, by: str = "children", now: datetime | None = None, period: str = "month") -> Ranking:
    """Units ranked by the on-time closure rate (children regions or departments), this month or over the
    last 30 days (early in a month few cases are due yet: a weekly meeting wants a full window)."""
    _now, today = _local(now)
    start = today.replace(day=1) if period == "month" else today - timedelta(days=29)
    items = assessment.indicators()
    rows = (
        assessment.children_rows(node, start, today, items)
        if by == "children"
        else assessment.department_rows(node, start, today, items)
    )
    ranked = assessment.rank(rows, by=assessment.ON_TIME)
    out = []
    for row in ranked:
        value = row.value(assessment.ON_TIME)
        out.append(
            RankingItem(
                rank=row.rank,
                code=row.code,
                name=row.name,
                query=row.node.query if row.node and row.kind == "region" else "",
                on_time=value.value if value else None,
                numerator=value.numerator if value else 0,
                denominator=value.denominator if value else 0,
                score=row.score,
                tier=row.tier,
                link=link(row.node, value.indicator.numerator, start, today, department=row.extra.get("department"))
                if value and row.node
                else "",
            )
        )
    return Ranking(date_from=start, date_to=today, by=by, period=period, items=out)


def map_region(node: Node):
    """The region whose children the map draws: the node itself, or a department's seat (its district)."""
    return node.department.region if node.department is not None else node.region


def _count_by_child(cases, width: int) -> Counter:
    """Cases per child region (the first ``width`` characters of their path), grouped by the database."""
    rows = cases.order_by().annotate(child=Left("region_path", width)).values("child").annotate(n=Count("id"))
    return Counter({row["child"]: row["n"] for row in rows})


def map_data(node: Node, now: datetime | None = None) -> MapData:
    """Open and overdue cases per child region of the map's region (a grid: the node itself).

    Overdue cases come from the overdue tally. A department's open cases are few: they are counted
    from the cases table by street through the (assigned_department, status) index; a region's open
    cases come from the cube.
    """
    now, _today = _local(now)
    base = map_region(node)
    if node.department is None and not node.has_children:
        ever = selectors.totals(node.key, None, None, names=OPEN_COUNTERS)
        return MapData(regions={node.code: MapCount(open=sum(ever.values()), overdue=overdue.count(node.key, now))})
    codes = dict(Region.objects.filter(parent=base, is_active=True).values_list("path", "code"))
    width = len(base.path) + 10
    department_id = node.department.pk if node.department is not None else None
    late = overdue.count_by_child(base.path, width, now, department_id)
    if node.department is not None:
        open_cases = Case.objects.filter(assigned_department_id=node.department.pk, status__in=OPEN_STATUSES)
        opened = _count_by_child(open_cases, width)
    else:
        children = selectors.children(node, None, None, names=OPEN_COUNTERS)
        opened = Counter({path: sum(c.values()) for path, c in children.items()})
    return MapData(
        regions={code: MapCount(open=opened.get(path, 0), overdue=late.get(path, 0)) for path, code in codes.items()}
    )


def _scoped(queryset, node: Node, prefix: str = ""):
    if node.department is not None:
        return queryset.filter(**{f"{prefix}assigned_department_id": node.department.pk})
    return queryset.filter(**{f"{prefix}region_path__startswith": node.key})


def feed(node: Node, limit: int = 15, now: datetime | None = None) -> list[FeedItem]:
    """The newest reports and alarms (supervision, escalation, urgency, reopening) of the last week.

    One query for the newest cases and one per alarm action, each walking an index from the newest
    row and stopping after ``limit`` matches (bounded by the week), then merged by time.
    """
    now = now or timezone.now()
    since = now - timedelta(days=FEED_DAYS)
    found: list[tuple] = []
    cases = _scoped(Case.objects.select_related("category"), node).filter(created_at__gte=since)
    for case in cases.order_by("-created_at", "-id")[:limit]:
        found.append((case.created_at, f"c{case.pk}", "report", case, {}))
    for action in ALARM_ACTIONS:
        events = _scoped(CaseEvent.objects.filter(action=action, at__gte=since), node, "case__").select_related(
            "case", "case__category"
        )
        for event in events.order_by("-at", "-id")[:limit]:
            found.append((event.at, f"e{event.pk}", action, event.case, event.data or {}))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    out = []
    for at, key, action, case, data in found[:limit]:
        alarm = action != "report" or case.source in ALARM_SOURCES or case.is_urgent
        out.append(
            FeedItem(
                id=key,
                at=at.isoformat(),
                time=timezone.localtime(at).strftime("%m-%d %H:%M"),
                action=action,
                alarm=alarm,
                number=case.number,
                title=case.title,
                category=category_label(case.category),
                source=case.source,
                status=case.status,
                supervision=data.get("supervision", ""),
                url=f"/cases/{case.number}/",
            )
        )
    return out
