"""Devices over the real broker (Mosquitto at MQTT_URL; the figure is skipped with the reason when none answers).

- Heartbeats end to end: N heartbeats of D devices published (QoS 0, as devices do) as fast as one client can, taken in by
  the production subscriber (``wangge.devices.subscriber``: batches, one insert and one update per batch) until
  the last batch is committed; against a same-run baseline, a bare paho subscriber that only counts the same
  number of messages from the same publisher. Target: ≥ 10,000 heartbeats/s.
- Alarm latency under load: 2,000 heartbeats/s for a few seconds with an alarm every 100 ms from a different
  device each time; per alarm, publish → case → grid worker's inbox row committed (the ingest call that took
  it in has returned). Target: p99 < 200 ms.

The devices (``BENCH-…``) are written once into the bench database in a grid with a grid worker; every run
adds its sensor cases (one per alarm) there.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from urllib.parse import urlparse

from bench.measure import Row

NAME = "devices"
TARGET_PER_S = 10_000
LATENCY_P99_MS = 200
LOAD_PER_S = 2_000
# Devices send heartbeats at QoS 0 (a lost one is followed by the next; the broker does not queue them for an
# absent subscriber) and alarms at QoS 1. One paho client publishes about 3,000 QoS 1 messages/s on these
# machines, too few to load a subscriber to 10,000/s: QoS 1 heartbeats are measured with WANGGE_BENCH_HEARTBEAT_QOS=1.
HEARTBEAT_QOS = int(os.environ.get("WANGGE_BENCH_HEARTBEAT_QOS", "0"))


def broker_url() -> str:
    return os.environ.get("MQTT_URL") or "mqtt://127.0.0.1:1883"


def broker_problem(url: str) -> str:
    from wangge.core.management.commands.serve import mqtt_problem

    return mqtt_problem(url)


def bench_devices(count: int, kinds=("smoke", "water_leak", "gas", "door")) -> list:
    """``count`` bench devices in a grid that has a grid worker (made once)."""
    from wangge.accounts.models import Membership, Role
    from wangge.devices.models import Device, Vendor
    from wangge.regions.models import Region

    have = list(Device.objects.filter(serial__startswith="BENCH-").order_by("serial")[:count])
    if len(have) >= count:
        return have
    vendor, _created = Vendor.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    member = Membership.objects.filter(role=Role.GRID_WORKER, is_active=True).order_by("id").first()
    grid = Region.objects.get(pk=member.region_id)
    import json

    import shapely

    point = shapely.from_geojson(json.dumps(grid.boundary)).representative_point()
    Device.objects.bulk_create(
        [
            Device(
                vendor=vendor,
                serial=f"BENCH-{n:05d}",
                kind=kinds[n % len(kinds)],
                lon=point.x,
                lat=point.y,
                region=grid,
                region_path=grid.path,
                heartbeat_seconds=3600,
            )
            for n in range(count)
        ],
        ignore_conflicts=True,
    )
    return list(Device.objects.filter(serial__startswith="BENCH-").order_by("serial")[:count])


def _client(url: str, client_id: str, *, clean: bool = True):
    import paho.mqtt.client as mqtt

    parts = urlparse(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=60)
    return client


def _publish_heartbeats(url: str, prefix: str, serials: list[str], count: int, per_s: float = 0.0) -> None:
    """``count`` heartbeats round-robin over ``serials`` at ``HEARTBEAT_QOS`` (as fast as possible, or ``per_s``)."""
    import random

    from wangge.devices.simulation import message

    rng = random.Random(1)
    client = _client(url, f"bench-pub-{uuid.uuid4().hex[:8]}")
    client.loop_start()
    started = time.perf_counter()
    last = None
    for n in range(count):
        serial = serials[n % len(serials)]
        last = client.publish(f"{prefix}/{serial}/heartbeat", message("smoke", "heartbeat", rng), qos=HEARTBEAT_QOS)
        if per_s:
            wait = started + (n + 1) / per_s - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
    if last is not None:
        last.wait_for_publish(120)
    client.loop_stop()
    client.disconnect()


def _publisher(url: str, prefix: str, serials: list[str], count: int, per_s: float = 0.0):
    """A started process publishing the heartbeats: devices are outside, they do not share our interpreter."""
    import multiprocessing

    process = multiprocessing.get_context("fork").Process(
        target=_publish_heartbeats, args=(url, prefix, serials, count, per_s), daemon=True
    )
    process.start()
    return process


def counting_baseline(url: str, prefix: str, serials: list[str], count: int, timeout: float = 120) -> float:
    """Messages/s a bare subscriber that only counts receives from the same publisher."""
    received = [0]
    done = threading.Event()
    subscribed = threading.Event()

    def on_message(_c, _u, _m):
        received[0] += 1
        if received[0] >= count:
            done.set()

    client = _client(url, f"bench-count-{uuid.uuid4().hex[:8]}")
    client.on_message = on_message
    client.on_subscribe = lambda *_a: subscribed.set()
    client.loop_start()
    client.subscribe(f"{prefix}/+/+", qos=1)
    subscribed.wait(30)
    started = time.perf_counter()
    publisher = _publisher(url, prefix, serials, count)
    done.wait(timeout)
    elapsed = time.perf_counter() - started
    publisher.join(10)
    client.loop_stop()
    client.disconnect()
    return received[0] / elapsed


def _subscriber(url: str, prefix: str, handler=None):
    from wangge.devices.subscriber import Subscriber

    return Subscriber(url, prefix=prefix, client_id=f"bench-sub-{uuid.uuid4().hex[:8]}", handler=handler).start()


def _forget(url: str, subscriber) -> None:
    subscriber.stop()
    cleaner = _client(url, subscriber.client_id)  # a clean session removes the persistent one
    cleaner.disconnect()


def ingest_rate(url: str, prefix: str, serials: list[str], count: int, timeout: float = 300) -> tuple[float, int]:
    """(heartbeats/s through the production subscriber into the database, how many arrived). The run ends when
    all have arrived or none has for 3 s: a subscriber slower than the publisher loses QoS 0 heartbeats at the
    broker (its queue is bounded), which is counted, not waited for."""
    sub = _subscriber(url, prefix)
    started = time.perf_counter()
    publisher = _publisher(url, prefix, serials, count)
    deadline = started + timeout
    last_at, last_seen = started, 0
    while sub.processed < count and time.perf_counter() < deadline:
        sub.pump(timeout=0.2)
        if sub.processed != last_seen:
            last_at, last_seen = time.perf_counter(), sub.processed
        elif not publisher.is_alive() and time.perf_counter() - last_at > 3:
            break
    elapsed = last_at - started
    publisher.join(10)
    _forget(url, sub)
    return sub.processed / elapsed, sub.processed


def alarm_latencies(url: str, prefix: str, serials: list[str], alarm_serials: list[str], seconds: float) -> list[float]:
    """Milliseconds from each alarm's publish to its ingest call returning, with LOAD_PER_S heartbeats beside."""
    import random

    from wangge.devices import ingest
    from wangge.devices.simulation import message

    published: dict[str, float] = {}
    latencies: list[float] = []

    def handler(batch):
        outcomes = ingest.ingest(batch)
        now = time.perf_counter()
        for item in batch:
            if item.kind == "alarm":
                import json

                sent = published.get(json.loads(item.payload)["message_id"])
                if sent is not None:
                    latencies.append((now - sent) * 1000)
        return outcomes

    sub = _subscriber(url, prefix, handler)
    rng = random.Random(2)
    alarms = _client(url, f"bench-alarm-{uuid.uuid4().hex[:8]}")
    alarms.loop_start()

    def publish_alarms():
        import json

        for serial in alarm_serials:
            payload = message("smoke", "alarm", rng)
            published[json.loads(payload)["message_id"]] = time.perf_counter()
            alarms.publish(f"{prefix}/{serial}/alarm", payload, qos=1)
            time.sleep(seconds / len(alarm_serials))

    alarm_thread = threading.Thread(target=publish_alarms, daemon=True)
    load = _publisher(url, prefix, serials, int(LOAD_PER_S * seconds), LOAD_PER_S)
    alarm_thread.start()
    deadline = time.perf_counter() + seconds + 60
    while (len(latencies) < len(alarm_serials) or load.is_alive()) and time.perf_counter() < deadline:
        sub.pump(timeout=0.2)
    alarms.loop_stop()
    alarms.disconnect()
    _forget(url, sub)
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(*, heartbeats: int = 60_000, devices: int = 2_000, alarms: int = 50, seconds: float = 5.0) -> list[Row]:
    url = broker_url()
    if problem := broker_problem(url):
        return [Row("devices over MQTT", f"skipped: {problem}")]
    run = f"wangge-bench/{uuid.uuid4().hex[:8]}"
    fleet = bench_devices(devices + alarms)
    serials = [d.serial for d in fleet[:devices]]
    alarm_serials = [d.serial for d in fleet[devices : devices + alarms]]
    baseline = counting_baseline(url, f"{run}/count", serials, heartbeats)
    ours, arrived = ingest_rate(url, f"{run}/ingest", serials, heartbeats)
    latencies = alarm_latencies(url, f"{run}/alarms", serials, alarm_serials, seconds)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    return [
        Row(
            f"heartbeats end to end into the database ({heartbeats:,} from {devices:,} devices, QoS {HEARTBEAT_QOS})",
            f"{ours:,.0f} heartbeats/s"
            + ("" if arrived == heartbeats else f" ({heartbeats - arrived:,} dropped by the broker)"),
            f"{baseline:,.0f}/s bare counting subscriber",
            f"{ours / baseline:.2f}×",
            f"≥ {TARGET_PER_S:,}/s",
            ours >= TARGET_PER_S,
        ),
        Row(
            f"alarm → case → inbox row committed, p99 ({len(latencies)} alarms beside {LOAD_PER_S:,} heartbeats/s)",
            f"{p99:.0f} ms (p50 {p50:.0f} ms)",
            target=f"< {LATENCY_P99_MS} ms",
            passed=len(latencies) == alarms and p99 < LATENCY_P99_MS,
        ),
    ]


def run(ctx) -> list[Row]:
    return measure()
