"""`wangge mqtt`: several subscriber processes on one shared subscription (`$share/…`, see ``subscriber``).

- Worker ``i`` of ``n`` is a ``Subscriber`` with client id ``{base}-{i}`` on ``$share/{base}/{prefix}/+/+``,
  ``base`` being the installation's client id (``conf.client_id``), so two sites or test runs on one broker
  never split each other's messages. The broker hands each message to one worker; parsing and batching run
  on every core, and on SQLite the workers' write transactions queue on ``serialized_writes``.
- Each worker keeps its own persistent session (QoS 1): the broker keeps a stopped worker's share for it
  (Mosquitto queues a share for an offline member of the group too), and the parent restarts a worker that
  died, so its share waits seconds, not until someone notices.
- A message the broker delivers twice (a worker died before acknowledging it; it may come back through
  another worker) has no second effect in any process: ``message_id`` is unique per device, heartbeats are
  inserted with ``ON CONFLICT DO NOTHING`` and an alarm re-reads its device locked (on SQLite behind the
  cross-process write lock) and finds its message there.
- Fewer workers than the last run: the sessions no longer run would keep their share, and as members of the
  group go on receiving new ones. ``retire`` takes in what each holds and ends it. The count of the last run
  is kept in ``var/devices-mqtt.json``; the first run after the single-session subscriber retires that
  session (``{base}``, a plain subscription) the same way.
"""

from __future__ import annotations

import gc
import json
import logging
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from wangge.devices.subscriber import Subscriber

log = logging.getLogger("wangge.devices")

QUIET_SECONDS = 1.0  # a retired session that sent nothing for this long holds nothing more
RESTART_SECONDS = 2.0  # a worker that died is started again, at most this often
STOP_SECONDS = 10


def worker_id(base: str, index: int) -> str:
    return f"{base}-{index}"


def layout_path() -> Path:
    return Path(settings.VAR_DIR) / "devices-mqtt.json"


def _layouts() -> dict:
    try:
        return json.loads(layout_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _key(base: str, prefix: str) -> str:
    return f"{base} {prefix}"


def remember(base: str, prefix: str, workers: int | None) -> None:
    """Record how many workers run for ``base`` (None: none any more)."""
    layouts = _layouts()
    if workers is None:
        layouts.pop(_key(base, prefix), None)
    else:
        layouts[_key(base, prefix)] = workers
    path = layout_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(layouts, indent=1), encoding="utf-8")


def stale_sessions(base: str, prefix: str, workers: int) -> list[tuple[str, str]]:
    """(client id, share) of the sessions a run of ``workers`` workers leaves behind: the workers beyond that
    count of the last run, or the single-session subscriber's (plain subscription) on the first run."""
    last = _layouts().get(_key(base, prefix))
    if last is None:
        return [(base, "")]
    return [(worker_id(base, i), base) for i in range(workers, int(last))]


def retire(client_id: str, *, url: str, prefix: str, share: str, quiet: float = QUIET_SECONDS) -> int:
    """Take in what the session ``client_id`` holds, then have the broker forget it; answers how many."""
    sub = Subscriber(url, prefix=prefix, client_id=client_id, share=share).start()
    try:
        sub.client.unsubscribe(sub.topic)  # no new share; what is queued for the session still comes
        seen, since = -1, time.monotonic()
        while time.monotonic() - since < quiet:  # (also a new session: a share may have come before the unsubscribe)
            sub.pump(timeout=0.1)
            if sub.processed != seen:
                seen, since = sub.processed, time.monotonic()
    finally:
        sub.end_session()
    return sub.processed


def prepare(*, base: str, url: str, prefix: str, workers: int) -> int:
    """Before starting ``workers`` workers: retire the sessions left behind; answers the messages taken in."""
    taken = 0
    for client_id, share in stale_sessions(base, prefix, workers):
        taken += retire(client_id, url=url, prefix=prefix, share=share)
    remember(base, prefix, workers)
    return taken


def run_worker(index: int, *, base: str, url: str, prefix: str, batch_size: int, stop: threading.Event, say) -> int:
    """Worker ``index``: subscribe, then take batches in until ``stop``; answers how many messages."""
    sub = Subscriber(url, prefix=prefix, client_id=worker_id(base, index), share=base, batch_size=batch_size)
    sub.start()
    # What start-up loaded (Django, the models, the suggester) lives as long as the process: out of the
    # collector's sight, a full collection no longer walks it (it took 150-200 ms, an alarm's whole budget).
    gc.freeze()
    say(f"worker {index} subscribed to {sub.topic} as {sub.client_id}")
    try:
        sub.run(stop)
    finally:
        sub.stop()
    return sub.processed


def supervise(argv_of: Callable[[int], list[str]], workers: int, stop: threading.Event) -> None:
    """Run ``workers`` child processes (``argv_of(i)``) until ``stop``; start again one that ends before."""
    children: dict[int, subprocess.Popen] = {}
    started: dict[int, float] = {}

    def launch(index: int) -> None:
        children[index] = subprocess.Popen(argv_of(index))  # noqa: S603 (our own interpreter and arguments)
        started[index] = time.monotonic()

    for index in range(workers):
        launch(index)
    try:
        while not stop.wait(0.5):
            for index, child in children.items():
                code = child.poll()
                if code is not None and time.monotonic() - started[index] >= RESTART_SECONDS:
                    log.warning("device worker %d ended (exit %s); starting it again", index, code)
                    launch(index)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
