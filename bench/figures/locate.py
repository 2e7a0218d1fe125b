"""Point → grid at city size: the demo district at scale 34 (about 10,000 grids and 51,000 micro-grids,
62,000 boundaries in all) built in memory, indexed by the production ``RegionLocator``, against Shapely's
own vectorised STRtree query on the same boundaries and the same points, in the same run.

Batch: ``RegionLocator.locate_many`` (the deepest region per point) vs ``STRtree.query(points,
predicate="intersects")`` from the same coordinate arrays (both build their points). Single:
``RegionLocator.locate`` one point at a time (what case intake calls). h3 cells per second are shown
for scale, without a target. No database: the boundaries come from ``regions.demo.build_tree``
(cached in bench/var as WKB, built once in about 20 s).
"""

import pickle
import time
from pathlib import Path

import numpy as np
import shapely

from bench.measure import Row

NAME = "locate"
SCALE = 34
BATCH_SHARE = 0.8
SINGLE_PER_S = 40_000
CACHE = Path(__file__).resolve().parent.parent / "var" / f"boundaries-scale{SCALE}.pickle"
DEPTH = {"city": 0, "district": 1, "street": 2, "community": 3, "grid": 4, "special_grid": 4, "micro_grid": 5}


def boundaries(scale: int = SCALE) -> list[tuple[str, str, bytes]]:
    """(code, level, WKB) of every region of the demo district at ``scale``."""
    cache = CACHE if scale == SCALE else CACHE.with_name(f"boundaries-scale{scale}.pickle")
    if cache.exists():
        with cache.open("rb") as f:
            return pickle.load(f)  # noqa: S301 (our own cache file)
    from wangge.regions import demo

    root = demo.build_tree(seed=2026, scale=scale)
    rows = [(n.code, str(n.level), shapely.to_wkb(n.geom)) for n in demo._walk(root)]
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as f:
        pickle.dump(rows, f)
    return rows


def locator_for(rows):
    """The production locator over ``rows``, ranked as ``RegionLocator.build`` ranks database rows."""
    from shapely import STRtree

    from wangge.regions.locator import RegionLocator

    geoms = shapely.from_wkb([r[2] for r in rows])
    order = sorted(range(len(rows)), key=lambda i: (-DEPTH[rows[i][1]], rows[i][0]))
    ranks = np.empty(len(rows), dtype=np.int64)
    ranks[order] = np.arange(len(rows))
    return RegionLocator(tree=STRtree(geoms), region_ids=np.arange(1, len(rows) + 1), ranks=ranks, version=0), geoms


def _best(call, repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(rows, *, points: int = 200_000, singles: int = 20_000, repeat: int = 5) -> list[Row]:
    from shapely import STRtree

    locator, geoms = locator_for(rows)
    raw = STRtree(geoms)
    grids = sum(1 for r in rows if r[1] in ("grid", "special_grid"))
    rng = np.random.default_rng(2026)
    min_x, min_y, max_x, max_y = shapely.total_bounds(geoms)
    lons, lats = rng.uniform(min_x, max_x, points), rng.uniform(min_y, max_y, points)
    found = locator.locate_many(lons[:singles], lats[:singles])
    one_by_one = np.array(
        [locator.locate(x, y) or -1 for x, y in zip(lons[:singles].tolist(), lats[:singles].tolist(), strict=True)]
    )
    if not (found == one_by_one).all():
        raise AssertionError("locate_many and locate disagree")
    batch_s = _best(lambda: locator.locate_many(lons, lats), repeat)
    raw_s = _best(lambda: raw.query(shapely.points(lons, lats), predicate="intersects"), repeat)
    xs, ys = lons[:singles].tolist(), lats[:singles].tolist()

    def singles_run():
        locate = locator.locate
        for x, y in zip(xs, ys, strict=True):
            locate(x, y)

    def raw_singles():
        query = raw.query
        for x, y in zip(xs, ys, strict=True):
            query(shapely.Point(x, y), predicate="intersects")

    single_s = _best(singles_run, max(2, repeat // 2))
    raw_single_s = _best(raw_singles, max(2, repeat // 2))
    import h3

    h3_s = _best(lambda: [h3.latlng_to_cell(y, x, 9) for x, y in zip(xs, ys, strict=True)], 2)
    batch, base = points / batch_s, points / raw_s
    single, base_single = singles / single_s, singles / raw_single_s
    label = f"{grids:,} grids, {len(rows):,} boundaries"
    return [
        Row(
            f"point → grid, batch of {points:,} ({label})",
            f"{batch:,.0f} points/s",
            f"{base:,.0f}/s raw STRtree query",
            f"{batch / base:.2f}×",
            f"≥ {BATCH_SHARE:.1f}× raw",
            batch / base >= BATCH_SHARE,
        ),
        Row(
            "point → grid, one point at a time",
            f"{single:,.0f} points/s",
            f"{base_single:,.0f}/s raw STRtree query per point",
            f"{single / base_single:.2f}×",
            f"≥ {SINGLE_PER_S:,}/s",
            single >= SINGLE_PER_S,
        ),
        Row("  h3 cell (resolution 9) per point, for scale", f"{singles / h3_s:,.0f} points/s"),
    ]


def run(ctx) -> list[Row]:
    return measure(boundaries())
