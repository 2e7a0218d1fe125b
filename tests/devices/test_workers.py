"""`wangge mqtt --workers N` through the real broker: workers on one shared subscription split the messages and
store each once, a message the broker hands to two workers has one effect, a stopped worker's share waits for
it, and the sessions of workers no longer run (or of the single-session subscriber before them) are taken in
and ended."""

import sys
import threading
import uuid

import pytest

from tests.devices.conftest import WAIT, body, drain
from wangge.cases.models import Case
from wangge.devices import workers
from wangge.devices.models import DeviceMessage
from wangge.devices.subscriber import Subscriber

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def group(broker_url, topics, settings, tmp_path):
    """A shared group of this test's own (its base client id); every session it made is ended afterwards."""
    settings.VAR_DIR = tmp_path  # the workers' layout file
    base = f"test-share-{uuid.uuid4().hex[:8]}"
    made: list[Subscriber] = []

    def member(index: int | None = None, *, share: str = base) -> Subscriber:
        client_id = base if index is None else workers.worker_id(base, index)
        sub = Subscriber(broker_url, prefix=topics, client_id=client_id, share=share, batch_wait=0.02)
        made.append(sub.start(wait=WAIT))
        return sub

    member.base = base
    yield member
    for sub in made:
        sub.end_session()


def stored(device, kind="heartbeat"):
    return DeviceMessage.objects.filter(device=device, kind=kind)


def test_two_workers_split_the_messages_and_store_each_once(make_device, group, publisher, topics):
    device = make_device("smoke")
    first, second = group(0), group(1)
    assert first.topic == f"$share/{group.base}/{topics}/+/+"
    for n in range(20):
        publisher(f"{topics}/{device.serial}/heartbeat", body(f"beat-{n}"))

    def pump_both():
        first.pump(timeout=0.05)
        second.pump(timeout=0.05)
        return stored(device).count() == 20

    assert any(pump_both() for _ in range(200))
    drain(first)
    drain(second)
    assert first.processed > 0 and second.processed > 0  # both took a share
    assert first.processed + second.processed == 20  # each message went to one worker
    assert sorted(stored(device).values_list("message_id", flat=True)) == sorted(f"beat-{n}" for n in range(20))


def test_an_alarm_delivered_to_two_workers_has_one_effect(make_device, group, publisher, topics):
    """The broker sends a message again when a worker died before acknowledging it, maybe to another worker:
    here the same alarm reaches both workers of the group (one copy each, round robin)."""
    device = make_device("gas")
    first, second = group(0), group(1)
    again = body("gas-once", type="gas")
    publisher(f"{topics}/{device.serial}/alarm", again)
    publisher(f"{topics}/{device.serial}/alarm", again)
    for _ in range(100):
        first.pump(timeout=0.05)
        second.pump(timeout=0.05)
        if first.processed + second.processed == 2:
            break
    assert (first.processed, second.processed) == (1, 1)
    [alarm] = stored(device, "alarm")
    assert Case.objects.filter(pk=alarm.case_id).count() == 1
    assert Case.objects.filter(description__contains=device.serial).count() == 1


def test_a_stopped_worker_gets_its_share_when_it_returns(make_device, group, publisher, topics):
    device = make_device("smoke")
    first, second = group(0), group(1)
    second.stop()  # its persistent session stays in the group: the broker keeps its share
    for n in range(6):
        publisher(f"{topics}/{device.serial}/heartbeat", body(f"while-down-{n}"))
    assert first.pump_until(lambda: stored(device).count() == 3, WAIT)
    returned = group(1)
    assert returned.pump_until(lambda: stored(device).count() == 6, WAIT)
    assert returned.processed == 3


def test_fewer_workers_than_last_time_take_in_what_the_others_held_and_end_their_sessions(
    make_device, group, publisher, topics, broker_url
):
    device = make_device("smoke")
    group(0).stop()
    group(1).stop()
    workers.remember(group.base, topics, 2)
    for n in range(4):
        publisher(f"{topics}/{device.serial}/heartbeat", body(f"held-{n}"))
    assert workers.stale_sessions(group.base, topics, 1) == [(workers.worker_id(group.base, 1), group.base)]
    taken = workers.prepare(base=group.base, url=broker_url, prefix=topics, workers=1)
    assert taken == 2  # worker 1's share; worker 0 takes its own when it starts
    assert stored(device).count() == 2
    assert workers.stale_sessions(group.base, topics, 1) == []
    remaining = group(0)
    assert remaining.pump_until(lambda: stored(device).count() == 4, WAIT)
    publisher(f"{topics}/{device.serial}/heartbeat", body("after"))
    assert remaining.pump_until(lambda: stored(device).filter(message_id="after").exists(), WAIT)


def test_the_first_run_takes_in_what_the_single_session_subscriber_held(
    make_device, group, publisher, topics, broker_url
):
    device = make_device("smoke")
    group(share="").stop()  # the subscriber before workers: a plain subscription under the base id
    publisher(f"{topics}/{device.serial}/alarm", body("while-upgrading", type="smoke"))
    assert workers.stale_sessions(group.base, topics, 2) == [(group.base, "")]
    assert workers.prepare(base=group.base, url=broker_url, prefix=topics, workers=2) == 1
    assert stored(device, "alarm").get().message_id == "while-upgrading"


def test_a_worker_that_ends_is_started_again(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "RESTART_SECONDS", 0)
    starts = tmp_path / "starts"
    stop = threading.Event()

    def argv_of(index):
        return [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('{index}\\n')"]

    runner = threading.Thread(target=workers.supervise, args=(argv_of, 2, stop))
    runner.start()
    try:
        for _ in range(100):
            if starts.exists() and starts.read_text().count("1\n") >= 2:
                break
            stop.wait(0.1)
    finally:
        stop.set()
        runner.join(30)
    launched = starts.read_text().split()
    assert launched.count("0") >= 2 and launched.count("1") >= 2
