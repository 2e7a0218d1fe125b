"""Through the real broker (Mosquitto; skipped with the reason where none answers): alarm → case → inbox,
folding, offline and back, replay, and a subscriber restart that gets the QoS 1 messages published while
it was down. Each test publishes under its own prefix inside this run's (``WANGGE_TEST_MQTT_PREFIX``)."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from tests.devices.conftest import WAIT, body, drain
from wangge.cases.models import Case, Source
from wangge.devices import services
from wangge.devices.models import DeadLetter, Device, DeviceMessage, DeviceState, UnknownDevice
from wangge.inbox.models import Message

pytestmark = pytest.mark.timeout(120)


def alarms_of(device):
    return DeviceMessage.objects.filter(device=device, kind="alarm")


def test_an_alarm_published_reaches_the_grid_workers_inbox(make_device, subscriber, publisher, topics, user):
    device = make_device("smoke")
    sub = subscriber()
    publisher(f"{topics}/{device.serial}/alarm", body(type="smoke", value={"ppm": 380}))
    assert sub.pump_until(lambda: alarms_of(device).exists(), WAIT)
    case = alarms_of(device).get().case
    assert case.source == Source.SENSOR
    assert Message.objects.filter(user=user("gridworker1"), url=f"/cases/{case.number}/").exists()
    assert Device.objects.get(pk=device.pk).state == DeviceState.ALARMING


def test_alarms_within_the_window_fold_and_a_replay_has_no_effect(make_device, subscriber, publisher, topics):
    device = make_device("gas")
    sub = subscriber()
    first = body("gas-1", type="gas")
    publisher(f"{topics}/{device.serial}/alarm", first)
    publisher(f"{topics}/{device.serial}/alarm", body("gas-2", type="gas"))
    publisher(f"{topics}/{device.serial}/alarm", first)  # the same message again
    assert sub.pump_until(lambda: alarms_of(device).count() == 2, WAIT)
    drain(sub)
    assert alarms_of(device).count() == 2
    numbers = {m.case.number for m in alarms_of(device)}
    assert len(numbers) == 1
    assert alarms_of(device).filter(folded=True).count() == 1
    assert Case.objects.get(number=numbers.pop()).events.filter(action="repeat").count() == 1


def test_offline_and_back_online(make_device, subscriber, publisher, topics):
    device = make_device("water_leak", heartbeat=60)
    sub = subscriber()
    publisher(f"{topics}/{device.serial}/heartbeat", body())
    assert sub.pump_until(lambda: Device.objects.get(pk=device.pk).last_heartbeat is not None, WAIT)
    later = timezone.now() + timedelta(minutes=5)
    assert services.check_offline(now=later, among=Device.objects.filter(pk=device.pk)) == 1
    offline_case = Device.objects.get(pk=device.pk).offline_case
    assert offline_case.is_open
    publisher(f"{topics}/{device.serial}/heartbeat", body())
    assert sub.pump_until(lambda: Device.objects.get(pk=device.pk).state == DeviceState.ONLINE, WAIT)
    offline_case.refresh_from_db()
    assert offline_case.status == "closed"


def test_messages_published_while_the_subscriber_is_down_arrive_when_it_returns(
    make_device, subscriber, publisher, topics
):
    device = make_device("smoke")
    sub = subscriber()
    sub.stop()  # the persistent session stays on the broker, with its QoS 1 subscription
    publisher(f"{topics}/{device.serial}/alarm", body("while-down-1", type="smoke"))
    for n in range(5):
        publisher(f"{topics}/{device.serial}/heartbeat", body(f"beat-{n}"))
    again = subscriber()
    assert again.pump_until(lambda: DeviceMessage.objects.filter(device=device).count() == 6, WAIT)
    assert alarms_of(device).get().message_id == "while-down-1"


def test_bad_messages_never_stop_the_subscriber(make_device, subscriber, publisher, topics):
    device = make_device("smoke")
    sub = subscriber()
    publisher(f"{topics}/{device.serial}/alarm", b"{broken")
    publisher(f"{topics}/{device.serial}/bogus", body())
    publisher(f"{topics}/UNREGISTERED-9/alarm", body(type="smoke"))
    publisher(f"{topics}/{device.serial}/heartbeat", body("after"))
    assert sub.pump_until(lambda: DeviceMessage.objects.filter(device=device, message_id="after").exists(), WAIT)
    assert DeadLetter.objects.filter(serial=device.serial).count() == 2
    assert UnknownDevice.objects.filter(serial="UNREGISTERED-9").exists()


def test_database_errors_are_retried_then_dead_lettered(make_device, subscriber, publisher, topics):
    device = make_device("smoke")
    sub = subscriber()
    calls = []

    def failing(batch):
        calls.append(len(batch))
        raise OperationalError("the database is down")

    sub.handler, sub.retries = failing, 3
    publisher(f"{topics}/{device.serial}/alarm", body("lost-not", type="smoke"))
    assert sub.pump_until(lambda: DeadLetter.objects.filter(serial=device.serial).exists(), WAIT)
    assert len(calls) == 3
    letter = DeadLetter.objects.get(serial=device.serial)
    assert letter.retryable and "database is down" in letter.reason
    assert services.replay_dead_letters(actor=None, ids=[letter.pk]) == {"case": 1}
    assert alarms_of(device).get().message_id == "lost-not"


def test_the_simulator_publishes_heartbeats_and_alarms_the_subscriber_takes_in(
    make_device, subscriber, topics, broker_url
):
    import io

    from django.core.management import call_command

    devices = [make_device(kind) for kind in ("smoke", "door", "elevator")]
    sub = subscriber()
    call_command(
        "simulate_devices",
        url=broker_url,
        prefix=topics,
        speed=600,
        alarm_every=0.3,
        duration=1.5,
        seed=1,
        stdout=io.StringIO(),
        **{"limit": 0},
    )

    def heard():
        return all(DeviceMessage.objects.filter(device=d, kind="heartbeat").exists() for d in devices)

    assert sub.pump_until(heard, WAIT)
    drain(sub, 1)
    # The simulator plays every registered device (demo ones included): the test's devices were among them.
    assert DeviceMessage.objects.filter(device__in=devices, kind="alarm").exists() or heard()


def test_a_fault_in_the_batch_dead_letters_it_and_the_subscriber_goes_on(make_device, subscriber, publisher, topics):
    device = make_device("smoke")
    sub = subscriber()
    real = sub.handler

    def broken(batch):
        raise KeyError("a bug")

    sub.handler = broken
    publisher(f"{topics}/{device.serial}/alarm", body("kept", type="smoke"))
    assert sub.pump_until(lambda: DeadLetter.objects.filter(serial=device.serial).exists(), WAIT)
    assert DeadLetter.objects.get(serial=device.serial).reason.startswith("error:")
    sub.handler = real
    publisher(f"{topics}/{device.serial}/heartbeat", body("next"))
    assert sub.pump_until(lambda: DeviceMessage.objects.filter(device=device, message_id="next").exists(), WAIT)


def test_under_run_an_alarm_is_taken_in_while_a_heartbeat_batch_is_still_being_written(
    make_device, subscriber, publisher, topics
):
    """``run`` gives alarms a thread of their own: one does not wait behind the heartbeat batch in hand. (A
    handler that only records: the threads' connections do not see this test's transaction.)"""
    import threading

    from django.db import connections

    device = make_device("smoke")
    sub = subscriber()
    writing, release, alarm_taken = threading.Event(), threading.Event(), threading.Event()
    kinds = []

    def handler(batch):
        kinds.append(sorted({m.kind for m in batch}))
        if batch[0].kind == "heartbeat":
            writing.set()
            release.wait(WAIT)  # the batch's write, held until the alarm is in
        else:
            alarm_taken.set()

    sub.handler = handler
    stop = threading.Event()

    def run():
        try:
            sub.run(stop)
        finally:
            connections.close_all()

    runner = threading.Thread(target=run)
    runner.start()
    try:
        publisher(f"{topics}/{device.serial}/heartbeat", body("beat"))
        assert writing.wait(WAIT)
        publisher(f"{topics}/{device.serial}/alarm", body("fire", type="smoke"))
        assert alarm_taken.wait(WAIT)  # while the heartbeat batch is still in hand
        assert not release.is_set()
    finally:
        release.set()
        stop.set()
        runner.join(WAIT)
    assert kinds == [["heartbeat"], ["alarm"]] and sub.processed == 2
