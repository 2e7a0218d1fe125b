"""locate_many picks the best-ranked region per point in one pass: the same answers as locate, whether
or not Shapely returns the hits grouped by point."""

import numpy as np
import shapely
from shapely import STRtree

from wangge.regions.locator import RegionLocator


def _nested_locator() -> RegionLocator:
    # A 4×4 grid of cells inside one big square; every cell outranks the square (deeper).
    cells = [shapely.box(x, y, x + 1, y + 1) for x in range(4) for y in range(4)]
    geoms = np.array([shapely.box(0, 0, 4, 4), *cells])
    ranks = np.array([len(cells), *range(len(cells))], dtype=np.int64)  # the big square ranks last
    ids = np.arange(100, 100 + len(geoms), dtype=np.int64)
    return RegionLocator(tree=STRtree(geoms), region_ids=ids, ranks=ranks, version=0)


def test_locate_many_matches_locate_on_edges_corners_and_outside():
    index = _nested_locator()
    rng = np.random.default_rng(3)
    lons = np.r_[rng.uniform(-1, 5, 500), [1, 2, 0, 4, -1]]  # shared edges, corners, outside
    lats = np.r_[rng.uniform(-1, 5, 500), [1, 2.5, 0, 4, -1]]
    expected = [index.locate(x, y) or -1 for x, y in zip(lons.tolist(), lats.tolist(), strict=True)]
    assert index.locate_many(lons, lats).tolist() == expected
    assert index.locate_many([], []).tolist() == []


def test_locate_many_does_not_rely_on_hits_grouped_by_point():
    index = _nested_locator()
    lons, lats = [0.5, 3.5, 9.0, 1.0], [0.5, 3.5, 9.0, 1.0]
    expected = [index.locate(x, y) or -1 for x, y in zip(lons, lats, strict=True)]
    query = index.tree.query

    def shuffled(points, predicate=None):
        point_idx, tree_idx = query(points, predicate=predicate)
        order = np.argsort(-tree_idx, kind="stable")  # hits no longer grouped by point
        return point_idx[order], tree_idx[order]

    scrambled = RegionLocator(
        tree=type("Tree", (), {"query": staticmethod(shuffled)})(),
        region_ids=index.region_ids,
        ranks=index.ranks,
        version=0,
    )
    assert scrambled.locate_many(lons, lats).tolist() == expected
