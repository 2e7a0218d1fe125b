"""Patrols: the issue's speed targets, measured the production way in the bench database.

- Point batches: a batch of 1,000 points (a walk inside a grid, one point a second) stored by
  ``patrols.services.add_points`` — parsed, located in the grids, merged, cleaned (duplicates, jumps),
  figures updated, one locked row saved — on a patrol that grows batch after batch; against a same-run
  baseline, the same points written as bytes onto the row in one UPDATE (no parsing, locating or clean-up).
  Target: p95 < 100 ms (the figure also gives batches/s).
- Track clean-up alone (``track.merge`` + ``track.mark_jumps`` from the first new point + ``track.distance_m``)
  for a batch of 1,000 appended to a patrol of 10,000 points; against re-checking every point from the start
  (``start=0``), as a clean-up without the append shortcut would. No database.
- Coverage map: a month of one street's tracks (about 300 patrols a day, each passing a few grids)
  answered by ``selectors.coverage`` + ``coverage_geojson`` for the street; against a bare scan of the same
  patrols' passed grids (one query, nothing else). Target: < 300 ms. The month is written in a transaction
  that is rolled back, so the bench database keeps no bench patrols.
"""

from __future__ import annotations

import json
import random
import time
from datetime import timedelta

import numpy as np

from bench.measure import Row, ms, p50, p95, ratio, timings

NAME = "patrols"
BATCH = 1_000
BATCH_TARGET_MS = 100.0
COVERAGE_TARGET_MS = 300.0
PATROLS_PER_DAY = 300
DAYS = 30


class _Rollback(Exception):
    pass


def _worker_and_grid():
    """A grid worker of the bench town and the grid they work in (the first by id)."""
    from wangge.accounts.models import Membership, Role

    member = (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__is_active=True)
        .select_related("user", "region")
        .order_by("id")
        .first()
    )
    return member.user, member.region


def walk(region, count: int, t0: float, *, seed: int = 1) -> list[list[float]]:
    """``count`` points a second apart wandering about 1 m/s around the middle of ``region``."""
    import shapely

    centre = shapely.from_geojson(json.dumps(region.boundary)).representative_point()
    rng = np.random.default_rng(seed)
    steps = rng.normal(0, 1e-5, (count, 2)).cumsum(axis=0)
    return [
        [round(centre.x + float(dx), 7), round(centre.y + float(dy), 7), t0 + i, 5.0]
        for i, (dx, dy) in enumerate(steps)
    ]


def batch_figure(batches: int) -> Row:
    from django.utils import timezone

    from wangge.patrols import services
    from wangge.patrols.models import COLUMNS, Patrol

    worker, grid = _worker_and_grid()
    started = timezone.now() - timedelta(hours=2)
    patrol = Patrol.objects.create(worker=worker, region=grid, region_path=grid.path, started_at=started)
    bare = Patrol.objects.create(
        worker=worker, region=grid, region_path=grid.path, started_at=started, ended_at=started
    )
    try:
        t0 = started.timestamp()
        ours, base = [], []
        stored = b""
        for n in range(batches + 1):  # the first batch warms the locator up, unmeasured
            points = walk(grid, BATCH, t0 + n * BATCH, seed=n)
            begun = time.perf_counter()
            services.add_points(actor=worker, patrol=patrol, batch_id=f"bench-{n}", points=points)
            took = (time.perf_counter() - begun) * 1000
            rows = np.zeros((len(points), COLUMNS))
            rows[:, :4] = points
            begun = time.perf_counter()
            stored += rows.tobytes()
            Patrol.objects.filter(pk=bare.pk).update(points=stored, point_count=len(stored) // (8 * COLUMNS))
            took_bare = (time.perf_counter() - begun) * 1000
            if n:
                ours.append(took)
                base.append(took_bare)
    finally:
        Patrol.objects.filter(pk__in=[patrol.pk, bare.pk]).delete()
    per_s = 1000 / p50(ours) if p50(ours) else float("inf")
    return Row(
        f"patrol points: a batch of {BATCH:,} stored and the figures updated, p95 over {batches} batches "
        f"(p50 {ms(p50(ours))}, {per_s:,.0f} batches/s)",
        ms(p95(ours)),
        f"{ms(p95(base))} (the bytes written in one UPDATE)",
        ratio(p95(base), p95(ours)),
        f"< {BATCH_TARGET_MS:.0f} ms",
        p95(ours) < BATCH_TARGET_MS,
    )


def cleanup_figure(existing: int, repeat: int) -> Row:
    from wangge.patrols import track
    from wangge.patrols.models import COLUMNS

    rng = np.random.default_rng(7)
    total = existing + BATCH
    rows = np.zeros((total, COLUMNS))
    rows[:, track.LON] = 120.98 + rng.normal(0, 1e-5, total).cumsum()
    rows[:, track.LAT] = 31.46 + rng.normal(0, 1e-5, total).cumsum()
    rows[:, track.T] = 1_796_000_000 + np.arange(total)
    rows[:, track.REGION] = -1
    before, incoming = rows[:existing].copy(), rows[existing:].copy()
    before = track.mark_jumps(before, 40.0)

    def clean(start_at_new: bool):
        def call():
            merged, _duplicates = track.merge(before.copy(), incoming.copy())
            track.mark_jumps(merged, 40.0, start=existing if start_at_new else 0)
            return track.distance_m(merged)

        return call

    repeat = max(5, repeat)
    ours, base = timings(clean(True), repeat), timings(clean(False), repeat)
    return Row(
        f"track clean-up: {BATCH:,} points appended to {existing:,} (sort, duplicates, jumps, distance), p95",
        ms(p95(ours)),
        f"{ms(p95(base))} (every point re-checked)",
        ratio(p95(base), p95(ours)),
    )


def _month_of_patrols(worker, street, cells: list[int], per_day: int, days: int) -> int:
    """``per_day`` finished patrols a day for ``days`` days in ``street``, each passing 1–4 of ``cells``;
    a tenth of the cells is never passed, so the map has gaps."""
    from django.utils import timezone

    from wangge.patrols.models import Patrol

    rng = random.Random(2026)
    passed = cells[: max(1, len(cells) - len(cells) // 10)]
    today = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    rows = []
    for day in range(days):
        for n in range(per_day):
            start = today - timedelta(days=day, minutes=n)
            rows.append(
                Patrol(
                    worker=worker,
                    region=street,
                    region_path=street.path,
                    started_at=start,
                    ended_at=start + timedelta(hours=1),
                    distance_m=rng.uniform(1000, 5000),
                    duration_s=3600,
                    regions_passed=sorted(rng.sample(passed, min(len(passed), rng.randint(1, 4)))),
                )
            )
    Patrol.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def coverage_figure(repeat: int, per_day: int = PATROLS_PER_DAY, days: int = DAYS) -> Row:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from wangge.patrols import selectors
    from wangge.patrols.models import Patrol
    from wangge.regions.models import Level, Region

    worker, grid = _worker_and_grid()
    street = Region.objects.defer("boundary").filter(level=Level.STREET, pk__in=grid.ancestor_ids()).first()
    cells = list(
        Region.objects.filter(
            path__startswith=street.path, is_active=True, level__in=(Level.MICRO_GRID, Level.GRID)
        ).values_list("pk", flat=True)
    )
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    today = timezone.localdate()
    result = {}
    try:
        with transaction.atomic():
            made = _month_of_patrols(worker, street, cells, per_day, days)
            since = timezone.now() - timedelta(days=days)

            def production():
                found = selectors.coverage(admin, street.code, days=days, today=today)
                return selectors.coverage_geojson(found)

            def bare():
                return sum(
                    len(p)
                    for p in Patrol.objects.filter(region_path__startswith=street.path, started_at__gte=since)
                    .values_list("regions_passed", flat=True)
                    .iterator(chunk_size=2000)
                )

            repeat = max(3, repeat)
            result["ours"], result["base"] = timings(production, repeat), timings(bare, repeat)
            shown = production()["features"]
            result["gaps"] = sum(1 for f in shown if not f["properties"]["covered"])
            result["cells"] = len(shown)
            result["made"] = made
            raise _Rollback
    except _Rollback:
        pass
    ours, base = result["ours"], result["base"]
    return Row(
        f"coverage map: a month of one street's tracks ({result['made']:,} patrols, {result['cells']} cells, "
        f"{result['gaps']} not covered), p95 (p50 {ms(p50(ours))})",
        ms(p95(ours)),
        f"{ms(p95(base))} (a bare scan of the passed grids)",
        ratio(p95(base), p95(ours)),
        f"< {COVERAGE_TARGET_MS:.0f} ms",
        p95(ours) < COVERAGE_TARGET_MS,
    )


def measure(
    *, batches: int = 40, existing: int = 10_000, repeat: int = 20, per_day: int = PATROLS_PER_DAY, days: int = DAYS
) -> list[Row]:
    return [
        batch_figure(batches),
        cleanup_figure(existing, repeat),
        coverage_figure(repeat, per_day, days),
    ]


def run(ctx) -> list[Row]:
    return measure(repeat=ctx["repeat"])
