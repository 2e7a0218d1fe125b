"""The suggester figure reports top-1 and top-3 on the held-out split, overall and by register, against the
targets, with the training time and the time of one suggestion beside them."""

import pytest

from bench.figures import suggester

pytestmark = pytest.mark.one_run  # no database of the run: the SQLite run is enough


def test_the_suggester_figure_reports_every_register_against_the_targets():
    rows = suggester.run({"repeat": 4})
    names = [row.figure.split(" (")[0] for row in rows[:8]]
    assert names == [
        f"suggester {measure} · {group}"
        for group in ("all", "residents", "grid workers", "hotline")
        for measure in ("top-1", "top-3")
    ]
    assert [row.target for row in rows[:8]] == ["≥ 80 %", "≥ 92 %"] * 4
    assert all(row.passed for row in rows[:8]), [(row.figure, row.value) for row in rows[:8]]
    assert rows[8].figure.startswith("suggester: train on ") and rows[8].value.endswith(" s")
    assert rows[9].figure == "suggester: one suggestion, p50 / p95" and rows[9].passed is None
