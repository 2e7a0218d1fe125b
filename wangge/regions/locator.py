"""Point → region lookup over an STRtree of every boundary, cached per process.

The deepest region containing the point wins; on a shared edge between siblings the smaller code
wins, so the answer never depends on the order rows were loaded. Each process rebuilds its tree when
the ``BoundaryVersion`` counter moves (checked at most every REGION_LOCATOR_CHECK_SECONDS).
"""

import json
import threading
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from django.conf import settings
from shapely import STRtree

from wangge.regions.models import BoundaryVersion, Region


@dataclass(frozen=True)
class RegionLocator:
    tree: STRtree
    region_ids: np.ndarray  # tree index → region id
    ranks: np.ndarray  # tree index → preference (lower wins): deepest first, then smallest code
    version: int

    @classmethod
    def build(cls, version: int = 0) -> "RegionLocator":
        rows = list(
            Region.objects.filter(is_active=True, boundary__isnull=False)
            .values_list("id", "code", "depth", "boundary")
            .iterator(chunk_size=2000)
        )
        geoms = shapely.from_geojson([json.dumps(b) for *_, b in rows]) if rows else np.array([])
        order = sorted(range(len(rows)), key=lambda i: (-rows[i][2], rows[i][1]))
        ranks = np.empty(len(rows), dtype=np.int64)
        ranks[order] = np.arange(len(rows))
        return cls(
            tree=STRtree(geoms),
            region_ids=np.array([r[0] for r in rows], dtype=np.int64),
            ranks=ranks,
            version=version,
        )

    def locate(self, lon: float, lat: float) -> int | None:
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        if len(hits) == 1:
            return int(self.region_ids[hits[0]])
        return int(self.region_ids[hits[np.argmin(self.ranks[hits])]])

    @cached_property
    def _ids_by_rank(self) -> np.ndarray:
        """Region id for each rank (ranks are a permutation of the tree indexes)."""
        by_rank = np.empty(len(self.ranks), dtype=np.int64)
        by_rank[self.ranks] = self.region_ids
        return by_rank

    def locate_many(self, lons, lats) -> np.ndarray:
        """Region ids for many points at once (-1 where no region contains the point).

        The best (lowest) rank per point in one linear pass over the hits, grouped by point: no sort
        of all hits, so a batch costs little more than Shapely's own query (bench figure ``locate``).
        """
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        result = np.full(len(points), -1, dtype=np.int64)
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        if len(point_idx) == 0:
            return result
        ranks = self.ranks[tree_idx]
        if (np.diff(point_idx) < 0).any():  # Shapely returns hits grouped by point; do not rely on it
            order = np.argsort(point_idx, kind="stable")
            point_idx, ranks = point_idx[order], ranks[order]
        starts = np.flatnonzero(np.r_[True, point_idx[1:] != point_idx[:-1]])
        result[point_idx[starts]] = self._ids_by_rank[np.minimum.reduceat(ranks, starts)]
        return result


_lock = threading.Lock()
_cached: RegionLocator | None = None
_checked_at = 0.0


def current_version() -> int:
    row = BoundaryVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def get_locator() -> RegionLocator:
    global _cached, _checked_at
    now = time.monotonic()
    if _cached is not None and now - _checked_at < settings.REGION_LOCATOR_CHECK_SECONDS:
        return _cached
    version = current_version()
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = RegionLocator.build(version)
        _checked_at = now
    return _cached


def forget_locator() -> None:
    """Drop this process's tree at once (other processes notice the version counter)."""
    global _cached, _checked_at
    with _lock:
        _cached = None
        _checked_at = 0.0


def locate_region(lon: float, lat: float) -> Region | None:
    region_id = get_locator().locate(lon, lat)
    return Region.objects.filter(pk=region_id).first() if region_id else None
