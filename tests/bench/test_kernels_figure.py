"""A small run of the ``kernels`` figure (suggester training, working-day deadlines, the demo tree's
checks): each row measured against its same-run baseline, with a target and a verdict."""

from bench.figures import kernels


def test_suggester_training_is_measured_against_one_plain_fit():
    row = kernels.suggester_training(repeat=1)
    assert row.figure.startswith("suggester training on 600 examples")
    assert row.value.endswith(" s") and row.baseline.endswith("one TF-IDF + SVM fit")
    assert row.ratio.endswith("×") and row.target == "< 2 s" and row.passed is not None


def test_the_deadline_is_measured_against_the_library_day_by_day(db):
    row = kernels.working_day_deadline(calls=20, repeat=1)
    assert row.value.endswith(" µs") and row.baseline.endswith("chinese_calendar day by day")
    assert row.ratio.endswith("×") and row.target == "< 300 µs" and row.passed is not None


def test_the_tree_checks_cover_every_child_of_the_demo_town():
    row = kernels.region_tree_checks(repeat=1)
    assert row.figure.startswith("demo tree check (1,829 boundaries")
    assert row.baseline.endswith("within/intersects on the same pairs")
    assert row.ratio.endswith("×") and row.target == "< 5 s" and row.passed is not None
