"""Case lists on the bench data: ``GET /api/v1/cases`` (keyset pages, every filter) and the worklist page
``/cases/`` (its tabs with their counts, filters, the next page), for four users from the whole district
down to one grid and one department. p95 latency through Django's test client (routing, session or
token, scope, serialisation or template: everything but the network), and the number of queries at two
page sizes, which must not differ (no query per row).

Text search (``q``: ``icontains`` on number, title and description) is reported without a target: it
reads every row in scope.
"""

import re
from datetime import timedelta
from urllib.parse import quote

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import serving
from bench.measure import Row, ms, p50, p95, timings

NAME = "lists"
TARGET_MS = 100.0
USERS = ("admin", "dispatcher", "gridworker1", "department1")


def _filters(user) -> list[tuple[str, str]]:
    """(label, query string) for the API list."""
    from wangge.cases.models import Category
    from wangge.regions.models import Level, Region
    from wangge.regions.selectors import visible_regions

    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    community = visible_regions(user).filter(level=Level.COMMUNITY).order_by("code").first() or (
        Region.objects.filter(level=Level.COMMUNITY).order_by("code").first()
    )
    category = Category.objects.filter(parent__isnull=True).order_by("code").first()
    return [
        ("newest, size 20", "size=20"),
        ("newest, size 100", "size=100"),
        ("status=dispatched", "status=dispatched"),
        (f"category={category.code} (a class)", f"category={category.code}"),
        ("region=a community", f"region={community.code}"),
        ("warning=red", "warning=red"),
        ("box=todo", "box=todo"),
        ("box=overdue", "box=overdue"),
        ("last 30 days", f"date_from={since}"),
        ("source=hotline, status=closed", "source=hotline&status=closed"),
    ]


def _pages() -> list[tuple[str, str]]:
    return [
        ("to do (default tab)", "/cases/"),
        ("all", "/cases/?box=all"),
        ("all, status=in_progress", "/cases/?box=all&status=in_progress"),
        ("overdue", "/cases/?box=overdue"),
        ("all, last 30 days", f"/cases/?box=all&date_from={(timezone.localdate() - timedelta(days=30)).isoformat()}"),
    ]


def _get(client, url: str, **extra):
    response = client.get(url, **extra)
    if response.status_code != 200:
        raise RuntimeError(f"{url} → {response.status_code}: {response.content[:200]!r}")
    return response


def _api_client(user) -> tuple[Client, dict]:
    from wangge.accounts.services import issue_token

    key, _token = issue_token(user=user)
    return Client(HTTP_HOST="127.0.0.1"), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _page_client(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _walk(client, headers, query: str, pages: int) -> list[float]:
    """Times of ``pages`` consecutive pages following ``next_cursor``."""
    import time

    out, cursor = [], None
    for _ in range(pages):
        url = f"/api/v1/cases?{query}" + (f"&cursor={quote(cursor)}" if cursor else "")
        started = time.perf_counter()
        body = _get(client, url, **headers).json()
        out.append((time.perf_counter() - started) * 1000)
        cursor = body.get("next_cursor")
        if not cursor:
            break
    return out


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _measure_user(user, repeat, api_times, page_times, walk_times, search_times) -> tuple:
    """Time one user's lists and pages into the given dicts and lists; (user, query counts)."""
    from wangge.cases import views

    client, headers = _api_client(user)
    for label, query in _filters(user):
        api_times.setdefault(label, []).extend(
            timings(lambda q=query: _get(client, f"/api/v1/cases?{q}", **headers), repeat)
        )
    walk_times += _walk(client, headers, "size=50", 10)
    search_times += timings(lambda: _get(client, "/api/v1/cases?q=%E4%BA%95%E7%9B%96", **headers), max(2, repeat // 4))
    small = _queries(lambda: _get(client, "/api/v1/cases?size=5", **headers))
    large = _queries(lambda: _get(client, "/api/v1/cases?size=100", **headers))
    pages = _page_client(user)
    for label, url in _pages():
        page_times.setdefault(label, []).extend(timings(lambda u=url: _get(pages, u), repeat))
    first = _get(pages, "/cases/?box=all").content.decode()
    found = re.search(r'href="\?([^"]*cursor=[^"]*)"', first)
    if found:
        next_url = "/cases/?" + found.group(1).replace("&amp;", "&")
        page_times.setdefault("all, next page", []).extend(timings(lambda u=next_url: _get(pages, u), repeat))
    saved = views.PAGE_SIZE
    try:
        views.PAGE_SIZE = 5
        page_small = _queries(lambda: _get(pages, "/cases/?box=all"))
        views.PAGE_SIZE = 100
        page_large = _queries(lambda: _get(pages, "/cases/?box=all"))
    finally:
        views.PAGE_SIZE = saved
    return (user.username, small, large, page_small, page_large)


def run(ctx) -> list[Row]:
    from wangge.accounts.models import User

    serving.ensure_static()
    repeat = ctx["repeat"]
    users = [u for u in (User.objects.filter(username=name).first() for name in USERS) if u is not None]
    api_times: dict[str, list[float]] = {}
    page_times: dict[str, list[float]] = {}
    walk_times: list[float] = []
    search_times: list[float] = []
    query_counts = []
    for user in users:
        query_counts.append(_measure_user(user, repeat, api_times, page_times, walk_times, search_times))

    rows = []
    all_api = [t for ts in api_times.values() for t in ts] + walk_times
    all_pages = [t for ts in page_times.values() for t in ts]
    rows.append(
        Row(
            f"case list API GET /api/v1/cases, p95 over {len(all_api)} requests "
            f"({len(users)} users × {len(api_times)} filters, and 10 keyset pages of 50)",
            ms(p95(all_api)),
            "",
            "",
            f"< {TARGET_MS:.0f} ms",
            p95(all_api) < TARGET_MS,
        )
    )
    for label, times in api_times.items():
        rows.append(
            Row(
                f"  API {label}: p50 {ms(p50(times))}, p95",
                ms(p95(times)),
                "",
                "",
                f"< {TARGET_MS:.0f} ms",
                p95(times) < TARGET_MS,
            )
        )
    rows.append(
        Row(
            f"  API keyset pages 1-10 of 50: p50 {ms(p50(walk_times))}, p95",
            ms(p95(walk_times)),
            "",
            "",
            f"< {TARGET_MS:.0f} ms",
            p95(walk_times) < TARGET_MS,
        )
    )
    rows.append(
        Row(
            f"  API text search q=井盖 (no target: reads every row in scope): p50 {ms(p50(search_times))}, p95",
            ms(p95(search_times)),
        )
    )
    rows.append(
        Row(
            f"worklist page /cases/, p95 over {len(all_pages)} requests ({len(users)} users × {len(page_times)} views)",
            ms(p95(all_pages)),
            "",
            "",
            f"< {TARGET_MS:.0f} ms",
            p95(all_pages) < TARGET_MS,
        )
    )
    for label, times in page_times.items():
        rows.append(
            Row(
                f"  page {label}: p50 {ms(p50(times))}, p95",
                ms(p95(times)),
                "",
                "",
                f"< {TARGET_MS:.0f} ms",
                p95(times) < TARGET_MS,
            )
        )
    flat = all(s == large and ps == pl for _u, s, large, ps, pl in query_counts)
    detail = "; ".join(f"{u}: API {s}/{large}, page {ps}/{pl}" for u, s, large, ps, pl in query_counts)
    rows.append(Row("queries per list request at page size 5 / 100", detail, "", "", "equal (no query per row)", flat))
    return rows
