"""Smoke run of the patrols figure in the test database (small numbers: it checks the figure's shape, not the
targets) and that it leaves no bench patrols behind."""

from bench.figures import patrols
from bench.measure import Row
from wangge.patrols.models import Patrol


def test_the_patrols_figure_measures_batches_clean_up_and_coverage_against_same_run_baselines(db):
    before = Patrol.objects.count()
    rows = patrols.measure(batches=3, existing=2000, repeat=2, per_day=20, days=3)
    assert [type(r) for r in rows] == [Row, Row, Row]
    batch, cleanup, coverage = rows
    assert batch.figure.startswith("patrol points: a batch of 1,000 stored") and "batches/s" in batch.figure
    assert batch.baseline.endswith("(the bytes written in one UPDATE)") and batch.target == "< 100 ms"
    assert batch.passed is not None
    assert cleanup.figure.startswith("track clean-up: 1,000 points appended to 2,000")
    assert cleanup.baseline.endswith("(every point re-checked)")
    assert coverage.figure.startswith("coverage map: a month of one street's tracks (60 patrols")
    assert "not covered" in coverage.figure and coverage.target == "< 300 ms" and coverage.passed is not None
    assert Patrol.objects.count() == before
