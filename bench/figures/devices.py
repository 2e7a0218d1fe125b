"""Devices over the real broker (Mosquitto at MQTT_URL; the figure is skipped with the reason when none answers).

- Heartbeats end to end: N heartbeats of D devices published at QoS 1 (as devices send them: the issue, the
  simulator) by ``PUBLISHERS`` processes at ``OFFERED_PER_S`` a second between them (1.2× the target: a
  pipeline that keeps up shows a little under it, one that does not falls behind), taken in by the
  production subscriber, ``wangge mqtt --workers W`` (W processes on the shared subscription, default one
  per CPU) started as a site starts it. The figure counts the heartbeat rows **the database holds** (polled
  every 0.1 s), from the first publish to the last row. Published (acknowledged by the broker) and not
  stored is reported beside the rate: Mosquitto drops what a subscriber more than its queue (1,000) behind
  does not take, QoS 1 or not. Baseline, same run: W bare subscribers on the same shared subscription that
  only count, from the same publishers. Target: ≥ 10,000 heartbeats/s.
- Alarm latency under load: 2,000 heartbeats/s for a few seconds with an alarm every 100 ms from a different
  device each time, into a fresh ``wangge mqtt`` run; per alarm, publish → its row in the database, which the
  alarm's transaction writes with the case and the grid worker's inbox row (polled every 10 ms: the figure
  errs long by up to that). Target: p99 < 200 ms. The inbox rows are checked after the run.

Bodies are made before the clock starts (the devices are elsewhere: making a body is not the platform's work).
The devices (``BENCH-…``) are written once into the bench database in a grid with a grid worker; every run
adds its sensor cases (one per alarm) there and starts without the messages of the runs before.
``WANGGE_BENCH_HEARTBEAT_QOS=0`` measures QoS 0 heartbeats, ``WANGGE_BENCH_OFFERED_PER_S=0`` a flood (as fast
as the broker reads), ``WANGGE_BENCH_MQTT_WORKERS`` another number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import threading
import time
import uuid
from datetime import timedelta
from urllib.parse import urlparse

from bench.measure import Row

NAME = "devices"
TARGET_PER_S = 10_000
LATENCY_P99_MS = 200
LOAD_PER_S = 2_000
HEARTBEAT_QOS = int(os.environ.get("WANGGE_BENCH_HEARTBEAT_QOS", "1"))
OFFERED_PER_S = float(os.environ.get("WANGGE_BENCH_OFFERED_PER_S", "12000"))
PUBLISHERS = 2  # the devices are many clients: two connections
POLL_SECONDS = 0.01
QUIET_SECONDS = 3.0  # no new row for this long after the publishers finished: the rest is not coming


def broker_url() -> str:
    return os.environ.get("MQTT_URL") or "mqtt://127.0.0.1:1883"


def broker_problem(url: str) -> str:
    from wangge.core.management.commands.serve import mqtt_problem

    return mqtt_problem(url)


def worker_count() -> int:
    from wangge.devices import conf

    return int(os.environ.get("WANGGE_BENCH_MQTT_WORKERS") or conf.mqtt_workers())


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


def _forget_messages(fleet) -> None:
    """Every run starts from a message table without the bench devices' earlier rows (as the nightly prune
    keeps it bounded), so runs compare: random inserts into the indexes of a table ten runs long cost more."""
    from wangge.devices.models import DeviceMessage

    DeviceMessage.objects.filter(device__in=fleet).delete()


def _client(url: str, client_id: str):
    import paho.mqtt.client as mqtt

    parts = urlparse(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=60)
    return client


# --- the devices' side: publishers in processes of their own ----------------------------------------------
# A device's client costs the platform nothing; here the publishers share the platform's two cores, so they
# write prebuilt MQTT 3.1.1 packets straight to a socket (a paho client spends more CPU publishing a QoS 1
# message than the platform spends taking it in) and count the broker's acknowledgements.


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        n, byte = divmod(n, 128)
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _packet(first: int, body: bytes) -> bytes:
    return bytes([first]) + _varint(len(body)) + body


def _string(value: bytes) -> bytes:
    return len(value).to_bytes(2, "big") + value


def connect_packet(client_id: str, keepalive: int = 120) -> bytes:
    """CONNECT, MQTT 3.1.1, clean session."""
    return _packet(0x10, _string(b"MQTT") + bytes([4, 2]) + keepalive.to_bytes(2, "big") + _string(client_id.encode()))


def publish_packet(topic: str, payload: bytes, qos: int, packet_id: int) -> bytes:
    return _packet(0x30 | qos << 1, _string(topic.encode()) + (packet_id.to_bytes(2, "big") if qos else b"") + payload)


DISCONNECT = b"\xe0\x00"
PUBACK_BYTES = 4  # 0x40 0x02 and the packet id: all the broker sends a publisher that subscribes to nothing


def _publish(url, prefix, serials, count, per_s, qos, ready, go, published) -> None:
    """Make ``count`` heartbeats round-robin over ``serials``, say ready, wait for go, publish them (at ``per_s``
    a second, or as fast as the broker reads); ``published`` gets how many the broker acknowledged (QoS 1) or
    was sent (QoS 0)."""
    import random
    import socket

    from wangge.devices.simulation import message

    rng = random.Random(os.getpid())
    packets = [
        publish_packet(
            f"{prefix}/{serials[n % len(serials)]}/heartbeat", message("smoke", "heartbeat", rng), qos, n % 65535 + 1
        )
        for n in range(count)
    ]
    parts = urlparse(url)
    sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 1883), timeout=120)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(connect_packet(f"bench-pub-{uuid.uuid4().hex[:8]}"))
    if sock.recv(4)[:1] != b"\x20":
        raise ConnectionError("the broker refused the publisher")
    acked = [0]

    def read_acks():
        received = 0
        while received // PUBACK_BYTES < count:
            data = sock.recv(65536)
            if not data:
                break
            received += len(data)
            acked[0] = received // PUBACK_BYTES

    reader = threading.Thread(target=read_acks, daemon=True)
    if qos:
        reader.start()
    ready.release()
    go.wait()
    started, sent = time.perf_counter(), 0
    while sent < count:
        due = count if not per_s else min(count, int((time.perf_counter() - started) * per_s) + 1)
        if due > sent:
            sock.sendall(b"".join(packets[sent:due]))
            sent = due
        else:
            time.sleep(0.001)
    if qos:
        reader.join(120)
    published.value = acked[0] if qos else sent
    sock.sendall(DISCONNECT)
    sock.close()


class Publishers:
    """``processes`` publishers sharing ``count`` heartbeats (and ``per_s`` between them), started at ``go()``."""

    def __init__(self, url, prefix, serials, count, *, per_s=OFFERED_PER_S, processes=PUBLISHERS, qos=None):
        context = multiprocessing.get_context("fork")
        self.ready = context.Semaphore(0)
        self.start_event = context.Event()
        self.counts = [context.Value("l", 0) for _ in range(processes)]
        shares = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
        self.processes = [
            context.Process(
                target=_publish,
                args=(
                    url,
                    prefix,
                    serials[i::processes] or serials,
                    shares[i],
                    per_s / processes,
                    HEARTBEAT_QOS if qos is None else qos,
                    self.ready,
                    self.start_event,
                    self.counts[i],
                ),
                daemon=True,
            )
            for i in range(processes)
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.ready.acquire(timeout=120)

    def go(self) -> float:
        self.start_event.set()
        return time.perf_counter()

    def running(self) -> bool:
        return any(p.is_alive() for p in self.processes)

    def join(self) -> int:
        """Wait for them; answers how many heartbeats they published."""
        for process in self.processes:
            process.join(180)
        return sum(c.value for c in self.counts)


# --- the bare baseline: subscribers that only count ------------------------------------------------------


def _count(url, topic, subscribed, received, last_at, stop) -> None:
    def on_message(_c, _u, _m):
        with received.get_lock():
            received.value += 1
        last_at.value = time.perf_counter()

    client = _client(url, f"bench-count-{uuid.uuid4().hex[:8]}")
    client.on_message = on_message
    client.on_subscribe = lambda *_a: subscribed.release()
    client.loop_start()
    client.subscribe(topic, qos=1)
    stop.wait(600)
    client.loop_stop()
    client.disconnect()


def counting_baseline(url: str, prefix: str, serials: list[str], count: int, workers: int) -> tuple[float, int]:
    """(messages/s, received) of ``workers`` bare counting subscribers on a shared subscription, fed by the
    same publishers as the real run."""
    context = multiprocessing.get_context("fork")
    subscribed, stop = context.Semaphore(0), context.Event()
    received, last_at = context.Value("l", 0), context.Value("d", 0.0)
    topic = f"$share/bench-count-{uuid.uuid4().hex[:8]}/{prefix}/+/+"
    counters = [
        context.Process(target=_count, args=(url, topic, subscribed, received, last_at, stop), daemon=True)
        for _ in range(workers)
    ]
    for process in counters:
        process.start()
    for _ in counters:
        subscribed.acquire(timeout=30)
    publishers = Publishers(url, prefix, serials, count)
    started = publishers.go()
    seen, changed_at = 0, started
    while received.value < count:
        time.sleep(0.1)
        if received.value != seen:
            seen, changed_at = received.value, time.perf_counter()
        elif not publishers.running() and time.perf_counter() - changed_at > QUIET_SECONDS:
            break
    publishers.join()
    stop.set()
    for process in counters:
        process.join(10)
    return received.value / max(last_at.value - started, 1e-9), received.value


# --- the platform's side: the production subscriber -----------------------------------------------------


class ProcessWorkers:
    """``wangge mqtt --workers N`` as a site runs it, on this run's prefix and sessions; ``stop`` ends them
    and has the broker forget the sessions."""

    def __init__(self, url: str, prefix: str, workers: int):
        from wangge.core.management.commands.serve import mqtt_argv

        self.url, self.prefix, self.workers = url, prefix, workers
        self.base = f"bench-sub-{uuid.uuid4().hex[:8]}"
        argv = [*mqtt_argv(), "--url", url, "--prefix", prefix, "--client-id", self.base, "--workers", str(workers)]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)  # noqa: S603 (our own command)
        self.lines: list[str] = []
        subscribed = threading.Semaphore(0)

        def read():
            for line in self.process.stdout:
                self.lines.append(line.rstrip())
                if " subscribed to " in line:
                    subscribed.release()

        threading.Thread(target=read, daemon=True).start()
        for _ in range(workers):
            if not subscribed.acquire(timeout=120):
                self.stop()
                raise RuntimeError(f"wangge mqtt did not subscribe: {self.lines}")

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def stop(self) -> None:
        from wangge.devices import workers as pool

        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for index in range(self.workers):
            _forget(self.url, pool.worker_id(self.base, index))
        pool.remember(self.base, self.prefix, None)


class InProcessWorkers:
    """The same subscribers inside this process, pumped by ``wait`` (the smoke test: its database is the
    test's transaction, which no other process sees)."""

    def __init__(self, url: str, prefix: str, workers: int):
        from wangge.devices.subscriber import Subscriber

        self.url = url
        base = f"bench-sub-{uuid.uuid4().hex[:8]}"
        self.subscribers = [
            Subscriber(url, prefix=prefix, client_id=f"{base}-{i}", share=base, batch_wait=0.01).start()
            for i in range(workers)
        ]

    def wait(self, seconds: float) -> None:
        until = time.perf_counter() + seconds
        while True:
            for sub in self.subscribers:
                sub.pump(timeout=0)
            if time.perf_counter() >= until:
                return
            time.sleep(min(0.005, max(until - time.perf_counter(), 0)))

    def stop(self) -> None:
        for sub in self.subscribers:
            sub.stop()
            _forget(self.url, sub.client_id)


def _forget(url: str, client_id: str) -> None:
    """A clean connect under ``client_id``: the broker drops the persistent session."""
    cleaner = _client(url, client_id)
    cleaner.loop_start()
    cleaner.disconnect()
    cleaner.loop_stop()


def _stored(kind: str, device_ids: list[int], since) -> list[str]:
    """Message ids of ``kind`` the database holds for ``device_ids`` received from ``since`` (one plain query)."""
    from django.db import connection

    from wangge.devices.models import DeviceMessage

    table = DeviceMessage._meta.db_table
    slots = ", ".join(["%s"] * len(device_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT message_id FROM {table} WHERE kind = %s AND received_at >= %s AND device_id IN ({slots})",  # noqa: S608
            [kind, connection.ops.adapt_datetimefield_value(since), *device_ids],
        )
        return [row[0] for row in cursor.fetchall()]


def _count_stored(kind: str, since) -> int:
    """Rows of ``kind`` received from ``since``: only the run writes into the bench database meanwhile. (Without a
    device filter: with one, the count over some 10⁵ rows took a tenth of a second of the cores measured.)"""
    from django.db import connection

    from wangge.devices.models import DeviceMessage

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {DeviceMessage._meta.db_table} WHERE kind = %s AND received_at >= %s",  # noqa: S608
            [kind, connection.ops.adapt_datetimefield_value(since)],
        )
        return cursor.fetchone()[0]


def _since():
    from django.utils import timezone

    return timezone.now() - timedelta(seconds=1)  # the workers' clocks are this machine's


def ingest_rate(url, prefix, fleet, count, *, workers, runner=ProcessWorkers) -> tuple[float, int, int]:
    """(heartbeats/s the database took in, stored, published) through the production subscriber."""
    serials = [d.serial for d in fleet]
    since = _since()
    subscribers = runner(url, prefix, workers)
    try:
        publishers = Publishers(url, prefix, serials, count)
        started = publishers.go()
        stored, changed_at = 0, started
        while stored < count:
            subscribers.wait(0.1)
            now_stored = _count_stored("heartbeat", since)
            if now_stored != stored:
                stored, changed_at = now_stored, time.perf_counter()
            elif not publishers.running() and time.perf_counter() - changed_at > QUIET_SECONDS:
                break
        published = publishers.join()
    finally:
        subscribers.stop()
    return stored / max(changed_at - started, 1e-9), stored, published


def alarm_latencies(url, prefix, fleet, alarm_fleet, seconds, *, workers, runner=ProcessWorkers):
    """(milliseconds from each alarm's publish to its row in the database, cases of the alarms) with
    ``LOAD_PER_S`` heartbeats/s beside."""
    import json
    import random

    from wangge.devices.simulation import message

    rng = random.Random(2)
    bodies = [(d.serial, message("smoke", "alarm", rng)) for d in alarm_fleet]
    ids = {json.loads(payload)["message_id"] for _serial, payload in bodies}
    published: dict[str, float] = {}
    seen: dict[str, float] = {}
    since = _since()
    subscribers = runner(url, prefix, workers)
    alarms = _client(url, f"bench-alarm-{uuid.uuid4().hex[:8]}")
    alarms.loop_start()

    def publish_alarms():
        for serial, payload in bodies:
            published[json.loads(payload)["message_id"]] = time.perf_counter()
            alarms.publish(f"{prefix}/{serial}/alarm", payload, qos=1)
            time.sleep(seconds / len(bodies))

    try:
        load = Publishers(url, prefix, [d.serial for d in fleet], int(LOAD_PER_S * seconds), per_s=LOAD_PER_S)
        load.go()
        alarm_thread = threading.Thread(target=publish_alarms, daemon=True)
        alarm_thread.start()
        alarm_ids = [d.pk for d in alarm_fleet]
        deadline = time.perf_counter() + seconds + 60
        while (len(seen) < len(bodies) or load.running()) and time.perf_counter() < deadline:
            subscribers.wait(POLL_SECONDS)
            now = time.perf_counter()
            for message_id in _stored("alarm", alarm_ids, since):
                if message_id in ids and message_id not in seen:
                    seen[message_id] = now
        load.join()
    finally:
        alarms.loop_stop()
        alarms.disconnect()
        subscribers.stop()
    latencies = [(seen[m] - published[m]) * 1000 for m in seen if m in published]
    return latencies, _alarm_cases_with_inbox(alarm_fleet, since)


def _alarm_cases_with_inbox(alarm_fleet, since) -> tuple[int, int]:
    """(alarm cases of the run, those with an inbox row of a grid worker)."""
    from wangge.accounts.models import Role
    from wangge.devices.models import DeviceMessage
    from wangge.inbox.models import Message

    numbers = set(
        DeviceMessage.objects.filter(device__in=alarm_fleet, kind="alarm", received_at__gte=since).values_list(
            "case__number", flat=True
        )
    )
    told = set(
        Message.objects.filter(
            url__in=[f"/cases/{n}/" for n in numbers],
            user__memberships__role=Role.GRID_WORKER,
        ).values_list("url", flat=True)
    )
    return len(numbers), len(told)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(
    *,
    heartbeats: int = 60_000,
    devices: int = 2_000,
    alarms: int = 50,
    seconds: float = 5.0,
    workers: int | None = None,
    runner=ProcessWorkers,
) -> list[Row]:
    url = broker_url()
    if problem := broker_problem(url):
        return [Row("devices over MQTT", f"skipped: {problem}")]
    workers = workers or worker_count()
    run = f"wangge-bench/{uuid.uuid4().hex[:8]}"
    fleet = bench_devices(devices + alarms)
    _forget_messages(fleet)
    beating, alarming = fleet[:devices], fleet[devices : devices + alarms]
    baseline, _counted = counting_baseline(url, f"{run}/count", [d.serial for d in beating], heartbeats, workers)
    ours, stored, published = ingest_rate(url, f"{run}/ingest", beating, heartbeats, workers=workers, runner=runner)
    latencies, (cases, told) = alarm_latencies(
        url, f"{run}/alarms", beating, alarming, seconds, workers=workers, runner=runner
    )
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    lost = f"; {published - stored:,} of {published:,} published not stored" if stored < published else ""
    offered = f"{OFFERED_PER_S:,.0f}/s" if OFFERED_PER_S else "a flood"
    untold = f"; {cases - told} alarm cases without a grid worker's inbox row" if told < cases else ""
    return [
        Row(
            f"heartbeats end to end into the database ({heartbeats:,} from {devices:,} devices, QoS {HEARTBEAT_QOS}, "
            f"offered at {offered}; wangge mqtt --workers {workers}; rows counted in the database)",
            f"{ours:,.0f} heartbeats/s ({stored:,} stored{lost})",
            f"{baseline:,.0f}/s {workers} bare counting subscriber(s), shared subscription",
            f"{ours / baseline:.2f}×",
            f"≥ {TARGET_PER_S:,}/s",
            ours >= TARGET_PER_S and stored == published,
        ),
        Row(
            f"alarm → case → inbox row committed, p99 ({len(latencies)} alarms beside {LOAD_PER_S:,} heartbeats/s, "
            f"wangge mqtt --workers {workers})",
            f"{p99:.0f} ms (p50 {p50:.0f} ms{untold})",
            target=f"< {LATENCY_P99_MS} ms",
            passed=len(latencies) == alarms and told == cases and p99 < LATENCY_P99_MS,
        ),
    ]


def run(ctx) -> list[Row]:
    return measure()
