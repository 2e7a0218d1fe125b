"""Which happenings become which events: closure, rating, overdue and device alarms."""

import pytest
from django.utils import timezone

from tests.devices.conftest import body
from wangge.cases import events
from wangge.devices import ingest
from wangge.devices.models import Transport
from wangge.webhooks import services, sources
from wangge.webhooks.models import Delivery, Event


@pytest.fixture
def everything(db):
    made, _secret = services.create_subscription(
        actor=None, name="all", url="http://127.0.0.1:9/", events=[e.value for e in Event]
    )
    return made


def test_a_closing_move_is_a_transition_and_a_closure_and_a_rating_a_rating(everything, monkeypatch):
    from tests.webhooks.test_delivery import _report

    case = _report()
    case.status = "closed"
    case.satisfied = True
    event = type("E", (), {"seq": 9, "action": "close", "from_status": "verified", "to_status": "closed"})()
    event.role, event.opinion, event.at = "operator", "已办结", timezone.now()
    before = events.Before("verified", "", case.region_path, None, None)
    sources.case_moved(events.Moved(case, event, before, timezone.now()))
    assert sorted(Delivery.objects.filter(body__contains='"close"').values_list("event", flat=True)) == [
        "case.closed",
        "case.transitioned",
    ]
    event.action, case.status = "rate", "rated"
    sources.case_moved(events.Moved(case, event, events.Before("closed", "", "", None, None), timezone.now()))
    rated = Delivery.objects.get(event="case.rated")
    assert '"satisfied":true' in rated.body


def test_an_overdue_case_is_an_event(everything):
    from tests.webhooks.test_delivery import _report

    case = _report()
    sources.case_overdue(events.Coloured(case, timezone.now()))
    assert Delivery.objects.filter(event="case.overdue", body__contains=case.number).count() == 1


def test_a_device_alarm_is_an_event(everything, make_device):
    device = make_device("smoke")
    [outcome] = ingest.ingest(
        [ingest.Incoming(serial=device.serial, kind="alarm", payload=body(type="smoke"), transport=Transport.MQTT)]
    )
    assert outcome.status == "case"
    alarm = Delivery.objects.get(event=Event.DEVICE_ALARM)
    assert device.serial in alarm.body and outcome.case_number in alarm.body
