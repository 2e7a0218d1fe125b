"""Smoke runs of the HTTP figures (case intake against the baseline insert, the server comparison, worker
memory): a real ``wangge serve`` on 127.0.0.1 over a tiny intake database built in a temporary folder,
loads of a fraction of a second. SQLite only; the real runs add PostgreSQL when it answers."""

import pytest

from bench import intakedb, loadgen, serving
from bench.figures import intake, memory, server

pytestmark = pytest.mark.one_run  # no database of the run: the SQLite run is enough


@pytest.fixture(scope="module")
def tiny_intake(tmp_path_factory):
    saved = intakedb.VAR, intakedb.CASES
    intakedb.VAR, intakedb.CASES = tmp_path_factory.mktemp("intake"), 200
    try:
        yield intakedb.Backend("sqlite")
    finally:
        intakedb.VAR, intakedb.CASES = saved


def test_intake_measures_the_real_endpoint_and_the_baseline_on_the_same_server(tiny_intake):
    rows = intake.measure(tiny_intake, seconds=0.6, connections=2, log=lambda *a: None)
    head = rows[0]
    assert head.figure.startswith("case intake POST /api/v1/cases · SQLite")
    assert "req/s" in head.value and "p99" in head.value and "errors" not in head.value
    assert head.baseline.endswith("(minimal insert endpoint)") and head.passed is not None
    assert [r.figure.strip().split(" ·")[0] for r in rows[1:]] == [
        "intake, one connection",
        "GET /categories/suggest",
        "GET /cases/nearby",
    ]


def test_a_fresh_copy_starts_from_the_template_every_time(tiny_intake):
    first = intakedb.fresh_copy(tiny_intake)
    real, baseline = intakedb.intake_requests(first.meta, count=5)
    assert real[0]["headers"]["Authorization"].startswith("Bearer ")
    assert real[0]["body"] == baseline[0]["body"] and baseline[0]["path"] == "/bench/insert"
    port = serving.free_port()
    running = serving.start(
        serving.serve_command(port, tasks=False), port=port, env=first.env, label="t", log_dir=intakedb.VAR / "logs"
    )
    try:
        # Bounded by the count: a time bound would send fewer requests on a busy machine.
        result = loadgen.load(
            port=port, requests=real, connections=1, seconds=120, max_requests=3, unique_header="Idempotency-Key"
        )
        assert (result.ok, result.errors, result.statuses) == (3, 0, {"201": 3})
        assert running.worker_pids() and all(mb > 0 for mb in running.peak_rss_mb().values())
    finally:
        serving.stop(running)
    assert running.process.poll() is not None
    again = intakedb.fresh_copy(tiny_intake)
    import sqlite3

    path = again.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM cases_case").fetchone()[0] == 200


def test_the_server_comparison_runs_each_shape(tiny_intake, monkeypatch):
    shapes = server.shapes("sqlite")
    monkeypatch.setattr(server, "shapes", lambda backend, full: [shapes[0], shapes[-2]])  # serve default, gunicorn
    rows = server.measure(tiny_intake, seconds=0.6, connections=2, log=lambda *a: None)
    assert rows[0].figure == "server comparison · SQLite: fastest on the real endpoints"
    assert rows[1].figure.startswith("  server · SQLite · granian WSGI 2×8 (serve default)")
    assert "ping" in rows[1].value and "intake" in rows[1].value


def test_memory_reads_the_workers_peak_rss_under_load(tiny_intake):
    prepared = intakedb.fresh_copy(tiny_intake)
    real, _ = intakedb.intake_requests(prepared.meta, count=3)
    headers = real[0]["headers"]
    requests = [{"method": "GET", "path": "/api/v1/cases?size=20", "headers": headers}]
    idle, peak, result = memory.measure(
        requests=requests, env=prepared.env, seconds=0.6, connections=2, log_dir=intakedb.VAR / "logs"
    )
    assert result.ok > 0 and not result.errors
    assert set(idle) == set(peak) and len(peak) == 2
    assert all(peak[pid] >= idle[pid] > 20 for pid in peak)
    assert result.statuses == {"200": result.ok}  # the list was served, not refused or failed
