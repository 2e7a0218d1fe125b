"""Indicator values for any unit and period, read from the roll-ups (scoped through dashboard nodes).

Units: a region (its subtree), a department, or a person (a grid worker). A region or department is
scored on the "cases" indicators, a person on the "person" indicators plus their points. The
composite score is the weighted mean of the indicators that have a weight and a value (an indicator
whose denominator is zero is left out and the weights of the rest are renormalised).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from wangge.accounts.models import Department, Membership, Role, User
from wangge.assessment import formulas
from wangge.assessment.models import Indicator, PointEntry, Subject
from wangge.regions.models import Region
from wangge.rollups import selectors as figures
from wangge.rollups.models import ActorRollup
from wangge.rollups.rollups import summed
from wangge.rollups.selectors import Node, region_node
from wangge.rollups.timeline import ACTOR_COUNTERS, OPEN_COUNTERS

THREE_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
ON_TIME = "on_time_closure_rate"


def with_derived(counters: Counter) -> Counter:
    out = Counter(counters)
    out["open"] = sum(counters.get(name, 0) for name in OPEN_COUNTERS)
    return out


def indicators(subject: str = Subject.CASES) -> list[Indicator]:
    return list(Indicator.objects.filter(subject=subject, is_active=True).order_by("order", "code"))


@dataclass
class Value:
    indicator: Indicator
    numerator: float
    denominator: float
    value: float | None  # a share, 0..1 (None: nothing to assess)

    @property
    def score(self) -> float | None:
        if self.value is None:
            return None
        share = self.value if self.indicator.higher_is_better else 1 - self.value
        return max(0.0, min(100.0, share * 100))

    @property
    def percent(self) -> float | None:
        return None if self.value is None else self.value * 100


def evaluate(counters: Counter, items: list[Indicator]) -> list[Value]:
    counters = with_derived(counters)
    out = []
    for indicator in items:
        numerator = formulas.evaluate(indicator.numerator, counters)
        denominator = formulas.evaluate(indicator.denominator, counters)
        out.append(Value(indicator, numerator, denominator, numerator / denominator if denominator > 0 else None))
    return out


def composite(values: list[Value]) -> float | None:
    weighted = [(Decimal(v.indicator.weight), v.score) for v in values if v.indicator.weight and v.score is not None]
    total = sum(w for w, _ in weighted)
    if not total:
        return None
    return float(sum(w * Decimal(str(s)) for w, s in weighted) / total)


def tier(score: float | None) -> str:
    if score is None:
        return ""
    if score >= settings.ASSESSMENT_GREEN_FROM:
        return "green"
    if score >= settings.ASSESSMENT_YELLOW_FROM:
        return "yellow"
    return "red"


@dataclass
class Row:
    """One unit of a ranking."""

    kind: str  # region | department | person
    key: str  # node key, or user id
    code: str
    name: str
    counters: Counter
    values: list[Value]
    score: float | None
    points: int = 0
    rank: int = 0
    node: Node | None = None
    extra: dict = field(default_factory=dict)

    @property
    def tier(self) -> str:
        return tier(self.score)

    def value(self, code: str) -> Value | None:
        return next((v for v in self.values if v.indicator.code == code), None)


def _row(kind, key, code, name, counters, items, node=None, points=0) -> Row:
    values = evaluate(counters, items)
    return Row(kind, key, code, name, counters, values, composite(values), points=points, node=node)


def rank(rows: list[Row], by: str | None = None) -> list[Row]:
    """Best first: by one indicator's score (or the composite), ties by name; units without a value last."""

    def key(row: Row):
        score = row.score
        if by == "points":
            return (-row.points, -(score or 0), row.name)
        if by:
            value = row.value(by)
            score = value.score if value else None
        return (score is None, -(score or 0), row.name)

    ordered = sorted(rows, key=key)
    for position, row in enumerate(ordered, start=1):
        row.rank = position
    return ordered


def node_row(node: Node, start: date | None, end: date | None, items=None) -> Row:
    items = items if items is not None else indicators()
    kind = "department" if node.is_department else "region"
    return _row(kind, node.key, node.code, node.name, figures.totals(node.key, start, end), items, node=node)


def children_rows(node: Node, start: date | None, end: date | None, items=None) -> list[Row]:
    """The node's child regions (streets of a district, communities of a street, grids of a community)."""
    if node.region is None:
        return []
    items = items if items is not None else indicators()
    counters = figures.children(node, start, end)
    regions = Region.objects.filter(parent=node.region, is_active=True).order_by("code")
    return [
        _row("region", r.path, r.code, r.name, counters.get(r.path, Counter()), items, node=region_node(r))
        for r in regions
    ]


def department_rows(node: Node, start: date | None, end: date | None, items=None) -> list[Row]:
    """Departments, by what they were credited with inside the node (a department node: itself)."""
    items = items if items is not None else indicators()
    if node.is_department:
        return [node_row(node, start, end, items)]
    counters = figures.breakdown(node, "department", start, end)
    ids = [int(v) for v in counters if v != "0"]
    rows = []
    for department in Department.objects.filter(pk__in=ids).order_by("code"):
        # Credited inside the node: its cases are the node's, filtered by the department.
        row = _row(
            "department",
            str(department.pk),
            department.code,
            department.name,
            counters[str(department.pk)],
            items,
            node=node,
        )
        row.extra["department"] = department.code
        rows.append(row)
    return rows


def workers(node: Node) -> list[User]:
    """Grid workers (and grid chiefs) serving under a region node."""
    if node.region is None:
        return []
    ids = Membership.objects.filter(
        role__in=(Role.GRID_WORKER, Role.GRID_CHIEF),
        is_active=True,
        region__path__startswith=node.key,
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def points_of(user_ids: list[int], start: date | None, end: date | None) -> dict[int, int]:
    entries = PointEntry.objects.filter(user_id__in=user_ids)
    if start:
        entries = entries.filter(day__gte=start)
    if end:
        entries = entries.filter(day__lte=end)
    return dict(entries.values("user_id").annotate(n=Sum("points")).values_list("user_id", "n"))


def point_entries(user_ids: list[int], start: date, end: date) -> QuerySet[PointEntry]:
    """The points of these people (the workers under a node the caller may see) in the period."""
    return PointEntry.objects.filter(user_id__in=user_ids, day__range=(start, end))


def person_rows(node: Node, start: date | None, end: date | None, items=None) -> list[Row]:
    items = items if items is not None else indicators(Subject.PERSON)
    people = workers(node)
    ids = [u.pk for u in people]
    where = Q(user_id__in=ids)
    if start:
        where &= Q(day__gte=start)
    if end:
        where &= Q(day__lte=end)
    sums = {key[0]: counters for key, counters in summed(ActorRollup, where, ("user_id",), ACTOR_COUNTERS).items()}
    points = points_of(ids, start, end)
    out = []
    for user in people:
        counters = sums.get(user.pk, Counter())
        counters["points"] = points.get(user.pk, 0)
        row = _row("person", str(user.pk), user.username, user.display_name or user.username, counters, items)
        row.points = counters["points"]
        row.extra["solved_in_grid"] = counters["on_spot"] + counters["grid_handled"]
        out.append(row)
    return out
