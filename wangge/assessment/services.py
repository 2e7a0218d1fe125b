"""Every write of the assessment app: bulletins, weekly task lists, points entered by hand."""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.models import Membership, Role, User
from wangge.accounts.roles import has_capability
from wangge.accounts.scope import scope_for
from wangge.assessment import patrol_work, selectors
from wangge.assessment.models import Bulletin, PointEntry, Subject, WeeklyPlan
from wangge.core import text, validators
from wangge.inbox.models import Kind
from wangge.inbox.services import notify
from wangge.regions.models import Level, Region
from wangge.rollups.selectors import region_node

MANAGE = "assessment.manage"


def _require(actor, region: Region | None = None) -> None:
    if actor is None:
        return  # the schedule
    if not has_capability(actor, MANAGE):
        raise PermissionDenied(_("Your role may not manage assessment."))
    if region is not None and not scope_for(actor).covers_path(region.path):
        raise PermissionDenied(_("This region is outside your reach."))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return month_bounds(last.year, last.month)


# --- bulletins -------------------------------------------------------------------------------------


def _value(v) -> dict:
    return {"numerator": v.numerator, "denominator": v.denominator, "value": v.value}


def _row(row) -> dict:
    return {
        "rank": row.rank,
        "kind": row.kind,
        "key": row.key,
        "code": row.code,
        "name": row.name,
        "score": row.score,
        "tier": row.tier,
        "points": row.points,
        "query": row.node.query if row.node else "",
        "values": {v.indicator.code: _value(v) for v in row.values},
        **({"solved_in_grid": row.extra["solved_in_grid"]} if "solved_in_grid" in row.extra else {}),
        **(
            {"counters": {k: row.counters[k] for k in ("reports", "valid_reports", "verifications")}}
            if row.kind == "person"
            else {}
        ),
    }


def _indicator(i) -> dict:
    return {
        "code": i.code,
        "name": i.name,
        "name_en": i.name_en,
        "weight": float(i.weight),
        "higher_is_better": i.higher_is_better,
        "numerator": i.numerator,
        "denominator": i.denominator,
        "description": i.description,
        "description_en": i.description_en,
    }


def bulletin_data(region: Region, start: date, end: date) -> dict:
    """Everything a bulletin shows, as frozen JSON: the ranking of the region's units, departments and
    grid workers with every indicator's numerator, denominator and value."""
    node = region_node(region)
    case_items = selectors.indicators(Subject.CASES)
    person_items = selectors.indicators(Subject.PERSON)
    total = selectors.node_row(node, start, end, case_items)
    units = selectors.rank(selectors.children_rows(node, start, end, case_items))
    departments = selectors.rank(selectors.department_rows(node, start, end, case_items))
    people = selectors.rank(selectors.person_rows(node, start, end, person_items), by="points")
    patrol_items = selectors.indicators(Subject.PATROLS)
    patrol_total, patrol_units = patrol_work.region_rows(region, start, end, patrol_items)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "tiers": {"green": settings.ASSESSMENT_GREEN_FROM, "yellow": settings.ASSESSMENT_YELLOW_FROM},
        "indicators": [_indicator(i) for i in case_items],
        "person_indicators": [_indicator(i) for i in person_items],
        "total": _row(total),
        "units": [_row(r) for r in units],
        "departments": [_row(r) for r in departments],
        "people": [_row(r) for r in people],
        # Patrols and household visits (older bulletins have none of these keys).
        "patrol_indicators": [_indicator(i) for i in patrol_items],
        "patrol_total": _row(patrol_total),
        "patrol_units": [_row(r) for r in selectors.rank(patrol_units)],
        "patrol_workers": patrol_work.workers(region, start, end),
    }


def bulletin_title(region: Region, start: date) -> str:
    return _("%(region)s assessment bulletin, %(year)d-%(month)02d") % {
        "region": region.name,
        "year": start.year,
        "month": start.month,
    }


@transaction.atomic
def generate_bulletin(*, actor, region: Region, start: date, end: date) -> Bulletin:
    """Compute and store (or replace) the bulletin of a region for a period."""
    _require(actor, region)
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    bulletin, _created = Bulletin.objects.update_or_create(
        region=region,
        period_start=start,
        period_end=end,
        defaults={
            "title": bulletin_title(region, start),
            "data": bulletin_data(region, start, end),
            "generated_at": timezone.now(),
            "generated_by": actor,
        },
    )
    if actor is not None:
        audit.record(
            actor=actor, action="assessment.bulletin", obj=bulletin, changes={"period": [str(start), str(end)]}
        )
    return bulletin


def bulletin_regions() -> list[Region]:
    """Who gets a monthly bulletin: every district and every street/town."""
    return list(Region.objects.filter(level__in=(Level.DISTRICT, Level.STREET), is_active=True).order_by("path"))


def generate_monthly(today: date | None = None) -> list[Bulletin]:
    """Last month's bulletins for every district and street (the schedule runs it on the 1st)."""
    start, end = previous_month(today or timezone.localdate())
    return [generate_bulletin(actor=None, region=r, start=start, end=end) for r in bulletin_regions()]


# --- weekly task lists -----------------------------------------------------------------------------


def _clean_plan(title: str, items: str) -> tuple[str, str]:
    errors = {}
    title = (title or "").strip()
    lines = [line.strip() for line in (items or "").splitlines() if line.strip()]
    if not title:
        errors["title"] = _("Give the list a title.")
    elif len(title) > 120:
        errors["title"] = _("The title is longer than 120 characters.")
    if not lines:
        errors["items"] = _("Write at least one task, one per line.")
    elif len(lines) > 50 or any(len(line) > 300 for line in lines):
        errors["items"] = _("At most 50 tasks of 300 characters each.")
    for field, value, multiline in (("title", title, False), ("items", items or "", True)):
        if kind := text.problem(value, multiline=multiline):  # the page posts here without a form
            errors[field] = text.message(kind, multiline=multiline)
    if errors:
        raise ValidationError(errors)
    return title, "\n".join(lines)


@transaction.atomic
def create_plan(*, actor, region: Region, week_start: date, title: str, items: str) -> WeeklyPlan:
    _require(actor, region)
    validators.check_day(week_start, field="week")
    title, items = _clean_plan(title, items)
    monday = week_start - timedelta(days=week_start.weekday())
    plan = WeeklyPlan.objects.create(region=region, week_start=monday, title=title, items=items, created_by=actor)
    audit.record(actor=actor, action="assessment.plan.create", obj=plan)
    return plan


def plan_recipients(plan: WeeklyPlan) -> list[User]:
    ids = Membership.objects.filter(
        role__in=(Role.GRID_WORKER, Role.GRID_CHIEF, Role.MICRO_GRID_LIAISON),
        is_active=True,
        region__path__startswith=plan.region.path,
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


@transaction.atomic
def publish_plan(*, actor, plan: WeeklyPlan) -> int:
    """Send the list to the inbox of every grid worker, grid chief and liaison under its region (once)."""
    plan = WeeklyPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
    _require(actor, plan.region)
    if plan.published_at is not None:
        raise ValidationError({"plan": _("This list has already been published.")})
    users = plan_recipients(plan)
    body = "\n".join(f"{n}. {line}" for n, line in enumerate(plan.task_lines, start=1))
    notify(users=users, kind=Kind.NOTICE, title=plan.title, body=body, url=f"/assessment/weekly/{plan.pk}/")
    plan.published_at = timezone.now()
    plan.recipients = len(users)
    plan.save(update_fields=["published_at", "recipients"])
    audit.record(actor=actor, action="assessment.plan.publish", obj=plan, changes={"recipients": len(users)})
    return len(users)


# --- points by hand --------------------------------------------------------------------------------


@transaction.atomic
def award_points(*, actor, user: User, points: int, day: date, note: str) -> PointEntry:
    """A ledger line entered by hand (e.g. for visits or patrols), for a grid worker in the actor's reach."""
    _require(actor)
    note = (note or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("Say what the points are for.")
    if not -100 <= int(points) <= 100 or int(points) == 0:
        errors["points"] = _("Give a whole number from -100 to 100, not 0.")
    if errors:
        raise ValidationError(errors)
    paths = Membership.objects.filter(user=user, is_active=True).values_list("region__path", flat=True)
    if not any(scope_for(actor).covers_path(p) for p in paths):
        raise PermissionDenied(_("This person is outside your reach."))
    entry = PointEntry.objects.create(user=user, points=int(points), day=day, note=note[:200], created_by=actor)
    audit.record(actor=actor, action="assessment.points", obj=entry, changes={"points": int(points)})
    return entry
