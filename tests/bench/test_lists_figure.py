"""Smoke run of the case-list figure inside the test database: a few hundred generated cases, every
user, filter and page once; the query counts must not depend on the page size."""

import pytest

from bench import datagen
from bench.figures import lists


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_the_lists_figure_times_api_and_pages_and_counts_queries(db, monkeypatch):
    monkeypatch.setattr(datagen, "bulk_load_settings", lambda: None)  # SQLite pragmas refuse to run in a transaction
    datagen.generate_cases(300, seed=5, log=lambda *a: None)
    rows = lists.run({"repeat": 1, "args": None})
    api = rows[0]
    assert api.figure.startswith("case list API GET /api/v1/cases, p95 over")
    assert api.target == "< 100 ms" and api.passed is not None
    assert any(r.figure.startswith("worklist page /cases/, p95 over") for r in rows)
    counts = rows[-1]
    assert counts.figure == "queries per list request at page size 5 / 100"
    assert counts.passed is True, counts.value
    assert "admin: API" in counts.value and "gridworker1: API" in counts.value
