"""The one message path (``ingest``) both transports use: alarms become cases at the device, routed like any
case, with a notice in the grid workers' inboxes; repeated alarms fold into the open case; heartbeats are
batched; replays, bad bodies, unknown serials and clocks far off are handled as the issue says."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.devices.conftest import body
from wangge.cases.models import Case, CaseEvent, Source, Status
from wangge.devices import ingest, services
from wangge.devices.models import DeadLetter, DeviceMessage, DeviceState, Transport, UnknownDevice
from wangge.inbox.models import Message
from wangge.people.models import Person


def send(device_or_serial, kind, payload, *, now=None):
    serial = getattr(device_or_serial, "serial", device_or_serial)
    [outcome] = ingest.ingest(
        [ingest.Incoming(serial=serial, kind=kind, payload=payload, transport=Transport.MQTT)], now=now
    )
    return outcome


def test_an_alarm_becomes_a_sensor_case_at_the_device_with_a_notice_to_its_grid_workers(make_device, user):
    device = make_device("smoke")
    outcome = send(device, "alarm", body(type="smoke", value={"ppm": 420}, snapshot_url="https://cam.example/1.jpg"))
    assert outcome.status == "case"
    case = Case.objects.get(number=outcome.case_number)
    assert case.source == Source.SENSOR and case.status == Status.REPORTED
    assert case.category.code == "1005"  # 火情, from the mapping
    assert (case.lon, case.lat) == (device.lon, device.lat)
    assert case.grid.code == "329901001001001" and not case.is_urgent
    assert device.serial in case.description and "420" in case.description and "cam.example" in case.description
    gridworker = user("gridworker1")
    assert Message.objects.filter(user=gridworker, url=f"/cases/{case.number}/").exists()
    assert not Message.objects.filter(user=user("gridworker2"), url=f"/cases/{case.number}/").exists()
    device.refresh_from_db()
    assert device.state == DeviceState.ALARMING and device.alarm_case_id == case.pk
    message = DeviceMessage.objects.get(device=device, kind="alarm")
    assert message.case_id == case.pk and message.value == {"ppm": 420}


def test_repeated_alarms_within_the_window_fold_into_the_open_case(make_device, settings):
    settings.DEVICES_FOLD_MINUTES = 30
    device = make_device("water_leak")
    now = timezone.now()
    first = send(device, "alarm", body(type="leak"), now=now)
    again = send(device, "alarm", body(type="leak", value=2), now=now + timedelta(minutes=10))
    assert again.status == "folded" and again.case_number == first.case_number
    assert Case.objects.filter(source=Source.SENSOR, number=first.case_number).count() == 1
    case = Case.objects.get(number=first.case_number)
    repeat = CaseEvent.objects.get(case=case, action="repeat")
    assert repeat.role == "system" and repeat.data["value"] == 2 and repeat.to_status == Status.REPORTED
    later = send(device, "alarm", body(type="leak"), now=now + timedelta(minutes=10 + 31))
    assert later.status == "case" and later.case_number != first.case_number


def test_a_device_protecting_an_elderly_person_raises_urgent_cases(make_device):
    person = Person.objects.filter(region_path__startswith="0").order_by("id").first() or Person.objects.first()
    device = make_device("door", person=person.pk)
    outcome = send(device, "alarm", body(type="no_movement"))
    case = Case.objects.get(number=outcome.case_number)
    assert case.is_urgent and case.category.code == "1701" and case.person_id == person.pk


def test_a_replayed_message_id_has_no_second_effect(make_device):
    device = make_device("gas")
    payload = body("same-id", type="gas")
    assert send(device, "alarm", payload).status == "case"
    assert send(device, "alarm", payload).status == "duplicate"
    assert DeviceMessage.objects.filter(device=device).count() == 1
    assert Case.objects.filter(source=Source.SENSOR, description__contains=device.serial).count() == 1
    beat = body("beat-1")
    assert send(device, "heartbeat", beat).status == "accepted"
    assert send(device, "heartbeat", beat).status == "duplicate"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "Not JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"ts": "2026-12-06T10:00:00+08:00"}', "message_id"),
        (b'{"message_id": 5, "ts": "2026-12-06T10:00:00+08:00"}', "string"),
        (b'{"message_id": "a", "ts": "2026-12-06T10:00:00"}', "time zone"),
        (b'{"message_id": "a", "ts": "yesterday"}', "ISO 8601"),
        (b'{"message_id": "a", "ts": "2026-12-06T10:00:00Z", "snapshot_url": "javascript:x"}', "http"),
    ],
)
def test_malformed_bodies_are_dead_lettered_with_the_reason(make_device, payload, reason):
    device = make_device("smoke")
    outcome = send(device, "alarm", payload)
    assert outcome.status == "dead" and reason in outcome.reason
    letter = DeadLetter.objects.get(serial=device.serial)
    assert reason in letter.reason and letter.payload == payload.decode()
    assert not DeviceMessage.objects.filter(device=device).exists()


def test_unknown_serials_are_listed_without_a_case(db):
    before = Case.objects.count()
    send("NOBODY-1", "alarm", body(type="smoke"))
    send("NOBODY-1", "heartbeat", body())
    unknown = UnknownDevice.objects.get(serial="NOBODY-1")
    assert unknown.messages == 2 and Case.objects.count() == before


def test_a_clock_far_off_is_flagged_and_our_time_used(make_device):
    device = make_device("smoke")
    now = timezone.now()
    outcome = send(device, "alarm", body(ts="2099-01-01T00:00:00+08:00", type="smoke"), now=now)
    assert outcome.flagged
    message = DeviceMessage.objects.get(device=device)
    assert message.clock_flagged and message.received_at == now
    assert Case.objects.get(number=outcome.case_number).created_at == now
    past = send(device, "heartbeat", body(ts="2001-01-01T00:00:00+00:00"), now=now)
    assert past.flagged and past.status == "accepted"


def test_heartbeats_of_a_batch_are_one_insert_and_one_update(make_device, django_assert_max_num_queries):
    devices = [make_device("smoke") for _ in range(5)]
    now = timezone.now()
    batch = [
        ingest.Incoming(serial=d.serial, kind="heartbeat", payload=body(), transport=Transport.MQTT)
        for d in devices
        for _ in range(20)
    ]
    with django_assert_max_num_queries(8):
        outcomes = ingest.ingest(batch, now=now)
    assert {o.status for o in outcomes} == {"accepted"}
    assert DeviceMessage.objects.filter(device__in=devices).count() == 100
    for device in devices:
        device.refresh_from_db()
        assert device.last_heartbeat == now


def test_a_silent_device_raises_one_offline_case_closed_when_it_comes_back(make_device, user):
    device = make_device("smoke", heartbeat=60)
    now = timezone.now()
    send(device, "heartbeat", body(), now=now)
    among = type(device).objects.filter(pk=device.pk)
    assert services.check_offline(now=now + timedelta(seconds=90), among=among) == 0
    assert services.check_offline(now=now + timedelta(seconds=150), among=among) == 1
    assert services.check_offline(now=now + timedelta(seconds=300), among=among) == 0  # one case, not one a scan
    device.refresh_from_db()
    assert device.state == DeviceState.OFFLINE
    case = device.offline_case
    assert case.source == Source.SENSOR and case.status == Status.REPORTED and case.category.code == "1404"
    assert Message.objects.filter(user=user("gridworker1"), url=f"/cases/{case.number}/").exists()
    send(device, "heartbeat", body(), now=now + timedelta(seconds=400))
    device.refresh_from_db()
    case.refresh_from_db()
    assert device.state == DeviceState.ONLINE
    assert case.status == Status.CLOSED and case.events.filter(action="system_close", role="system").exists()


def test_closing_an_alarm_case_puts_its_device_back_online(make_device):
    from wangge.cases import services as case_services

    device = make_device("smoke")
    outcome = send(device, "alarm", body(type="smoke"))
    case = Case.objects.get(number=outcome.case_number)
    case_services.record_system_flag(case, "system_close", opinion="cleared")
    device.refresh_from_db()
    assert device.state == DeviceState.ONLINE


def test_dead_letters_are_replayed(make_device):
    device = make_device("smoke")
    letter = DeadLetter.objects.create(
        transport=Transport.MQTT,
        serial=device.serial,
        kind="alarm",
        payload=body(type="smoke").decode(),
        reason="database: connection refused",
        retryable=True,
        received_at=timezone.now(),
    )
    counts = services.replay_dead_letters(actor=None, ids=[letter.pk])
    assert counts == {"case": 1}
    letter.refresh_from_db()
    assert letter.replayed_at is not None and letter.attempts == 1
    assert services.replay_dead_letters(actor=None, ids=[letter.pk]) == {}


def test_bodies_nested_too_deep_or_not_objects_are_dead_lettered(make_device):
    device = make_device("smoke")
    deep = b'{"message_id": "d", "ts": "2026-12-06T10:00:00Z", "value": ' + b"[" * 20 + b"]" * 20 + b"}"
    assert "deeper" in send(device, "alarm", deep).reason
    assert "deeper" in send(device, "alarm", b"[" * 5000 + b"]" * 5000).reason
    assert "JSON object" in send(device, "alarm", b"null").reason


def test_nobody_may_take_the_platforms_own_actions(make_device, user):
    from wangge.cases import services as case_services
    from wangge.cases.workflow import ACTIONS

    device = make_device("smoke")
    case = Case.objects.get(number=send(device, "alarm", body(type="smoke")).case_number)
    assert "repeat" not in ACTIONS and "system_close" not in ACTIONS  # not even accepted by the API's schema
    for action in ("repeat", "system_close"):
        with pytest.raises(case_services.IllegalTransition):
            case_services.transition(case, action, actor=user("admin"))


def test_old_heartbeats_and_readings_are_pruned_alarms_kept(make_device, settings):
    settings.DEVICES_KEEP_DAYS = 30
    device = make_device("smoke")
    long_ago = timezone.now() - timedelta(days=31)
    send(device, "heartbeat", body(), now=long_ago)
    send(device, "reading", body(value=1), now=long_ago)
    send(device, "alarm", body(type="smoke"), now=long_ago)
    send(device, "heartbeat", body())
    assert services.prune_messages() == 2
    assert sorted(DeviceMessage.objects.filter(device=device).values_list("kind", flat=True)) == ["alarm", "heartbeat"]
