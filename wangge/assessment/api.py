"""Assessment over JSON (``/api/v1/assessment/…``): indicators, scores for any unit and period,
bulletins, weekly task lists. Reads are scoped like the dashboard (404 outside the reach)."""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wangge.assessment import selectors, services
from wangge.assessment.models import Subject
from wangge.assessment.visibility import visible_bulletins, visible_plans
from wangge.regions.models import Region
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
    region: str | None = Field(None, max_length=24)
    department: str | None = Field(None, max_length=32)
    from_: date | None = Field(None, alias="from")
    to: date | None = None
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


@router.get("/scores")
def scores(request, query: Query[ScoresQuery]):
    """Indicator values for a node (``unit=self``) or the units under it, ranked, for any period."""
    node = nodes.get_node_for(request.auth, region=query.region, department=query.department)
    today = timezone.localdate()
    end = query.to or today
    start = query.from_ or end.replace(day=1)
    if start > end:
        raise ValidationError({"from": _("The period ends before it starts.")})
    if query.unit == "self":
        rows = [selectors.node_row(node, start, end)]
    elif query.unit == "people":
        rows = selectors.rank(selectors.person_rows(node, start, end), by="points")
    elif query.unit == "departments":
        rows = selectors.rank(selectors.department_rows(node, start, end))
    else:
        rows = selectors.rank(selectors.children_rows(node, start, end))
    return {"from": start.isoformat(), "to": end.isoformat(), "unit": query.unit, "rows": [_row(r) for r in rows]}


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


@router.get("/bulletins", response=list[BulletinOut])
def bulletins(request):
    return [_bulletin(b) for b in visible_bulletins(request.auth).select_related("region")[:200]]


class BulletinDetailOut(BulletinOut):
    data: dict


@router.get("/bulletins/{bulletin_id}", response=BulletinDetailOut)
def bulletin(request, bulletin_id: int):
    item = visible_bulletins(request.auth).select_related("region").filter(pk=bulletin_id).first()
    if item is None:
        raise Http404("bulletin")
    return {**_bulletin(item), "data": item.data}


class GenerateIn(Schema):
    region: str = Field(..., max_length=24)
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")


@router.post("/bulletins", response={201: BulletinDetailOut})
def generate(request, payload: GenerateIn):
    """Generate (or regenerate) a region's bulletin for a month."""
    region = Region.objects.filter(code=payload.region, is_active=True).first()
    if region is None:
        raise Http404("region")
    year, month = (int(p) for p in payload.month.split("-"))
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")})
    start, end = services.month_bounds(year, month)
    try:
        item = services.generate_bulletin(actor=request.auth, region=region, start=start, end=end)
    except PermissionDenied:
        nodes.get_node_for(request.auth, region=region.code)  # 404 when outside the reach
        raise
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


@router.get("/weekly", response=list[PlanOut])
def plans(request):
    return [_plan(p) for p in visible_plans(request.auth).select_related("region")[:100]]


class PlanIn(Schema):
    region: str = Field(..., max_length=24)
    week: date
    title: str = Field(..., max_length=120)
    items: str = Field(..., max_length=20000, description="One task per line")


@router.post("/weekly", response={201: PlanOut})
def create_plan(request, payload: PlanIn):
    region = Region.objects.filter(code=payload.region, is_active=True).first()
    if region is None:
        raise Http404("region")
    plan = services.create_plan(
        actor=request.auth, region=region, week_start=payload.week, title=payload.title, items=payload.items
    )
    return Status(201, _plan(plan))


@router.post("/weekly/{plan_id}/publish", response=PlanOut)
def publish_plan(request, plan_id: int):
    plan = visible_plans(request.auth).select_related("region").filter(pk=plan_id).first()
    if plan is None:
        raise Http404("plan")
    services.publish_plan(actor=request.auth, plan=plan)
    plan.refresh_from_db()
    return _plan(plan)
