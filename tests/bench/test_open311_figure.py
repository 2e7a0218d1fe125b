"""Smoke run of the Open311 figure inside the test database: a few hundred generated cases, each variant
once; the query count must not depend on how many requests an answer holds."""

from bench import datagen
from bench.figures import open311


def test_the_open311_figure_times_the_reads_and_counts_queries(db, monkeypatch):
    monkeypatch.setattr(datagen, "bulk_load_settings", lambda: None)  # SQLite pragmas refuse to run in a transaction
    datagen.generate_cases(300, seed=5, log=lambda *a: None)
    rows = open311.run({"repeat": 1, "args": None})
    head = rows[0]
    assert head.figure.startswith("Open311 GET /open311/v2/requests.json, 90-day window (")
    assert head.target == "< 100 ms" and head.passed is not None
    assert "(0 requests)" not in head.figure
    counts = rows[-1]
    assert counts.figure.startswith("  Open311 queries per answer of")
    assert counts.passed is True, counts.value
