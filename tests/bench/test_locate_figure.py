"""Smoke run of the point → grid figure on the scale-1 demo boundaries (no database, a second or two)."""

import pytest
import shapely

from bench.figures import locate
from bench.measure import Row

pytestmark = pytest.mark.one_run  # no database of the run: the SQLite run is enough


def test_the_locate_figure_measures_batch_single_and_h3_against_raw_strtree():
    from wangge.regions import demo

    root = demo.build_tree(seed=2026, scale=1)
    rows = [(n.code, str(n.level), shapely.to_wkb(n.geom)) for n in demo._walk(root)]
    out = locate.measure(rows, points=2000, singles=300, repeat=1)
    assert [type(r) for r in out] == [Row, Row, Row]
    batch, single, h3 = out
    assert batch.figure.startswith("point → grid, batch of 2,000 (300 grids")
    assert batch.baseline.endswith("raw STRtree query") and batch.passed is not None
    assert single.target == "≥ 40,000/s" and single.passed is not None
    assert h3.value.endswith("points/s")
