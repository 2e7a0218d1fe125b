"""The MQTT subscriber: ``{prefix}/{serial}/{kind}`` into ``ingest``, with a persistent session and QoS 1.

- The session is persistent (``clean_session=False`` under a fixed client id), the subscription QoS 1: the
  broker keeps what devices publish while the subscriber is down and delivers it when it returns.
- With ``share`` (what ``wangge mqtt`` runs, see ``workers``) the subscription is a shared one,
  ``$share/{share}/{prefix}/+/+``: the broker hands each message to one member of the group, so several
  processes split the load, each with its own persistent session (the broker keeps a stopped member's share
  for it). Shared subscriptions come with MQTT v5; Mosquitto (and EMQX, HiveMQ, VerneMQ) take them from 3.1.1
  clients too, and the client stays 3.1.1: paho builds a properties object for every v5 message it
  receives, and a v5 trial took in fewer heartbeats a second (docs/decisions.md).
- paho's network thread only queues what arrives; the caller's thread (``pump``/``run``) takes batches off
  the queue (up to ``batch_size`` or ``batch_wait`` seconds) and hands them to ``ingest.ingest``, so the
  heartbeats of a batch are one insert and one update. Alarms have a queue of their own: under ``run`` a
  thread with its own database connection takes each in as soon as it arrives, beside a heartbeat batch
  being parsed or written rather than after it (on SQLite it still waits for that batch's commit: one
  writer); ``pump`` alone (tests, the bench's smoke run) takes them first, before the heartbeats waiting.
- Acknowledgements are manual: an alarm or reading is acknowledged once it is in the database (or a
  dead letter), so a crash before that has the broker deliver it again (a replay has no second effect).
  Heartbeats are acknowledged on arrival: the broker's in-flight window (20 on Mosquitto) would otherwise
  hold them back batch by batch, and a lost heartbeat is followed by the next.
- The connection is kept from batch to batch (on SQLite ``CONN_MAX_AGE`` is 0, meant for requests: it was
  closed and set up again for every batch); one that failed is closed and opened again by the retry. On SQLite ``run`` checkpoints the write-ahead log once a second on a thread of its own, rather than
  inside every commit (``_start_checkpoints``).
- Database errors: the batch is retried with backoff (``DEVICES_DB_RETRIES``), then dead-lettered as
  retryable; if even that write fails, the messages are appended to ``var/devices-spool.jsonl``, which the
  replay command reads first. Nothing raised by a message stops the subscriber.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from wangge.devices import conf, ingest
from wangge.devices.models import DeadLetter, MessageKind, Transport

log = logging.getLogger("wangge.devices")

RETRY_BASE_SECONDS = 0.2
GATHER_SECONDS = 0.002  # how often a batch being gathered looks for more
CHECKPOINT_SECONDS = 1.0
SQLITE_CACHE_KIB = 64 * 1024  # a worker's write connection's page cache


def spool_path() -> Path:
    return Path(settings.VAR_DIR) / "devices-spool.jsonl"


def parse_topic(topic: str, prefix: str) -> tuple[str, str]:
    """(serial, kind) of ``{prefix}/{serial}/{kind}``; ("", "") when the topic has another shape."""
    rest = topic[len(prefix) + 1 :] if topic.startswith(prefix + "/") else ""
    parts = rest.split("/")
    if len(parts) != 2 or not all(parts):
        return "", ""
    return parts[0], parts[1]


def broker_address(url: str) -> tuple[str, int]:
    parts = urlparse(url)
    return parts.hostname or "127.0.0.1", parts.port or 1883


class Subscriber:
    def __init__(
        self,
        url: str | None = None,
        *,
        prefix: str | None = None,
        client_id: str | None = None,
        batch_size: int = 1000,
        batch_wait: float = 0.05,
        retries: int | None = None,
        handler=None,
        share: str = "",
    ):
        self.url = url or conf.mqtt_url()
        self.prefix = (prefix or conf.topic_prefix()).rstrip("/")
        self.client_id = client_id or conf.client_id()
        self.share = share
        self.topic = f"$share/{share}/{self.prefix}/+/+" if share else f"{self.prefix}/+/+"
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.retries = conf.db_retries() if retries is None else retries
        self.handler = handler or ingest.ingest
        # Plain deques (appends and pops are atomic) and an event set when one stops being empty: a lock and
        # a notification per heartbeat cost more than parsing it.
        self.arrived: deque = deque()
        self.urgent: deque = deque()  # alarms, taken before the heartbeats waiting
        self._arrival = threading.Event()
        self._alarm_arrival = threading.Event()
        self._alarm_lane = False  # whether ``run``'s alarm thread takes the alarms (else ``pump`` does)
        self._counting = threading.Lock()
        self.subscribed = threading.Event()
        self.refused = ""  # why the broker refused the subscription
        self.processed = 0
        self._checkpoints = False  # whether ``run`` checkpoints SQLite's log (then this connection does not)
        self._told = threading.local()  # per thread: the connection told so
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)

    # --- paho's thread ---

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties):
        if reason_code.is_failure:
            log.warning("MQTT connection refused: %s", reason_code)
            return
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, _client, _userdata, _mid, reason_codes, _properties):
        failed = [code for code in reason_codes if code.is_failure]
        if failed:
            self.refused = str(failed[0])
            log.error("the broker refused the subscription to %s: %s", self.topic, self.refused)
        self.subscribed.set()

    def _on_message(self, client, _userdata, message):
        topic = message.topic
        if topic.endswith("/" + MessageKind.ALARM):
            self.urgent.append((message, False))
            self._alarm_arrival.set()
            self._arrival.set()  # wakes a pump waiting, or cuts a batch being gathered short
            return
        acked = False
        if message.qos and topic.endswith("/" + MessageKind.HEARTBEAT):
            client.ack(message.mid, message.qos)
            acked = True
        self.arrived.append((message, acked))
        if not self._arrival.is_set():
            self._arrival.set()

    # --- lifecycle ---

    def start(self, *, wait: float = 10) -> Subscriber:
        host, port = broker_address(self.url)
        self.client.connect(host, port, keepalive=30)
        self.client.loop_start()
        if not self.subscribed.wait(wait):
            self.stop()
            raise TimeoutError(f"no subscription acknowledged by the broker at {host}:{port}")
        if self.refused:
            self.stop()
            raise ConnectionRefusedError(f"the broker at {host}:{port} refused {self.topic}: {self.refused}")
        return self

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def end_session(self) -> None:
        """Stop and have the broker forget this session (a worker no longer run: see ``workers.retire``)."""
        self.stop()
        host, port = broker_address(self.url)
        cleaner = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id, clean_session=True)
        cleaner.connect(host, port, keepalive=30)  # a clean session: the broker drops the persistent one
        cleaner.loop_start()
        cleaner.disconnect()
        cleaner.loop_stop()

    def run(self, stop: threading.Event) -> None:
        self._start_checkpoints(stop)
        alarms = self._start_alarm_lane(stop)
        try:
            while not stop.is_set():
                try:
                    self.pump(timeout=0.5)
                except Exception:  # noqa: BLE001 (nothing a message does may stop the subscriber)
                    log.exception("device batch failed")
        finally:
            alarms.join(timeout=30)

    def _start_alarm_lane(self, stop: threading.Event) -> threading.Thread:
        """The thread that takes alarms in as they arrive, on a database connection of its own."""
        self._alarm_lane = True

        def take_alarms():
            try:
                while not stop.is_set():
                    self._alarm_arrival.clear()
                    if not self.urgent:
                        self._alarm_arrival.wait(0.5)
                    try:
                        self._take_urgent()
                    except Exception:  # noqa: BLE001 (as a batch: the subscriber goes on)
                        log.exception("device alarm failed")
                self._take_urgent()  # what came just before the stop
            finally:
                connection.close()

        lane = threading.Thread(target=take_alarms, name="device-alarms", daemon=True)
        lane.start()
        return lane

    # --- the caller's thread ---

    def pump(self, timeout: float = 1.0) -> int:
        """Wait up to ``timeout`` for a message, take a batch, take it in; answers how many.

        Without ``run``'s alarm thread, alarms jump the queue: they are taken in as soon as a pump sees them,
        before the heartbeats waiting."""
        inline = not self._alarm_lane
        taken = self._take_urgent() if inline else 0
        if not taken and not self.arrived:
            self._arrival.clear()
            if not (self.arrived or (inline and self.urgent)):  # (what came between the two looks set it again)
                self._arrival.wait(timeout)
            taken += self._take_urgent() if inline else 0
        if not self.arrived:
            return taken
        until = time.monotonic() + self.batch_wait
        while len(self.arrived) < self.batch_size and not (inline and self.urgent) and time.monotonic() < until:
            time.sleep(GATHER_SECONDS)
        batch = [self.arrived.popleft() for _ in range(min(len(self.arrived), self.batch_size))]
        taken += self._take_urgent() if inline else 0
        self.process(batch)
        return taken + len(batch)

    def _take_urgent(self) -> int:
        alarms = [self.urgent.popleft() for _ in range(len(self.urgent))]
        if alarms:
            self.process(alarms)
        return len(alarms)

    def pump_until(self, condition, timeout: float = 30) -> bool:
        """Pump until ``condition()`` holds (tests and the bench)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            self.pump(timeout=0.1)
        return condition()

    def process(self, arrivals: list) -> None:
        """Take in ``arrivals`` ((message, acknowledged already) pairs), then acknowledge the rest."""
        messages = [message for message, _acked in arrivals]
        incoming = []
        for message in messages:
            serial, kind = parse_topic(message.topic, self.prefix)
            incoming.append(
                ingest.Incoming(
                    serial=serial,
                    kind=kind,
                    payload=bytes(message.payload),
                    transport=Transport.MQTT,
                    topic=message.topic,
                )
            )
        self._take_in(incoming)
        for message, acked in arrivals:
            if message.qos and not acked:
                self.client.ack(message.mid, message.qos)
        with self._counting:
            self.processed += len(messages)

    def _take_in(self, incoming: list[ingest.Incoming]) -> None:
        error = None
        for attempt in range(max(self.retries, 1)):
            try:
                self._tune_connection()
                self.handler(incoming)
                return
            except DatabaseError as exc:
                error = exc
                log.warning("database error on a device batch (attempt %d): %s", attempt + 1, exc)
                if not connection.in_atomic_block:
                    connection.close()
                time.sleep(RETRY_BASE_SECONDS * 2**attempt)
            except Exception as exc:  # noqa: BLE001 (a fault of ours: keep the messages, keep running)
                log.exception("device batch failed")
                error = exc
                break
        kind = "database" if isinstance(error, DatabaseError) else "error"
        reason = f"{kind}: {str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}"
        now = timezone.now()
        try:
            DeadLetter.objects.bulk_create([ingest.dead_letter(m, reason, now=now, retryable=True) for m in incoming])
        except DatabaseError:
            log.error("database still failing: %d device messages spooled to %s", len(incoming), spool_path())
            spool(incoming, reason)

    def _tune_connection(self) -> None:
        """While ``run`` checkpoints SQLite's log on a thread of its own, this connection's commits do not (and its
        page cache is ``SQLITE_CACHE_KIB``): a
        commit of a thousand heartbeats dirties some thousands of index pages, and the automatic checkpoint
        after it ran inside the commit, while the other workers waited on ``serialized_writes`` and the
        alarms behind the batch waited too."""
        if not self._checkpoints or connection.in_atomic_block:
            return
        connection.ensure_connection()
        if getattr(self._told, "connection", None) is not connection.connection:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint = 0")
                # Heartbeats land all over the message table's per-device indexes: a bigger page cache than
                # SQLite's 2 MB keeps more of them at hand (fewer reads per insert on a large table).
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            self._told.connection = connection.connection

    def _start_checkpoints(self, stop: threading.Event) -> None:
        """On SQLite, a passive checkpoint (it waits for no reader or writer) each ``CHECKPOINT_SECONDS`` on a
        thread and connection of its own (SQLite lets go of the GIL while it copies pages)."""
        if connection.vendor != "sqlite":
            return
        self._checkpoints = True

        def checkpoint_now_and_then():
            try:
                while not stop.wait(CHECKPOINT_SECONDS):
                    try:
                        with connection.cursor() as cursor:  # this thread's own connection
                            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    except DatabaseError as exc:
                        log.warning("checkpoint failed: %s", exc)
                        connection.close()
            finally:
                connection.close()

        threading.Thread(target=checkpoint_now_and_then, name="wal-checkpoint", daemon=True).start()


def spool(incoming: list[ingest.Incoming], reason: str) -> None:
    path = spool_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        for m in incoming:
            row = {
                "serial": m.serial,
                "kind": m.kind,
                "topic": m.topic,
                "transport": m.transport,
                "payload": m.payload.decode("utf-8", errors="replace"),
                "reason": reason,
                "at": timezone.now().isoformat(),
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def load_spool() -> int:
    """Move the spooled messages into the dead-letter table (retryable); answers how many."""
    path = spool_path()
    if not path.exists():
        return 0
    taking = path.with_suffix(".taking")
    path.rename(taking)
    rows = []
    for line in taking.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        rows.append(
            DeadLetter(
                transport=data.get("transport") or Transport.MQTT,
                topic=data.get("topic", "")[:200],
                serial=data.get("serial", "")[:64],
                kind=data.get("kind", "")[:20],
                payload=data.get("payload", ""),
                reason=data.get("reason", "")[:300],
                retryable=True,
                received_at=timezone.now(),
            )
        )
    DeadLetter.objects.bulk_create(rows)
    taking.unlink()
    return len(rows)
