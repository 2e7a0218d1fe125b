"""Case intake over HTTP: the real ``POST /api/v1/cases`` (bearer token, validation, point → grid,
handling region, case number, deadline, case row, timeline row, roll-ups, notifications) on the
production server (``wangge serve``: granian WSGI with its default workers and threads, and the task
consumer beside it), against a minimal JSON-in, one-row-insert endpoint served by the same server and
the same database in the same run; on SQLite and, when it answers, PostgreSQL.

Each backend gets a fresh copy of the intake database (``bench.intakedb``), so the run's own data is not
written to. Load: ``--connections`` keep-alive connections for ``--seconds`` from ``bench.loadgen``, on
the same cores as the server. The reads a reporting app makes beside the POST (category suggestions,
nearby open cases) are reported too, without a target.
"""

import os
from urllib.parse import quote

from bench import intakedb, loadgen, serving
from bench.measure import Row

NAME = "intake"
TARGET_SHARE = 0.5  # of the baseline's req/s
TARGET_P99_MS = 100.0


def settings(ctx) -> tuple[float, int]:
    """(seconds per measured load, connections) from the run's options or the environment."""
    args = ctx.get("args")
    seconds = getattr(args, "seconds", None) or float(os.environ.get("WANGGE_BENCH_SECONDS", "10"))
    connections = getattr(args, "connections", None) or int(os.environ.get("WANGGE_BENCH_CONNECTIONS", "8"))
    return float(seconds), int(connections)


def _reads(meta: dict, count: int = 400) -> tuple[list[dict], list[dict]]:
    import random

    rng = random.Random(7)
    headers = {"Authorization": f"Bearer {meta['token']}", "Accept-Language": "zh-hans"}
    texts = ["井盖破损", "路灯不亮", "占道经营", "垃圾满溢", "违规停车", "小广告", "噪音扰民", "树木倒伏"]
    suggest = [
        {"method": "GET", "path": f"/api/v1/categories/suggest?text={quote(rng.choice(texts))}", "headers": headers}
        for _ in range(count)
    ]
    nearby = []
    for _ in range(count):
        lon, lat = rng.choice(meta["points"])
        category = rng.choice(meta["categories"])
        nearby.append(
            {
                "method": "GET",
                "path": f"/api/v1/cases/nearby?lon={lon}&lat={lat}&category={category}",
                "headers": headers,
            }
        )
    return suggest, nearby


def measure(backend: intakedb.Backend, *, seconds: float, connections: int, log=print) -> list[Row]:
    prepared = intakedb.fresh_copy(backend, log=log)
    real, baseline = intakedb.intake_requests(prepared.meta)
    port = serving.free_port()
    server = serving.start(
        serving.serve_command(port),
        port=port,
        env=prepared.env,
        label=f"wangge serve ({backend.label})",
        log_dir=intakedb.VAR / "logs",
    )
    try:
        # Warm up: every worker loads its code, the point-lookup tree and the category suggester.
        loadgen.load(port=port, requests=baseline, connections=connections, seconds=min(2.0, seconds))
        loadgen.load(
            port=port,
            requests=real,
            connections=connections,
            seconds=min(3.0, seconds),
            unique_header="Idempotency-Key",
        )
        base = loadgen.load(port=port, requests=baseline, connections=connections, seconds=seconds)
        intake = loadgen.load(
            port=port, requests=real, connections=connections, seconds=seconds, unique_header="Idempotency-Key"
        )
        single = loadgen.load(
            port=port,
            requests=real,
            connections=1,
            seconds=max(1.0, seconds / 2),
            unique_header="Idempotency-Key",
            processes=1,
        )
        suggest, nearby = _reads(prepared.meta)
        suggested = loadgen.load(port=port, requests=suggest, connections=connections, seconds=max(1.0, seconds / 2))
        near = loadgen.load(port=port, requests=nearby, connections=connections, seconds=max(1.0, seconds / 2))
    finally:
        serving.stop(server)
    for name, result in (("baseline", base), ("intake", intake), ("suggest", suggested), ("nearby", near)):
        if result.errors:
            log(f"  {name}: {result.errors} errors, e.g. {result.sample_error}")
    share = intake.rate / base.rate if base.rate else 0.0
    setup = "granian WSGI, serve defaults" + (", with the task consumer")
    passed = share >= TARGET_SHARE and intake.p99 < TARGET_P99_MS and not intake.errors
    return [
        Row(
            f"case intake POST /api/v1/cases · {backend.label} · {setup} · {connections} connections",
            intake.summary() + (f" · {intake.errors} errors" if intake.errors else ""),
            f"{base.summary()} (minimal insert endpoint)",
            f"{share:.2f}×",
            f"≥ {TARGET_SHARE:.1f}× baseline req/s, p99 < {TARGET_P99_MS:.0f} ms",
            passed,
        ),
        Row(f"  intake, one connection · {backend.label}", single.summary()),
        Row(f"  GET /categories/suggest · {backend.label}", suggested.summary()),
        Row(f"  GET /cases/nearby · {backend.label}", near.summary()),
    ]


def run(ctx) -> list[Row]:
    seconds, connections = settings(ctx)
    rows = []
    for backend, skip in intakedb.backends():
        if skip:
            rows.append(Row(f"case intake · {backend.label}", f"skipped: {skip}"))
            continue
        rows += measure(backend, seconds=seconds, connections=connections)
    return rows
