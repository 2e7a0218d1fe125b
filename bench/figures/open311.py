"""Open311 reads on the bench data: ``GET /open311/v2/requests.json`` with the spec's default window (the
last 90 days, the newest 1,000 public requests), in XML too, and with the filters a client sends (status,
service codes, a 30-day window, a list of ids). p95 latency through Django's test client (routing, the key
and its rate limit, the query, the answer written: everything but the network), and the number of queries
per answer, which must not depend on how many requests it holds (no query per row).
"""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.measure import Row, ms, p50, p95, timings

NAME = "open311"
TARGET_MS = 100.0


def _key() -> str:
    """A fresh key of the bench's client application (its rate limit out of the way)."""
    from wangge.open311 import services
    from wangge.open311.models import ClientApp

    client = ClientApp.objects.filter(name="bench").first()
    if client is None:
        key, client = services.create_client(actor=None, name="bench", requests_per_minute=2_000_000_000)
        return key
    return services.rotate_key(actor=None, client=client)


def _queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url)
    return len(captured.captured_queries), len(response.json())


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} → {response.status_code}: {response.content[:200]!r}")
    return response


def run(ctx) -> list[Row]:
    from wangge.open311 import selectors

    repeat = ctx["repeat"]
    key = _key()
    client = Client(HTTP_HOST="127.0.0.1")
    now = timezone.now()
    codes = [c.code for c in selectors.public_services()[:2]]
    newest = list(selectors.public_cases().order_by("-created_at").values_list("number", flat=True)[:20])
    start = (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = f"/open311/v2/requests.json?api_key={key}"
    variants = [
        ("requests.xml, default window", f"/open311/v2/requests.xml?api_key={key}"),
        ("status=open", f"{base}&status=open"),
        (f"service_code={','.join(codes)}", f"{base}&service_code={','.join(codes)}"),
        ("last 30 days", f"{base}&start_date={start}"),
        ("20 service_request_ids", f"{base}&service_request_id={','.join(newest)}"),
    ]
    main = timings(lambda: _get(client, base), repeat)
    queries, count = _queries(client, base)
    few_queries, few = _queries(client, f"{base}&service_request_id={','.join(newest[:2])}")
    rows = [
        Row(
            f"Open311 GET /open311/v2/requests.json, 90-day window ({count} requests): p50 {ms(p50(main))}, p95",
            ms(p95(main)),
            "",
            "",
            f"< {TARGET_MS:.0f} ms",
            p95(main) < TARGET_MS,
        )
    ]
    for label, url in variants:
        times = timings(lambda u=url: _get(client, u), repeat)
        rows.append(
            Row(
                f"  Open311 {label}: p50 {ms(p50(times))}, p95",
                ms(p95(times)),
                "",
                "",
                f"< {TARGET_MS:.0f} ms",
                p95(times) < TARGET_MS,
            )
        )
    rows.append(
        Row(
            f"  Open311 queries per answer of {count} / {few} requests",
            f"{queries} / {few_queries}",
            "",
            "",
            "equal",
            queries == few_queries,
        )
    )
    return rows
