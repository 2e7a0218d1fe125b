"""The statistics: the cube and the fine table give the same table for every grouping and filter, the
status breakdown adds up, and the Excel export holds the numbers of the page."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.dashboard import test_rollups_equal_raw as walker
from tests.dashboard.helpers import STREET_1
from wangge.accounts.models import Department
from wangge.assessment.models import Indicator
from wangge.cases.models import Category
from wangge.dashboard import statistics
from wangge.regions.models import Region
from wangge.rollups.selectors import region_node

START, END = date(2026, 11, 1), date(2026, 12, 31)


@pytest.fixture
def cases(db):
    walker.walk(11, count=18)


def _table(node, filters):
    rows, total = statistics.table(node, filters)
    return [(r.key, r.label, {k: v for k, v in r.counters.items() if v}) for r in rows], dict(total.counters)


@pytest.mark.parametrize("group", list(statistics.GROUPS))
def test_the_cube_and_the_fine_table_agree(cases, monkeypatch, group):
    node = region_node(Region.objects.get(code=STREET_1))
    category = Category.objects.get(code="9901")
    department = Department.objects.get(code=Department.objects.order_by("code").first().code)
    for filters in (
        statistics.Filters(START, END, group=group),
        statistics.Filters(START, END, category=category, group=group),
        statistics.Filters(START, END, category=category.parent, group=group),
        statistics.Filters(START, END, source="patrol", group=group),
        statistics.Filters(START, END, department=department, group=group),
    ):
        from_cube = _table(node, filters)
        monkeypatch.setattr(statistics, "USE_CUBE", False)
        from_fine = _table(node, filters)
        monkeypatch.setattr(statistics, "USE_CUBE", True)
        assert from_cube == from_fine, (group, filters)


def test_the_status_rows_add_up_to_the_reports(cases):
    node = region_node(Region.objects.get(code=STREET_1))
    rows, total = statistics.table(node, statistics.Filters(START, END, group="status"))
    assert sum(r.counters[f"st_{r.key}"] for r in rows) == total.counters["reported"] > 0


@pytest.mark.parametrize("group", ["category", "region", "status", "day"])
def test_the_excel_export_holds_the_numbers_of_the_page(cases, browser_client, group):
    client = browser_client("leader", language="en")
    query = f"region={STREET_1}&date_from={START}&date_to={END}&group={group}"
    page = client.get(f"/dashboard/stats/?{query}")
    assert page.status_code == 200
    export = client.get(f"/dashboard/stats/?{query}&format=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    rows = page.context["rows"]
    assert len(values) == len(rows) + 1  # the rows and the total
    for row, line in zip([*rows, page.context["total"]], values, strict=True):
        assert line[0] == row["label"]
        assert line[1 : 1 + len(row["cells"])] == [cell["value"] for cell in row["cells"]]
        if group != "status":
            rates = [None if v.value is None else round(v.value * 100, 2) for v in row["rates"]]
            assert line[1 + len(row["cells"]) :] == rates


def test_unknown_filters_are_400_naming_the_field(api):
    client = api("leader")
    assert client.get("/dashboard/statistics?category=0000").json()["errors"][0]["field"] == "category"
    assert client.get("/dashboard/statistics?source=pigeon").json()["errors"][0]["field"] == "source"
    assert (
        client.get("/dashboard/statistics?date_from=2026-02-01&date_to=2026-01-01").json()["errors"][0]["field"]
        == "date_from"
    )
    assert client.get("/dashboard/statistics?group=weather").status_code == 422


def test_the_api_answers_the_rates_shown_and_leaves_out_one_switched_off(cases, api):
    query = f"/dashboard/statistics?region={STREET_1}&date_from={START}&date_to={END}"
    body = api("leader").get(query).json()
    assert list(body["total"]["counts"]) == [key for key, _label, _figure in statistics.COUNTS]
    assert set(body["total"]["rates"]) == set(statistics.RATES)
    Indicator.objects.filter(code="rework_rate").update(is_active=False)
    body = api("leader").get(query).json()
    assert body["rows"]
    for row in [*body["rows"], body["total"]]:
        assert set(row["rates"]) == set(statistics.RATES) - {"rework_rate"}
