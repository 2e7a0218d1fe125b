"""Which server and worker model serves the real endpoints best: ``wangge serve`` (granian WSGI) with a
few worker × thread shapes, against granian over ASGI and gunicorn (threads, and sync workers) when it is
installed, on the same database copy, in the same run. Three requests each: a plain view (what the
server and middleware cost), the case list ``GET /api/v1/cases`` and case intake ``POST /api/v1/cases``.

The fastest shape on the real endpoints is what ``wangge serve`` should default to (docs/decisions.md).
No target: the figure informs that choice. The task consumer is off here, so only the server differs.
"""

import shutil
import sys

from bench import intakedb, loadgen, serving
from bench.figures.intake import settings
from bench.measure import Row

NAME = "server"
HOST = serving.HOST


def _granian(interface: str, port: int, workers: int, threads: int) -> list[str]:
    from wangge.core.management.commands.serve import server_argv

    granian = shutil.which("granian", path=str(__import__("pathlib").Path(sys.executable).parent)) or "granian"
    argv = server_argv(granian, host=HOST, port=port, workers=workers, threads=threads)
    if interface == "asgi":
        argv[argv.index("wsgi")] = "asgi"
        argv[-1] = "wangge.asgi:application"
    return argv


def _gunicorn(port: int, workers: int, threads: int) -> list[str] | None:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return None
    kind = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else ["-k", "sync"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        *kind,
        "-b",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
        "wangge.wsgi:application",
    ]


def shapes(backend: str, full: bool = True) -> list[tuple[str, object]]:
    """(label, port → argv or None) to compare; the first is what ``wangge serve`` runs today. Without
    ``full`` (the default run) only granian WSGI shapes; ``--only server`` adds ASGI and gunicorn."""
    serve = lambda w, t: lambda port: serving.serve_command(port, workers=w, threads=t, tasks=False)  # noqa: E731
    if backend == "sqlite":
        out = [
            ("granian WSGI 2×8 (serve default)", serve(2, 8)),
            ("granian WSGI 2×2", serve(2, 2)),
            ("granian WSGI 2×1", serve(2, 1)),
            ("granian WSGI 4×1", serve(4, 1)),
        ]
    else:
        out = [
            ("granian WSGI 2×8 (serve default)", serve(2, 8)),
            ("granian WSGI 2×2", serve(2, 2)),
            ("granian WSGI 4×2", serve(4, 2)),
        ]
    if not full:
        return out
    out.append(("granian ASGI 2 workers", lambda port: _granian("asgi", port, 2, 1)))
    out.append(("gunicorn gthread 2×2", lambda port: _gunicorn(port, 2, 2)))
    out.append(("gunicorn sync ×4", lambda port: _gunicorn(port, 4, 1)))
    return out


def measure(backend: intakedb.Backend, *, seconds: float, connections: int, full: bool = True, log=print) -> list[Row]:
    prepared = intakedb.fresh_copy(backend, log=log)
    real, _baseline = intakedb.intake_requests(prepared.meta)
    headers = {"Authorization": f"Bearer {prepared.meta['token']}"}
    ping = [{"method": "GET", "path": "/bench/ping"}]
    lists = [{"method": "GET", "path": "/api/v1/cases?size=20", "headers": headers}]
    results = []
    for label, command_for in shapes(backend.name, full):
        port = serving.free_port()
        command = command_for(port)
        if command is None:
            results.append((label, None))
            continue
        server = serving.start(command, port=port, env=prepared.env, label=label, log_dir=intakedb.VAR / "logs")
        try:
            loadgen.load(port=port, requests=lists + real[:50], connections=connections, seconds=min(2.0, seconds))
            measured = {
                "ping": loadgen.load(port=port, requests=ping, connections=connections, seconds=seconds / 2),
                "list": loadgen.load(port=port, requests=lists, connections=connections, seconds=seconds),
                "intake": loadgen.load(
                    port=port, requests=real, connections=connections, seconds=seconds, unique_header="Idempotency-Key"
                ),
            }
        finally:
            serving.stop(server)
        for name, result in measured.items():
            if result.errors:
                log(f"  {label} {name}: {result.errors} errors, e.g. {result.sample_error}")
        results.append((label, measured))
    rows = []
    default = results[0][1]
    for label, measured in results:
        if measured is None:
            rows.append(Row(f"  server · {backend.label} · {label}", "skipped: not installed"))
            continue
        value = " · ".join(f"{name} {m.rate:,.0f}/s p99 {m.p99:.0f} ms" for name, m in measured.items())
        ratio = f"{measured['intake'].rate / default['intake'].rate:.2f}× intake" if default["intake"].rate else ""
        rows.append(Row(f"  server · {backend.label} · {label} · {connections} conn.", value, "first row", ratio))

    def score(measured) -> float:
        """Mean of the real endpoints' rates relative to the first shape's."""
        return sum(measured[k].rate / max(default[k].rate, 1e-9) for k in ("list", "intake")) / 2

    best = max((r for r in results if r[1]), key=lambda r: score(r[1]))
    rows.insert(
        0,
        Row(
            f"server comparison · {backend.label}: fastest on the real endpoints",
            best[0],
            results[0][0],
            f"{score(best[1]):.2f}×",
        ),
    )
    return rows


def run(ctx) -> list[Row]:
    seconds, connections = settings(ctx)
    full = NAME in (getattr(ctx.get("args"), "only", None) or [])
    seconds = min(seconds, 6.0 if full else 4.0)
    rows = []
    for backend, skip in intakedb.backends():
        if skip:
            rows.append(Row(f"server comparison · {backend.label}", f"skipped: {skip}"))
            continue
        rows += measure(backend, seconds=seconds, connections=connections, full=full)
    return rows
