"""The case events (``cases.events``): where higher modules subscribe instead of being called by cases."""

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Sum

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from wangge.accounts.models import User
from wangge.cases import events, services
from wangge.cases.models import Case, CaseEvent
from wangge.inbox.models import Message
from wangge.rollups.models import CaseRollupDelta


class Refused(Exception):
    pass


@pytest.fixture
def extra_subscriber(monkeypatch):
    """extra_subscriber(kind, handler, after_commit=False): one more subscriber, for this test only."""

    def add(kind, handler, *, after_commit=False):
        extended = [*events.subscribers(kind), events.Subscriber(handler, after_commit)]
        monkeypatch.setitem(events._subscribers, kind, extended)

    return add


def _report(**fields) -> services.Report:
    lon, lat = point_in(GRID_1)
    values = {"category": CATEGORY, "description": "渣土堆在路边", "lon": lon, "lat": lat} | fields
    return services.Report(**values)


def _resident() -> User:
    return User.objects.get(username="resident1")


def test_a_failing_in_transaction_subscriber_rolls_the_report_back(db, extra_subscriber):
    def refuse(notice):
        raise Refused

    extra_subscriber(events.RECORDED, refuse)
    messages, deltas = Message.objects.count(), CaseRollupDelta.objects.count()
    with pytest.raises(Refused):
        services.report_case(actor=_resident(), report=_report())
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    # The earlier subscribers' rows went with it: the roll-up delta and the centre's inbox rows.
    assert (Message.objects.count(), CaseRollupDelta.objects.count()) == (messages, deltas)


def test_the_subscribers_write_in_the_reports_transaction(db):
    case, _ = services.report_case(actor=_resident(), report=_report())
    assert CaseRollupDelta.objects.exists()  # the roll-up store
    assert Message.objects.filter(url=f"/cases/{case.number}/").exists()  # the inbox, before any commit


def test_an_after_commit_subscriber_runs_after_the_commit_only(
    db, extra_subscriber, django_capture_on_commit_callbacks
):
    heard: list[str] = []
    extra_subscriber(events.MOVED, lambda notice: heard.append(notice.event.action), after_commit=True)
    case, _ = services.report_case(actor=_resident(), report=_report())
    operator = User.objects.get(username="operator")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(case, "accept", actor=operator)
        assert heard == []  # inside the transaction: not yet
    assert heard == ["accept"]


def test_an_after_commit_subscriber_never_runs_on_a_rollback(db, extra_subscriber, django_capture_on_commit_callbacks):
    heard: list[str] = []
    extra_subscriber(events.MOVED, lambda notice: heard.append(notice.event.action), after_commit=True)
    case, _ = services.report_case(actor=_resident(), report=_report())
    operator = User.objects.get(username="operator")
    with django_capture_on_commit_callbacks(execute=True) as queued, pytest.raises(Refused), transaction.atomic():
        services.transition(case, "accept", actor=operator)
        raise Refused
    assert heard == []
    assert queued == []
    assert Case.objects.get(pk=case.pk).status == "reported"


def test_a_moved_subscriber_sees_the_state_before_the_transition(db, extra_subscriber):
    seen = []
    extra_subscriber(events.MOVED, lambda notice: seen.append((notice.before.status, notice.case.status)))
    case, _ = services.report_case(actor=_resident(), report=_report())
    services.transition(case, "accept", actor=User.objects.get(username="operator"))
    assert seen == [("reported", "accepted")]


def test_subscribers_register_once_even_when_ready_runs_again(db):
    before = {kind: events.subscribers(kind) for kind in events.KINDS}
    for label in ("dashboard", "screen", "assessment", "inbox"):
        apps.get_app_config(label).ready()
    assert {kind: events.subscribers(kind) for kind in events.KINDS} == before
    reported_before = _reported_in_deltas()
    services.report_case(actor=_resident(), report=_report())
    assert _reported_in_deltas() == reported_before + 1  # counted once, not twice


def _reported_in_deltas() -> int:
    return CaseRollupDelta.objects.aggregate(n=Sum("reported"))["n"] or 0


def test_points_are_written_after_the_roll_ups_of_the_same_event():
    order = [s.handler.__module__ for s in events.subscribers(events.RECORDED)]
    assert order.index("wangge.rollups.rollups") < order.index("wangge.assessment.points")


def test_an_unknown_kind_or_a_misplaced_prepare_is_refused():
    with pytest.raises(ValueError):
        events.subscribe("renamed", print)
    with pytest.raises(ValueError):
        events.subscribe(events.MOVED, print, prepare=print)
