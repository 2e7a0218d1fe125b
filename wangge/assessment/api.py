"""Assessment over JSON (``/api/v1/assessment/…``): indicators, scores for any unit and period,
bulletins, weekly task lists. Reads are scoped like the dashboard (404 outside the reach)."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wangge.assessment import party_work, patrol_work, selectors, services
from wangge.assessment.models import Subject
from wangge.assessment.visibility import (
    get_bulletin_for,
    get_plan_for,
    get_region_in_reach,
    visible_bulletins,
    visible_plans,
)
from wangge.core import validators
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.core.text import MultilineText, Text
from wangge.core.validators import Day
from wangge.rollups import selectors as nodes

router = Router(tags=["assessment"])


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    subject: str
    numerator: str
    denominator: str
    weight: float
    higher_is_better: bool
    description: str
    description_en: str

    @staticmethod
    def resolve_weight(indicator) -> float:
        return float(indicator.weight)


@router.get("/indicators", response=list[IndicatorOut])
def indicators(request):
    """The indicator definitions (formulas over the roll-up counters, with weights)."""
    return (
        selectors.indicators(Subject.CASES)
        + selectors.indicators(Subject.PERSON)
        + selectors.indicators(Subject.PARTY)
        + selectors.indicators(Subject.PATROLS)
    )


class ScoresQuery(Schema):
    region: Text | None = Field(None, max_length=24)
    department: Text | None = Field(None, max_length=32)
    date_from: Day | None = Field(None, description="First day (default: the first of date_to's month)")
    date_to: Day | None = Field(None, description="Last day, included (default: today)")
    unit: Literal["self", "children", "departments", "people", "party", "party_self", "patrols", "patrols_self"] = (
        Field(
            "children",
            description="party: the party indicators of the areas below; party_self: of the region itself; "
            "patrols, patrols_self: the same for the indicators of patrols and household visits",
        )
    )


class ValueOut(Schema):
    numerator: float
    denominator: float
    value: float | None


class ScoreRowOut(Schema):
    rank: int | None
    kind: str
    code: str
    name: str
    score: float | None
    tier: str
    points: float
    values: dict[str, ValueOut]

    @staticmethod
    def resolve_values(row) -> dict:
        return {v.indicator.code: v for v in row.values}


class ScoresOut(Schema):
    date_from: str
    date_to: str
    unit: str
    rows: list[ScoreRowOut]


@router.get("/scores", response=ScoresOut)
def scores(request, query: Query[ScoresQuery]):
    """Indicator values for a node (``unit=self``) or the units under it, ranked, for any period."""
    node = nodes.get_node_for(request.auth, region=query.region, department=query.department)
    today = timezone.localdate()
    end = query.date_to or today
    start = query.date_from or end.replace(day=1)
    if start > end:
        raise ValidationError({"date_from": _("The period ends before it starts.")})
    if query.unit == "self":
        rows = [selectors.node_row(node, start, end)]
    elif query.unit == "people":
        rows = selectors.rank(selectors.person_rows(node, start, end), by="points")
    elif query.unit in ("party", "party_self"):
        own, below = party_work.node_rows(request.auth, node, start, end)
        rows = ([own] if own else []) if query.unit == "party_self" else selectors.rank(below)
    elif query.unit in ("patrols", "patrols_self"):
        own, below = patrol_work.node_rows(node, start, end)
        rows = ([own] if own else []) if query.unit == "patrols_self" else selectors.rank(below)
    elif query.unit == "departments":
        rows = selectors.rank(selectors.department_rows(node, start, end))
    else:
        rows = selectors.rank(selectors.children_rows(node, start, end))
    return {
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "unit": query.unit,
        "rows": rows,
    }


class BulletinOut(Schema):
    id: int
    title: str
    region: str
    period_start: date
    period_end: date
    generated_at: str

    @staticmethod
    def resolve_region(bulletin) -> str:
        return bulletin.region.code

    @staticmethod
    def resolve_generated_at(bulletin) -> str:
        return bulletin.generated_at.isoformat()


@router.get("/bulletins", response=Page[BulletinOut])
def bulletins(request, query: Query[PageQuery]):
    """The bulletins of regions in your reach, newest period first."""
    rows = visible_bulletins(request.auth).select_related("region")
    return keyset_page(rows, query, order=("-period_start", "-id"), count=True)


class BulletinDetailOut(BulletinOut):
    data: dict


@router.get("/bulletins/{bulletin_id}", response=BulletinDetailOut)
def bulletin(request, bulletin_id: int):
    item = get_bulletin_for(request.auth, bulletin_id)
    return item


class GenerateIn(Schema):
    region: Text = Field(..., max_length=24)
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")


@router.post("/bulletins", response={201: BulletinDetailOut})
def generate(request, payload: GenerateIn):
    """Generate (or regenerate) a region's bulletin for a month."""
    region = get_region_in_reach(request.auth, payload.region)
    year, month = (int(p) for p in payload.month.split("-"))
    if not 1 <= month <= 12 or not validators.FIRST_DAY.year <= year <= validators.LAST_DAY.year:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")})
    start, end = services.month_bounds(year, month)
    item = services.generate_bulletin(actor=request.auth, region=region, start=start, end=end)
    return Status(201, item)


class PlanOut(Schema):
    id: int
    region: str
    week_start: date
    title: str
    tasks: list[str]
    published_at: str | None
    recipients: int

    @staticmethod
    def resolve_region(plan) -> str:
        return plan.region.code

    @staticmethod
    def resolve_tasks(plan) -> list[str]:
        return plan.task_lines

    @staticmethod
    def resolve_published_at(plan) -> str | None:
        return plan.published_at.isoformat() if plan.published_at else None


@router.get("/weekly", response=Page[PlanOut])
def plans(request, query: Query[PageQuery]):
    """The task lists you may read, newest week first."""
    rows = visible_plans(request.auth).select_related("region")
    return keyset_page(rows, query, order=("-week_start", "-id"), count=True)


class PlanIn(Schema):
    region: Text = Field(..., max_length=24)
    week: Day
    title: Text = Field(..., max_length=120)
    items: MultilineText = Field(..., max_length=20000, description="One task per line")


@router.post("/weekly", response={201: PlanOut})
def create_plan(request, payload: PlanIn):
    region = get_region_in_reach(request.auth, payload.region)
    plan = services.create_plan(
        actor=request.auth, region=region, week_start=payload.week, title=payload.title, items=payload.items
    )
    return Status(201, plan)


@router.post("/weekly/{plan_id}/publish", response=PlanOut)
def publish_plan(request, plan_id: int):
    plan = get_plan_for(request.auth, plan_id)
    services.publish_plan(actor=request.auth, plan=plan)
    plan.refresh_from_db()
    return plan
