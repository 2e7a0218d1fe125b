"""Memory of a server worker: ``wangge serve`` (production command, granian WSGI) on the run's own bench
database, loaded with the case list API, the worklist pages and the command-centre screen data for
every node of the ``screen`` figure; the peak resident set (VmHWM) of each worker afterwards, against
the same workers' peak right after start-up and a few pings (same run).

Read-only: the run's data is not changed (the task consumer is not started).
"""

import random

from django.conf import settings

from bench import loadgen, serving
from bench.figures.intake import settings as load_settings
from bench.measure import Row

NAME = "memory"
TARGET_MB = 300.0


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def requests_for(users) -> list[dict]:
    """Lists, pages and screen data as the given users (cookie sessions and bearer tokens)."""
    from bench.figures.screen import ENDPOINTS, nodes
    from wangge.accounts.services import issue_token

    out = []
    picked = nodes()
    for user in users:
        cookie = {"Cookie": _session_cookie(user), "Accept-Language": "zh-hans"}
        key, _token = issue_token(user=user)
        bearer = {"Authorization": f"Bearer {key}"}
        for query in ("size=20", "size=100", "status=dispatched", "warning=red", "box=todo"):
            out.append({"method": "GET", "path": f"/api/v1/cases?{query}", "headers": bearer})
        for path in ("/cases/", "/cases/?box=all", "/cases/?box=overdue"):
            out.append({"method": "GET", "path": path, "headers": cookie})
        if user.is_superuser:
            for endpoint, params in ENDPOINTS:
                for node in picked:
                    query = node.query + (f"&{params}" if params else "")
                    out.append({"method": "GET", "path": f"/api/v1/dashboard/{endpoint}?{query}", "headers": cookie})
            out.append({"method": "GET", "path": "/dashboard/", "headers": cookie})
    random.Random(3).shuffle(out)
    return out


def measure(*, requests: list[dict], env: dict, seconds: float, connections: int, log_dir) -> tuple[dict, dict, object]:
    """(peak MB per worker after start-up, peak MB per worker after the load, the load's result)."""
    port = serving.free_port()
    server = serving.start(
        serving.serve_command(port, tasks=False), port=port, env=env, label="wangge serve", log_dir=log_dir
    )
    try:
        loadgen.load(port=port, requests=[{"method": "GET", "path": "/bench/ping"}], connections=2, seconds=1)
        idle = server.peak_rss_mb()
        result = loadgen.load(port=port, requests=requests, connections=connections, seconds=seconds)
        peak = server.peak_rss_mb()
    finally:
        serving.stop(server)
    return idle, peak, result


def run(ctx) -> list[Row]:
    from django.db import connection

    from wangge.accounts.models import User

    seconds, connections = load_settings(ctx)
    serving.ensure_static()
    users = list(User.objects.filter(username__in=["admin", "dispatcher", "gridworker1", "department1"]))
    idle, peak, result = measure(
        requests=requests_for(users),
        env={},
        seconds=max(seconds, 10.0) * 2,
        connections=connections,
        log_dir=serving.ROOT / "bench" / "var" / "logs",
    )
    if result.errors:
        print(f"  memory load: {result.errors} errors, e.g. {result.sample_error}")
    top, start = max(peak.values()), max(idle.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_case")
        cases = cursor.fetchone()[0]
    return [
        Row(
            f"peak RSS of a server worker serving lists, pages and the screen ({cases:,} cases, "
            f"{len(peak)} workers, {result.ok:,} requests)",
            f"{top:.0f} MB",
            f"{start:.0f} MB after start-up",
            f"{top / start:.1f}×",
            f"< {TARGET_MB:.0f} MB",
            top < TARGET_MB and not result.errors,
        ),
        Row("  the mixed read load itself", result.summary() + (f" · {result.errors} errors" if result.errors else "")),
    ]
