"""Stage deadlines in working time: due at the category's limit, yellow warning at a share of it."""

from datetime import datetime

from django.conf import settings

from wangge.cases.models import Case, Warning
from wangge.cases.workflow import LIMIT_OF_STAGE
from wangge.workcalendar import calendar as workcal


def stage_limit(case: Case, stage: str) -> str:
    limit = case.category.limit_for(LIMIT_OF_STAGE[stage])
    if case.is_urgent:
        return halve(limit)
    return limit


def halve(limit: str) -> str:
    """Urgent cases get half the time: days become working hours first."""
    hours, days = workcal.parse_limit(limit)
    total = hours + days * _hours_per_day()
    return f"{max(total / 2, 0.25):g}h"


def _hours_per_day() -> float:
    return sum(
        (end.hour * 60 + end.minute - start.hour * 60 - start.minute) / 60 for start, end in workcal.working_periods()
    )


def start_clock(case: Case, stage: str, now: datetime) -> None:
    case.stage = stage
    case.stage_started_at = now
    if not stage:
        case.due_at = case.warn_at = None
        case.warning = Warning.NONE
        return
    case.due_at = workcal.deadline(now, stage_limit(case, stage))
    case.warn_at = warn_time(now, case.due_at)
    case.warning = Warning.NONE


def extend(case: Case, limit: str) -> None:
    """Move the current deadline by ``limit`` of working time (an approved extension)."""
    hours, days = workcal.parse_limit(limit)
    case.due_at = workcal.add_working_time(case.due_at, hours=hours, days=days)
    case.warn_at = warn_time(case.stage_started_at, case.due_at)
    case.warning = Warning.NONE


def warn_time(start: datetime, due: datetime) -> datetime:
    seconds = workcal.working_seconds_between(start, due)
    return workcal.add_working_time(start, hours=seconds * settings.CASE_WARNING_SHARE / 3600)


def warning_at(case: Case, now: datetime) -> str:
    """The warning state at ``now``, correct without the periodic task."""
    if case.due_at is None:
        return Warning.NONE
    if now >= case.due_at:
        return Warning.RED
    if case.warn_at is not None and now >= case.warn_at:
        return Warning.YELLOW
    return Warning.NONE
