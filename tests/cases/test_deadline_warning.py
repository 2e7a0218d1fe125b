"""Query-time warnings: ``deadlines.warning_at`` and the worklist's warning filters and boxes are right
at any moment without the periodic scan having run (the stored ``warning`` column stays empty)."""

import json
from datetime import datetime, timedelta

import pytest
import shapely

from tests.common import _english  # noqa: F401
from wangge.accounts.models import Membership, Role, User
from wangge.cases import deadlines, services
from wangge.cases.models import Case, Category
from wangge.cases.selectors import CaseFilters, worklist
from wangge.cases.services import Report
from wangge.workcalendar import calendar as workcal
from wangge.workcalendar.calendar import CALENDAR_TZ, forget_calendar


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.CASE_WARNING_SHARE = 0.8
    forget_calendar()
    yield
    forget_calendar()


def sh(month, day, hour, minute=0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CALENDAR_TZ)


@pytest.fixture
def reporter(db):
    users = {u.username: u for u in User.objects.filter(username__in=["resident1", "gridworker1", "dispatcher"])}
    grid = Membership.objects.get(user=users["gridworker1"], role=Role.GRID_WORKER).region
    point = shapely.from_geojson(json.dumps(grid.boundary)).representative_point()
    category = (
        Category.objects.filter(
            parent__isnull=False, default_level="street", department_kind="city_management", limit_accept="2h"
        )
        .order_by("code")
        .first()
    )

    def report(at: datetime, urgent: bool = False) -> Case:
        case, _ = services.report_case(
            actor=users["gridworker1" if urgent else "resident1"],  # only staff mark a report urgent
            report=Report(category=category.code, description="占道经营", lon=point.x, lat=point.y, urgent=urgent),
            at=at,
        )
        return case

    report.users = users
    return report


@pytest.mark.parametrize(
    ("reported", "due", "warn"),
    [
        (sh(11, 23, 9), sh(11, 23, 11), sh(11, 23, 10, 36)),  # inside the morning
        (sh(11, 23, 11, 30), sh(11, 23, 15), sh(11, 23, 14, 36)),  # over lunch
        (sh(11, 20, 17, 10), sh(11, 23, 10, 10), sh(11, 23, 9, 46)),  # Friday → Monday
        (sh(11, 21, 10), sh(11, 23, 10, 30), sh(11, 23, 10, 6)),  # reported on a Saturday
        (sh(9, 30, 16), sh(10, 8, 9), sh(10, 8, 8, 36)),  # over the National Day holiday (1–7 October)
    ],
)
def test_due_and_warn_in_working_time(reporter, reported, due, warn):
    case = reporter(reported)
    assert case.due_at == due and case.warn_at == warn
    assert case.due_at == workcal.deadline(reported, deadlines.stage_limit(case, "accept"))
    assert deadlines.warning_at(case, warn - timedelta(seconds=1)) == ""
    assert deadlines.warning_at(case, warn) == "yellow"
    assert deadlines.warning_at(case, due - timedelta(seconds=1)) == "yellow"
    assert deadlines.warning_at(case, due) == "red"
    assert deadlines.warning_at(case, due + timedelta(days=30)) == "red"


def test_urgent_cases_get_half_the_time(reporter):
    case = reporter(sh(11, 23, 9), urgent=True)
    assert case.due_at == sh(11, 23, 10) and case.warn_at == sh(11, 23, 9, 48)


def test_no_stage_no_warning(reporter):
    case = reporter(sh(11, 23, 9))
    case = services.transition(case, "reject", actor=reporter.users["dispatcher"], opinion="重复", at=sh(11, 23, 9, 5))
    assert case.due_at is None and case.warn_at is None
    assert deadlines.warning_at(case, sh(12, 31, 9)) == ""


def test_the_worklist_filters_by_warning_at_query_time(reporter):
    dispatcher = reporter.users["dispatcher"]
    early = reporter(sh(11, 23, 9))  # yellow 10:36, red 11:00
    late = reporter(sh(11, 23, 10))  # yellow 11:36, red 12:00 (lunch does not count: 13:30+0 → 12:00)
    assert late.due_at == sh(11, 23, 12)

    def numbers(now, **filters):
        return set(worklist(dispatcher, CaseFilters(**filters), now=now).values_list("number", flat=True))

    mine = {early.number, late.number}
    assert numbers(sh(11, 23, 10, 30), warning="yellow") & mine == set()
    assert numbers(sh(11, 23, 10, 40), warning="yellow") & mine == {early.number}
    assert numbers(sh(11, 23, 11), warning="red") & mine == {early.number}
    assert numbers(sh(11, 23, 11), warning="yellow") & mine == set()
    assert numbers(sh(11, 23, 11, 40), warning="yellow") & mine == {late.number}
    assert numbers(sh(11, 23, 13), warning="red") & mine == mine
    # The worklist boxes (due soon / overdue) agree.
    assert numbers(sh(11, 23, 10, 40), box="soon") & mine == {early.number}
    assert numbers(sh(11, 23, 10, 40), box="overdue") & mine == set()
    assert numbers(sh(11, 23, 13), box="overdue") & mine == mine
    # Nothing was stored: the periodic scan never ran.
    assert set(Case.objects.filter(pk__in=[early.pk, late.pk]).values_list("warning", flat=True)) == {""}
    # Accepting restarts the clock: the case is on time again.
    services.transition(early, "accept", actor=dispatcher, at=sh(11, 23, 13))
    assert numbers(sh(11, 23, 13, 10), warning="red") & mine == {late.number}
