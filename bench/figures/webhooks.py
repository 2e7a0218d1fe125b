"""Outbound webhooks: the fan-out of 1,000 case events to 3 receivers on this machine (real ``http.server``
receivers in threads), and the transition's latency with those subscriptions against a same-run baseline
with none.

Both phases report fresh cases and accept each once (``cases.services.transition``, a superuser acting as
the centre): the baseline with no active subscription, then the same number with three subscriptions to
``case.transitioned``, each on its own receiver. A transition only writes its deliveries and queues the
sending task for after the commit; the sending is timed apart, from the first claim until nothing is due,
by ``SENDERS`` threads each running what a worker of the task consumer runs for a queued task
(``webhooks.sending.send_due``: batches claimed, POSTed concurrently, recorded); then every delivery must
be delivered and every receiver must have counted its POSTs.

The figure writes, so it never touches the run's bench data: ``run`` measures in a subprocess on a fresh
SQLite database of its own (migrated, the bench town at scale 1, no cases), thrown away afterwards.
``measure`` is the measurement itself (the smoke test calls it in the test database).
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.measure import Row, ms, p50, p95

NAME = "webhooks"
EVENTS = 1000
RECEIVERS = 3
SENDERS = 4
TARGET_S = 10.0
LATENCY_TARGET = 1.25  # the subscribed transition's p50 within this factor of the baseline's
ROOT = Path(__file__).resolve().parents[2]


class Receiver:
    """Counts the POSTs it is sent and answers 200."""

    def __init__(self):
        self.count = 0
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    receiver.count += 1
                # One write: the status line, headers and body in separate packets meet the sender's
                # delayed acknowledgement (Nagle) and cost tens of milliseconds each.
                self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _reported(count: int) -> list:
    """``count`` new cases at points inside the town's grids (a public sub-category, reported by nobody)."""
    import shapely

    from wangge.cases import services as case_services
    from wangge.cases.models import Category
    from wangge.regions.models import Level, Region

    grids = Region.objects.filter(level=Level.GRID, boundary__isnull=False).values_list("boundary", flat=True)[:50]
    points = [shapely.from_geojson(json.dumps(b)).representative_point() for b in grids]
    category = Category.objects.filter(parent__isnull=False, is_active=True).order_by("code").first()
    cases = []
    for index in range(count):
        point = points[index % len(points)]
        case, _created = case_services.report_case(
            actor=None,
            report=case_services.Report(
                category=category.code, description="井盖破损，需要更换", lon=point.x, lat=point.y, source="patrol"
            ),
        )
        cases.append(case)
    return cases


def _centre():
    from wangge.accounts.models import User

    user = User.objects.filter(is_superuser=True, is_active=True).first()
    if user is None:
        user = User.objects.create_superuser("bench-webhooks", password=None)
    return user


def _accept_all(cases, actor) -> list[float]:
    from wangge.cases import services as case_services

    out = []
    for case in cases:
        started = time.perf_counter()
        case_services.transition(case, "accept", actor=actor, opinion="受理")
        out.append((time.perf_counter() - started) * 1000)
    return out


def _send_all(senders: int) -> float:
    """Seconds until nothing is due: ``senders`` threads (0: this thread) each doing what a task worker does
    with a queued ``send_due`` (claim a batch, POST it concurrently, record it; again until none is due)."""
    from django.db import connection

    from wangge.webhooks import sending

    def work():
        try:
            sending.send_due()
        finally:
            if senders:
                connection.close()

    started = time.perf_counter()
    if not senders:
        work()
    else:
        threads = [threading.Thread(target=work) for _ in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return time.perf_counter() - started


def measure(*, events: int = EVENTS, receivers: int = RECEIVERS, senders: int = SENDERS) -> dict:
    """The numbers of both phases, in this process's database."""
    from wangge.webhooks import services
    from wangge.webhooks.models import Delivery, DeliveryStatus, Event, Subscription

    Subscription.objects.filter(is_active=True).update(is_active=False)  # the baseline has none
    actor = _centre()
    baseline_cases = _reported(events)
    baseline = _accept_all(baseline_cases, actor)
    started = [Receiver() for _ in range(receivers)]
    try:
        for index, receiver in enumerate(started):
            services.create_subscription(
                actor=None, name=f"bench receiver {index + 1}", url=receiver.url, events=[Event.CASE_TRANSITIONED]
            )
        subscribed_cases = _reported(events)
        first = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        subscribed = _accept_all(subscribed_cases, actor)
        ids = list(Delivery.objects.filter(pk__gt=first).order_by("pk").values_list("pk", flat=True))
        seconds = _send_all(senders)
        delivered = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.DELIVERED).count()
        received = sum(r.count for r in started)
    finally:
        for receiver in started:
            receiver.stop()
    return {
        "events": events,
        "receivers": receivers,
        "senders": senders,
        "deliveries": len(ids),
        "delivered": delivered,
        "received": received,
        "seconds": seconds,
        "baseline_ms": baseline,
        "subscribed_ms": subscribed,
    }


def rows(result: dict) -> list[Row]:
    base, sub = result["baseline_ms"], result["subscribed_ms"]
    expected = result["events"] * result["receivers"]
    seconds = result["seconds"]
    all_delivered = result["delivered"] == expected == result["received"]
    ratio = p50(sub) / p50(base) if p50(base) else float("inf")
    return [
        Row(
            f"webhook fan-out: {result['events']:,} case events to {result['receivers']} local receivers "
            f"({result['delivered']:,} of {expected:,} delivered, {result['senders']} sender threads)",
            f"{seconds:.2f} s · {result['delivered'] / seconds:,.0f} deliveries/s" if seconds else "-",
            "",
            "",
            f"< {TARGET_S:.0f} s, all delivered",
            all_delivered and seconds < TARGET_S,
        ),
        Row(
            f"  transition (accept) with 3 subscriptions: p50 {ms(p50(sub))}, p95",
            ms(p95(sub)),
            f"no subscription: p50 {ms(p50(base))}, p95 {ms(p95(base))}",
            f"{ratio:.2f}× p50",
            f"p50 ≤ {LATENCY_TARGET:.2f}× baseline",
            ratio <= LATENCY_TARGET,
        ),
    ]


def run(ctx) -> list[Row]:
    """In a subprocess on a database of its own (see the module's notes)."""
    args = ctx.get("args")
    events = getattr(args, "webhook_events", None) or EVENTS
    with tempfile.TemporaryDirectory(prefix="wangge-bench-webhooks-") as var:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(WANGGE_VAR_DIR=var, DJANGO_SETTINGS_MODULE="wangge.settings", WANGGE_TASKS_IMMEDIATE="0")
        done = subprocess.run(
            [sys.executable, "-m", "bench.figures.webhooks", str(events), str(SENDERS)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the webhook measurement failed: {done.stderr[-2000:]}")
    return rows(json.loads(done.stdout.strip().splitlines()[-1]))


def _main() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    from bench import datagen

    call_command("migrate", verbosity=0)
    datagen.build_town(scale=1)
    events = int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS
    senders = int(sys.argv[2]) if len(sys.argv) > 2 else SENDERS
    result = measure(events=events, senders=senders)
    print(json.dumps(result))


if __name__ == "__main__":
    _main()
