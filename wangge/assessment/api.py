"""Assessment over JSON (``/api/v1/assessment/…``): indicators, scores for any unit and period,
bulletins, weekly task lists. Reads are scoped like the dashboard (404 outside the reach)."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wangge.assessment import selectors, services
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


@router.get("/indicators", response=list[IndicatorOut])
def indicators(request):
    """The indicator definitions (formulas over the roll-up counters, with weights)."""
    items = selectors.indicators(Subject.CASES) + selectors.indicators(Subject.PERSON)
    return [
        {
            "code": i.code,
            "name": i.name,
            "name_en": i.name_en,
            "subject": i.subject,
            "numerator": i.numerator,
            "denominator": i.denominator,
            "weight": float(i.weight),
            "higher_is_better": i.higher_is_better,
            "description": i.description,
            "description_en": i.description_en,
        }
        for i in items
    ]


class ScoresQuery(Schema):
    region: Text | None = Field(None, max_length=24)
    department: Text | None = Field(None, max_length=32)
    date_from: Day | None = Field(None, description="First day (default: the first of date_to's month)")
    date_to: Day | None = Field(None, description="Last day, included (default: today)")
    unit: Literal["self", "children", "departments", "people"] = "children"


def _row(row) -> dict:
    return {
        "rank": row.rank,
        "kind": row.kind,
        "code": row.code,
        "name": row.name,
        "score": row.score,
        "tier": row.tier,
        "points": row.points,
        "values": {
            v.indicator.code: {"numerator": v.numerator, "denominator": v.denominator, "value": v.value}
            for v in row.values
        },
    }


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
    elif query.unit == "departments":
        rows = selectors.rank(selectors.department_rows(node, start, end))
    else:
        rows = selectors.rank(selectors.children_rows(node, start, end))
    return {
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "unit": query.unit,
        "rows": [_row(r) for r in rows],
    }


class BulletinOut(Schema):
    id: int
    title: str
    region: str
    period_start: date
    period_end: date
    generated_at: str


def _bulletin(b) -> dict:
    return {
        "id": b.pk,
        "title": b.title,
        "region": b.region.code,
        "period_start": b.period_start,
        "period_end": b.period_end,
        "generated_at": b.generated_at.isoformat(),
    }


@router.get("/bulletins", response=Page[BulletinOut])
def bulletins(request, query: Query[PageQuery]):
    """The bulletins of regions in your reach, newest period first."""
    rows = visible_bulletins(request.auth).select_related("region")
    return keyset_page(rows, query, order=("-period_start", "-id"), count=True, item=_bulletin)


class BulletinDetailOut(BulletinOut):
    data: dict


@router.get("/bulletins/{bulletin_id}", response=BulletinDetailOut)
def bulletin(request, bulletin_id: int):
    item = get_bulletin_for(request.auth, bulletin_id)
    return {**_bulletin(item), "data": item.data}


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
    return Status(201, {**_bulletin(item), "data": item.data})


class PlanOut(Schema):
    id: int
    region: str
    week_start: date
    title: str
    tasks: list[str]
    published_at: str | None
    recipients: int


def _plan(p) -> dict:
    return {
        "id": p.pk,
        "region": p.region.code,
        "week_start": p.week_start,
        "title": p.title,
        "tasks": p.task_lines,
        "published_at": p.published_at.isoformat() if p.published_at else None,
        "recipients": p.recipients,
    }


@router.get("/weekly", response=Page[PlanOut])
def plans(request, query: Query[PageQuery]):
    """The task lists you may read, newest week first."""
    rows = visible_plans(request.auth).select_related("region")
    return keyset_page(rows, query, order=("-week_start", "-id"), count=True, item=_plan)


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
    return Status(201, _plan(plan))


@router.post("/weekly/{plan_id}/publish", response=PlanOut)
def publish_plan(request, plan_id: int):
    plan = get_plan_for(request.auth, plan_id)
    services.publish_plan(actor=request.auth, plan=plan)
    plan.refresh_from_db()
    return _plan(plan)
