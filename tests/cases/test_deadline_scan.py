"""The periodic deadline scan (wangge.cases.tasks): yellow, then red, each told exactly once, and the
overdue policy's system yellow card on the timeline."""

import io
import json
from datetime import datetime, timedelta

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.common import _english  # noqa: F401
from wangge.accounts.models import Membership, Role, User
from wangge.cases import services, tasks
from wangge.cases.models import Case, CaseEvent, Category, Status
from wangge.cases.services import Report
from wangge.cases.workflow import RULES
from wangge.inbox.models import Kind, Message
from wangge.workcalendar.calendar import CALENDAR_TZ, forget_calendar

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=CALENDAR_TZ)


@pytest.fixture(autouse=True)
def _calendar_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CASE_WARNING_SHARE = 0.8
    settings.CASE_OVERDUE_POLICY = {"handle": "supervise"}
    forget_calendar()
    yield
    forget_calendar()


def sh(day, hour, minute=0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CALENDAR_TZ)


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 10, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class Desk:
    def __init__(self):
        names = ["resident1", "operator", "dispatcher", "dutychief", "department1", "leader", "gridworker1"]
        self.users = {u.username: u for u in User.objects.filter(username__in=names)}
        grid = Membership.objects.get(user=self.users["gridworker1"], role=Role.GRID_WORKER).region
        point = shapely.from_geojson(json.dumps(grid.boundary)).representative_point()
        self.lon, self.lat = point.x, point.y
        # A street-handled city-management sub-class whose accept limit is 2 working hours.
        self.category = (
            Category.objects.filter(
                parent__isnull=False, default_level="street", department_kind="city_management", limit_accept="2h"
            )
            .order_by("code")
            .first()
        )
        assert self.category is not None

    def report(self, at=MONDAY_9, **fields) -> Case:
        case, _ = services.report_case(
            actor=self.users["resident1"],
            report=Report(category=self.category.code, description="垃圾满溢", lon=self.lon, lat=self.lat, **fields),
            at=at,
        )
        return case

    def act(self, case, action, who, at, **params) -> Case:
        return services.transition(case, action, actor=self.users[who], at=at, **params)

    def in_progress(self, at=MONDAY_9) -> Case:
        case = self.report(at=at)
        case = self.act(case, "accept", "operator", at + timedelta(minutes=10))
        case = self.act(case, "dispatch", "dispatcher", at + timedelta(minutes=20))
        return self.act(case, "sign", "department1", at + timedelta(minutes=30))


@pytest.fixture
def desk(db):
    return Desk()


def messages(kind, case) -> list[Message]:
    return list(Message.objects.filter(kind=kind, url=f"/cases/{case.number}/"))


def assert_timeline_replays(case: Case) -> None:
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for previous, event in zip(events, events[1:], strict=False):
        assert event.from_status == previous.to_status
        assert RULES[(event.from_status, event.action)].to == event.to_status
    case.refresh_from_db()
    assert case.status == events[-1].to_status and case.version == len(events) - 1


def test_yellow_then_red_each_told_once(desk):
    case = desk.report()
    # Accept within 2 working hours: due 11:00, yellow from 80 %, i.e. 10:36.
    assert case.due_at == sh(23, 11) and case.warn_at == sh(23, 10, 36)
    centre = {desk.users[n].pk for n in ("operator", "dispatcher", "dutychief")}

    assert tasks.scan(sh(23, 10, 35)) == tasks.ScanResult()
    case.refresh_from_db()
    assert case.warning == ""

    assert tasks.scan(sh(23, 10, 36)) == tasks.ScanResult(yellow=1)
    case.refresh_from_db()
    assert case.warning == "yellow" and case.version == 0  # a colour is not a transition
    warned = messages(Kind.WARNING, case)
    assert centre <= {m.user_id for m in warned} and len(warned) == len({m.user_id for m in warned})
    assert tasks.scan(sh(23, 10, 50)) == tasks.ScanResult()  # the second run tells nobody again
    assert len(messages(Kind.WARNING, case)) == len(warned)

    assert tasks.scan(sh(23, 11)) == tasks.ScanResult(red=1)  # red at the deadline itself
    case.refresh_from_db()
    assert case.warning == "red"
    overdue = messages(Kind.OVERDUE, case)
    assert centre <= {m.user_id for m in overdue}
    assert tasks.scan(sh(23, 11, 1)) == tasks.ScanResult()
    assert tasks.scan_deadlines.call_local(sh(24, 9)) == tasks.ScanResult()
    assert len(messages(Kind.OVERDUE, case)) == len(overdue) and len(messages(Kind.WARNING, case)) == len(warned)
    # The accept stage has no overdue policy: nothing on the timeline, the version untouched.
    assert CaseEvent.objects.filter(case=case).count() == 1 and case.version == 0


def test_a_scan_that_was_down_goes_straight_to_red(desk):
    case = desk.report()
    assert tasks.scan(sh(24, 9)) == tasks.ScanResult(red=1)
    assert messages(Kind.WARNING, case) == [] and messages(Kind.OVERDUE, case)


def test_the_clock_waits_over_the_weekend(desk):
    friday = sh(20, 17, 10)  # 20 working minutes left in the week
    case = desk.report(at=friday)
    assert case.due_at == sh(23, 10, 10)
    assert tasks.scan(sh(22, 23, 59)).yellow == 0  # Sunday night: only 20 of 120 minutes have passed
    assert tasks.scan(sh(23, 9, 46)).yellow == 1
    assert tasks.scan(sh(23, 10, 10)).red == 1


def test_a_new_stage_clears_the_colour_and_is_watched_again(desk):
    case = desk.report()
    tasks.scan(sh(23, 11, 30))
    case.refresh_from_db()
    assert case.warning == "red"
    case = desk.act(case, "accept", "operator", sh(23, 11, 40))
    # 20 minutes before lunch, 100 after it; yellow after 96 working minutes.
    assert case.warning == "" and case.stage == "dispatch" and case.due_at == sh(23, 15, 10)
    assert tasks.scan(sh(23, 14, 45)) == tasks.ScanResult()
    assert tasks.scan(sh(23, 14, 46)) == tasks.ScanResult(yellow=1)
    case.refresh_from_db()
    assert case.warning == "yellow"


def test_two_consumers_never_tell_twice(desk):
    """Both consumers listed the same case before either claimed it: the conditional UPDATE picks one."""
    case = desk.report()
    now = sh(23, 10, 40)
    assert tasks._warn(case.pk, now) == 1
    assert tasks._warn(case.pk, now) == 0
    later = sh(23, 11, 5)
    assert tasks._overdue(case.pk, later) == (1, 0)
    assert tasks._overdue(case.pk, later) == (0, 0)
    assert tasks._warn(case.pk, later) == 0  # red is never turned back to yellow
    counts = {m.user_id: 0 for m in messages(Kind.WARNING, case)}
    for message in messages(Kind.WARNING, case):
        counts[message.user_id] += 1
    assert set(counts.values()) == {1}


def test_a_claim_is_lost_when_the_case_moved_meanwhile(desk):
    case = desk.report()
    desk.act(case, "accept", "operator", sh(23, 10, 30))  # new stage, new clock: 12:30 due, 12:00 warn
    assert tasks._warn(case.pk, sh(23, 10, 40)) == 0
    assert tasks._overdue(case.pk, sh(23, 11, 5)) == (0, 0)
    assert messages(Kind.WARNING, case) == [] and messages(Kind.OVERDUE, case) == []


def test_an_overdue_handle_stage_gets_a_system_yellow_card(desk):
    case = desk.in_progress()
    assert case.stage == "handle" and case.assigned_user == desk.users["department1"]
    version = case.version
    result = tasks.scan(case.due_at + timedelta(minutes=1))
    assert result == tasks.ScanResult(red=1, flagged=1)
    case.refresh_from_db()
    assert case.warning == "red" and case.supervision == "yellow" and case.status == Status.IN_PROGRESS
    assert case.version == version + 1
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.action, event.role, event.actor, event.from_status, event.to_status) == (
        "supervise",
        "system",
        None,
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
    )
    assert event.data == {"supervision": "yellow"} and event.opinion
    assert desk.users["department1"].pk in {m.user_id for m in messages(Kind.OVERDUE, case)}
    assert_timeline_replays(case)
    # Running again changes nothing: no second card, no second message.
    assert tasks.scan(case.due_at + timedelta(hours=3)) == tasks.ScanResult()
    assert CaseEvent.objects.filter(case=case, action="supervise").count() == 1


def test_the_policy_never_lowers_a_card(desk, settings):
    case = desk.in_progress()
    case = desk.act(case, "supervise", "leader", sh(23, 9, 40), opinion="限期整改", supervision="red")
    events = CaseEvent.objects.filter(case=case).count()
    assert tasks.scan(case.due_at) == tasks.ScanResult(red=1)
    case.refresh_from_db()
    assert case.supervision == "red" and CaseEvent.objects.filter(case=case).count() == events


def test_the_policy_comes_from_settings(desk, settings):
    settings.CASE_OVERDUE_POLICY = {}
    quiet = desk.in_progress()
    assert tasks.scan(quiet.due_at) == tasks.ScanResult(red=1)
    quiet.refresh_from_db()
    assert quiet.supervision == ""

    settings.CASE_OVERDUE_POLICY = {"accept": "supervise_red"}
    loud = desk.report(at=sh(24, 9))
    assert tasks.scan(loud.due_at) == tasks.ScanResult(red=1, flagged=1)
    loud.refresh_from_db()
    assert loud.supervision == "red" and loud.status == Status.REPORTED
    assert_timeline_replays(loud)


def test_finished_and_parked_cases_are_not_watched(desk):
    case = desk.report()
    case = desk.act(case, "accept", "operator", sh(23, 9, 10))
    case = desk.act(case, "park", "dutychief", sh(23, 9, 20), opinion="需长期整治")
    assert case.due_at is None
    assert tasks.scan(sh(30, 9)) == tasks.ScanResult()


def test_the_system_flag_is_limited_to_status_keeping_flags(desk):
    case = desk.report()
    with pytest.raises(ValueError):
        services.record_system_flag(case, "close", opinion="x")
    case = desk.act(case, "accept", "operator", sh(23, 9, 10))
    case = desk.act(case, "park", "dutychief", sh(23, 9, 20), opinion="需长期整治")
    flagged = services.record_system_flag(case, "supervise", opinion="系统督办", at=sh(23, 9, 30))
    assert flagged.status == Status.PARKED and flagged.supervision == "normal"
    rejected = desk.act(desk.report(), "reject", "operator", sh(23, 9, 40), opinion="重复")
    with pytest.raises(services.IllegalTransition):
        services.record_system_flag(rejected, "supervise", opinion="系统督办")


def test_the_task_runs_every_minute():
    from huey.contrib.djhuey import HUEY

    assert tasks.scan_deadlines.task_class in HUEY._registry._periodic_tasks
    task = tasks.scan_deadlines.task_class()
    assert all(task.validate_datetime(datetime(2026, 11, 23, 9, m)) for m in (0, 1, 37, 59))
