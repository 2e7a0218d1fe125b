"""The command-centre screen's data endpoints, from the roll-ups, against the naive way: GROUP BY over
the cases table (and its timeline where a rate needs it), for the same nodes, in the same run.

The endpoints are called through Django's test client (URL routing, session, scope checks, JSON),
so their times include everything but the network; the naive queries are timed bare.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr, TruncDate
from django.test import Client
from django.utils import timezone

from bench.measure import Row, ms, p50, p95, ratio, timings

NAME = "screen"
TARGET_MS = 100.0
ENDPOINTS = [
    ("summary", ""),
    ("trend", "days=30"),
    ("breakdown", "dim=category"),
    ("breakdown", "dim=source"),
    ("ranking", "by=children"),
    ("ranking", "by=departments"),
    ("map", ""),
]
OPEN = ("reported", "accepted", "dispatched", "in_progress", "handled", "verified")


def nodes():
    """One node per level of a screen: the whole city, a street, a community, a grid and a department."""
    from wangge.accounts.models import Department
    from wangge.regions.models import Level, Region
    from wangge.rollups.selectors import dept_node, region_node

    def first(level):
        return Region.objects.filter(level=level, is_active=True).order_by("code").first()

    out = [region_node(first(level)) for level in (Level.CITY, Level.STREET, Level.COMMUNITY, Level.GRID)]
    department = Department.objects.filter(kind="city_management").order_by("code").first()
    if department is not None:
        out.append(dept_node(department))
    return out


# --- the naive way ------------------------------------------------------------------------------------


def _scope(node):
    from wangge.cases.models import Case

    if node.department is not None:
        return Case.objects.filter(assigned_department_id=node.department.pk)
    return Case.objects.filter(region_path__startswith=node.key)


def _bounds(now: datetime):
    zone = timezone.get_default_timezone()
    today = timezone.localtime(now).date()
    start_of = lambda d: datetime.combine(d, time.min, tzinfo=zone)  # noqa: E731
    return today, start_of(today), start_of(today.replace(day=1)), start_of(today - timedelta(days=29))


def _late():
    from wangge.cases.models import CaseEvent

    return Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), on_time=False))


def naive_summary(node, now):
    from wangge.cases.models import CaseEvent

    _today, day, month, _start = _bounds(now)
    cases = _scope(node)
    tiles = cases.aggregate(
        reported=Count("id", filter=Q(created_at__gte=day)),
        closed=Count("id", filter=Q(closed_at__gte=day)),
        open=Count("id", filter=Q(status__in=OPEN)),
        overdue=Count("id", filter=Q(status__in=OPEN, due_at__lte=now)),
        rated=Count("id", filter=Q(closed_at__gte=month, satisfied__isnull=False)),
        satisfied=Count("id", filter=Q(closed_at__gte=month, satisfied=True)),
        due=Count("id", filter=Q(accepted_at__gte=month)),
        parked=Count("id", filter=Q(accepted_at__gte=month, status="parked")),
        finished=Count("id", filter=Q(accepted_at__gte=month, status__in=("closed", "rated"))),
    )
    responses = (
        CaseEvent.objects.filter(case__in=cases.filter(created_at__gte=month), from_status="reported")
        .exclude(to_status="reported")
        .aggregate(n=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    )
    late = cases.filter(accepted_at__gte=month, status__in=("closed", "rated")).filter(_late()).count()
    return tiles, responses, late


def naive_trend(node, now):
    _today, _day, _month, start = _bounds(now)
    zone = timezone.get_default_timezone()
    cases = _scope(node)
    reported = list(
        cases.filter(created_at__gte=start)
        .annotate(d=TruncDate("created_at", tzinfo=zone))
        .values("d")
        .annotate(n=Count("id"))
    )
    closed = list(
        cases.filter(closed_at__gte=start)
        .annotate(d=TruncDate("closed_at", tzinfo=zone))
        .values("d")
        .annotate(n=Count("id"))
    )
    return reported, closed


def naive_breakdown(node, now, dim):
    _today, _day, _month, start = _bounds(now)
    column = "category__parent_id" if dim == "category" else "source"
    recent = _scope(node).filter(created_at__gte=start)
    return list(recent.values(column).annotate(n=Count("id"), closed=Count("id", filter=Q(closed_at__isnull=False))))


def naive_ranking(node, now, by):
    _today, _day, month, _start = _bounds(now)
    filed = _scope(node).filter(accepted_at__gte=month)
    if by == "children":
        filed = filed.annotate(unit=Substr("region_path", 1, len(node.key) + 10))
    else:
        filed = filed.annotate(unit=F("assigned_department_id"))
    return list(
        filed.values("unit").annotate(
            due=Count("id"),
            deferred=Count("id", filter=Q(status="parked")),
            finished=Count("id", filter=Q(status__in=("closed", "rated"))),
            late=Count("id", filter=Q(_late())),
        )
    )


def naive_map(node, now):
    width = len(node.key) + 10
    open_cases = _scope(node).filter(status__in=OPEN).annotate(unit=Substr("region_path", 1, width))
    return list(open_cases.values("unit").annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now))))


def naive(endpoint: str, params: str, node, now):
    if endpoint == "summary":
        return naive_summary(node, now)
    if endpoint == "trend":
        return naive_trend(node, now)
    if endpoint == "breakdown":
        return naive_breakdown(node, now, params.split("=")[1])
    if endpoint == "ranking":
        return naive_ranking(node, now, params.split("=")[1])
    return naive_map(node, now)


# --- the run ----------------------------------------------------------------------------------------


def run(ctx) -> list[Row]:
    from wangge.accounts.models import User

    repeat = ctx["repeat"]
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    now = timezone.now()
    picked = nodes()
    by_endpoint: dict[str, tuple[list[float], list[float]]] = {}
    for endpoint, params in ENDPOINTS:
        label = f"{endpoint}?{params}" if params else endpoint
        fast, slow = [], []
        for node in picked:
            url = f"/api/v1/dashboard/{endpoint}?{node.query}" + (f"&{params}" if params else "")

            def call(url=url):
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} → {response.status_code}: {response.content[:200]!r}")

            fast += timings(call, repeat)
            slow += timings(
                lambda endpoint=endpoint, params=params, node=node: naive(endpoint, params, node, now),
                max(2, repeat // 4),
            )
        by_endpoint[label] = (fast, slow)

    rows = []
    all_fast = [t for fast, _slow in by_endpoint.values() for t in fast]
    all_slow = [t for _fast, slow in by_endpoint.values() for t in slow]
    overall = p95(all_fast)
    rows.append(
        Row(
            f"screen data endpoints, p95 over {len(all_fast)} requests ({len(picked)} nodes × {len(ENDPOINTS)} endpoints)",
            ms(overall),
            f"{ms(p95(all_slow))} naive GROUP BY",
            ratio(p95(all_slow), overall),
            f"< {TARGET_MS:.0f} ms",
            overall < TARGET_MS,
        )
    )
    for label, (fast, slow) in by_endpoint.items():
        rows.append(
            Row(
                f"  {label}: p50 {ms(p50(fast))}, p95",
                ms(p95(fast)),
                f"{ms(p95(slow))} (p50 {ms(p50(slow))})",
                ratio(p95(slow), p95(fast)),
                f"< {TARGET_MS:.0f} ms",
                p95(fast) < TARGET_MS,
            )
        )
    feed = []
    for node in picked:
        url = f"/api/v1/dashboard/feed?{node.query}"
        feed += timings(lambda url=url: client.get(url), repeat)
    rows.append(
        Row(
            "  feed (newest cases and alarms), p95",
            ms(p95(feed)),
            "",
            "",
            f"< {TARGET_MS:.0f} ms",
            p95(feed) < TARGET_MS,
        )
    )
    return rows
