"""Smoke runs of the Excel-import figure (a few hundred persons, rolled back) and of the city figure's
arithmetic and wiring (the real city generation takes minutes: not a test)."""

import argparse

import pytest

from bench.figures import city, excel
from wangge.dashboard.management.commands import demo
from wangge.people.models import Person


def test_the_excel_figure_imports_a_generated_workbook_and_leaves_nothing_behind(db):
    before = Person.objects.count()
    rows = excel.measure(rows=300)
    assert len(rows) == 1
    assert rows[0].figure.startswith("Excel import of 300 persons")
    assert rows[0].value.endswith(")") and "rows/s" in rows[0].value
    assert rows[0].baseline.endswith("openpyxl read-only alone")
    assert Person.objects.count() == before


def test_the_city_figure_extrapolates_the_growing_phases_only(monkeypatch):
    phases = {"regions": 30.0, "accounts": 10.0, "people": 2.0, "cases": 20.0, "rollups": 8.0}
    monkeypatch.setattr(city, "generate", lambda args, fraction: (phases, 75.0, "SQLite"))
    rows = city.run({"args": argparse.Namespace(city_fraction=0.01, only=["city"])})
    assert rows[0].figure.startswith("wangge demo --scale city at 1% (10,000 persons, 50,000 cases")
    # fixed 75 - 30 = 45 s, growing 30 s × 100 = 3,000 s: 3,045 s ≈ 51 min
    assert rows[1].value == "51 min" and rows[1].passed is False
    assert "extrapolated" in rows[1].figure


def test_the_city_figure_only_runs_when_asked_for(monkeypatch):
    monkeypatch.setattr(city, "generate", lambda args, fraction: pytest.fail("generated"))
    rows = city.run({"args": argparse.Namespace(city_fraction=0.01, only=[])})
    assert rows[0].value == "python -m bench --only city [--city-fraction 1]" and rows[0].passed is None


def test_scale_city_means_ten_thousand_grids_a_million_persons_five_million_cases():
    assert demo.scale_arg("city") == "city" and demo.scale_arg("3") == 3
    assert (demo.CITY_SCALE, demo.CITY_PEOPLE, demo.CITY_CASES, demo.CITY_DAYS) == (34, 1_000_000, 5_000_000, 1095)
    with pytest.raises(ValueError):
        demo.scale_arg("town")


def test_city_cases_go_through_the_bench_bulk_writer_over_three_years(monkeypatch):
    from bench import datagen

    calls = []
    monkeypatch.setattr(datagen, "generate_cases", lambda count, **kw: calls.append((count, kw["days"], kw["seed"])))
    assert demo.bulk_cases(123, seed=9, days=demo.CITY_DAYS) == 123
    assert calls == [(123, 1095, 9)]
