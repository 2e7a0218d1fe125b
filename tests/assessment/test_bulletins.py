"""Monthly bulletins: generated on demand and on schedule, visible inside the reach only, and the Excel
download opens and holds the numbers the page shows."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.dashboard import timelines
from wangge.assessment import services
from wangge.assessment.excel import bulletin_view
from wangge.assessment.models import Bulletin
from wangge.regions.models import Region

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def bulletin(flow, user):
    timelines.build(flow)
    street = Region.objects.get(code="329901001000")
    return services.generate_bulletin(actor=user("leader"), region=street, start=MARCH[0], end=MARCH[1])


def test_the_bulletin_freezes_the_rankings(bulletin):
    data = bulletin.data
    assert bulletin.title == "湖滨街道 assessment bulletin, 2026-03"
    assert data["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert data["total"]["values"]["response_rate"]["numerator"] == 7
    assert data["total"]["values"]["response_rate"]["denominator"] == 8
    assert data["total"]["score"] == pytest.approx(78.75)
    # The communities of the street, ranked: the one with the eight cases and the rest without a score.
    assert [u["rank"] for u in data["units"]] == list(range(1, len(data["units"]) + 1))
    assert data["units"][0]["code"] == "329901001001"
    assert all(u["score"] is None for u in data["units"][1:])
    people = {p["code"]: p for p in data["people"]}
    assert people["gridworker1"]["points"] == timelines.EXPECTED_POINTS["gridworker1"]
    assert data["people"][0]["code"] == "gridworker1"


def test_the_excel_holds_the_numbers_of_the_page(bulletin, browser_client):
    client = browser_client("leader", language="en")
    page = client.get(f"/assessment/bulletins/{bulletin.pk}/")
    assert page.status_code == 200
    view = page.context["view"]
    html = page.content.decode()
    download = client.get(f"/assessment/bulletins/{bulletin.pk}/xlsx/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="bulletin-329901001000-202603.xlsx"'
    book = load_workbook(BytesIO(download.content))

    ranking = [[c.value for c in row] for row in book["Ranking"].iter_rows(min_row=4)]
    assert len(ranking) == len(view["ranking"])
    for row, line in zip(view["ranking"], ranking, strict=True):
        assert line[:4] == [row["rank"], row["name"], row["code"], row["score"]]
        assert line[5:] == [cell["pct"] for cell in row["weighted_cells"]]

    for table in view["tables"]:
        sheet = book[table["item"]["label"][:31]]
        lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
        assert lines == [[r["name"], r["cell"]["num"], r["cell"]["den"], r["cell"]["pct"]] for r in table["rows"]]
        for r in table["rows"]:
            if r["cell"]["pct"] is not None:
                assert f">{r['cell']['pct']}<" in html  # the page prints the same rounded value

    people = [[c.value for c in row] for row in book["Grid workers"].iter_rows(min_row=2)]
    assert [(p[0], p[1], p[2]) for p in people] == [(r["rank"], r["name"], r["points"]) for r in view["people"]]


def test_every_bulletin_number_opens_its_cases(bulletin, api, browser_client):
    client = api("leader")
    view = bulletin_view(bulletin)
    checked = 0
    for table in view["tables"]:
        for row in table["rows"]:
            for key, link in (("num", row["cell"]["num_link"]), ("den", row["cell"]["den_link"])):
                if not link or not row["cell"][key]:
                    continue
                body = client.get("/dashboard/cases?" + link.split("?", 1)[1]).json()
                assert body["total"] == row["cell"][key], (table["item"]["code"], row["name"], key)
                checked += 1
    pages = browser_client("leader", language="en")
    for row in view["people"]:
        for figure in ("reports", "valid_reports", "solved_in_grid", "verifications"):
            expected = row["solved_in_grid"] if figure == "solved_in_grid" else row["counters"].get(figure, 0)
            page = pages.get(row["links"][figure])
            assert page.status_code == 200
            assert page.context["found"].total == expected == sum(case.times for case in page.context["cases"])
            checked += 1
    assert checked > 40


def test_the_schedule_makes_last_months_bulletins_for_districts_and_streets(db):
    made = services.generate_monthly(today=date(2026, 12, 1))
    levels = sorted({b.region.level for b in made})
    assert levels == ["district", "street"]
    assert {(b.period_start, b.period_end) for b in made} == {NOVEMBER}
    again = services.generate_monthly(today=date(2026, 12, 1))
    assert Bulletin.objects.count() == len(made) == len(again)  # regenerated in place


def test_only_those_who_manage_may_generate_and_only_inside_their_reach(api, db):
    assert (
        api("gridworker1").post("/assessment/bulletins", {"region": "329901001001001", "month": "2026-11"}).status_code
        == 403
    )
    assert (
        api("leader").post("/assessment/bulletins", {"region": "329901002000", "month": "2026-11"}).status_code == 404
    )
    created = api("leader").post("/assessment/bulletins", {"region": "329901001000", "month": "2026-11"})
    assert created.status_code == 201
    bulletin_id = created.json()["id"]
    assert api("leader").get(f"/assessment/bulletins/{bulletin_id}").status_code == 200
    assert api("community1").get(f"/assessment/bulletins/{bulletin_id}").status_code == 404
    assert api("resident1").get(f"/assessment/bulletins/{bulletin_id}").status_code == 404
    assert api("admin").get(f"/assessment/bulletins/{bulletin_id}").status_code == 200
    assert (
        api("leader").post("/assessment/bulletins", {"region": "329901001000", "month": "2026-13"}).status_code == 400
    )


def test_the_bulletin_pages_answer_404_outside_the_reach(bulletin, browser_client):
    assert browser_client("community1").get(f"/assessment/bulletins/{bulletin.pk}/").status_code == 404
    assert browser_client("community1").get(f"/assessment/bulletins/{bulletin.pk}/xlsx/").status_code == 404
    assert browser_client("dutychief").get(f"/assessment/bulletins/{bulletin.pk}/xlsx/").status_code == 200
    response = browser_client("leader").post(
        "/assessment/bulletins/generate/", {"region": "329901002000", "month": "2026-11"}
    )
    assert response.status_code == 404


def test_the_periodic_task_is_scheduled_for_the_first_of_the_month(db):
    from datetime import datetime

    from wangge.assessment.tasks import monthly_bulletins

    runs_at = monthly_bulletins.task_class().validate_datetime
    assert runs_at(datetime(2026, 12, 1, 1, 30))
    assert not runs_at(datetime(2026, 12, 2, 1, 30))
    assert monthly_bulletins.call_local() == Bulletin.objects.count() > 0


def test_the_rebuild_command_reports_what_it_wrote(flow):
    from io import StringIO

    from django.core.management import call_command

    timelines.build(flow)
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "8 cases" in out.getvalue() or "8 个案件" in out.getvalue()
