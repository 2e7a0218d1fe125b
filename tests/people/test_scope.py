"""Scope: gridworker1 serves GRID_1, gridworker2 GRID_2. A row out of reach answers 404 like an absent
one and is missing from every list, search, count and export."""

import io

import pytest
from openpyxl import load_workbook

from tests.people.conftest import GRID_1, GRID_2, point_in
from wangge.people import services
from wangge.regions.models import Region


def exported_names(content: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return {row[0] for row in list(sheet.iter_rows(values_only=True))[2:]}


@pytest.mark.parametrize(
    "path",
    [
        "/persons/{p2}",
        "/persons/{p2}/labels",
        "/households/{h2}",
        "/houses/{house2}",
        "/buildings/{b2}",
        "/buildings/{b2}/cells",
    ],
)
def test_details_of_another_grid_are_404(ledger, caller, path):
    url = path.format(p2=ledger.person2.pk, h2=ledger.household2.pk, house2=ledger.house2.pk, b2=ledger.building2.pk)
    response = caller("gridworker1").get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}
    assert caller("community1").get(url).status_code == 200


def test_writes_to_another_grid_are_404(ledger, caller):
    assert caller("gridworker1").patch(f"/persons/{ledger.person2.pk}", {"note": "x"}).status_code == 404
    assert caller("gridworker1").patch(f"/houses/{ledger.house2.pk}", {"use": "rented"}).status_code == 404
    assert caller("gridworker1").post(f"/persons/{ledger.person2.pk}/labels", {"kind": "veteran"}).status_code == 404


def test_lists_and_searches_leave_the_other_grid_out(ledger, caller):
    worker = caller("gridworker1")
    names = {p["name"] for p in worker.get("/persons", {"size": 100}).json()["items"]}
    assert {"王建国", "李秀英"} <= names
    assert "赵敏" not in names
    assert worker.post("/persons/search", {"id_number": ledger.id2}).json()["count"] == 0
    assert worker.post("/persons/search", {"phone": ledger.phone2}).json()["count"] == 0
    assert worker.post("/persons/search", {"name": "赵敏"}).json()["count"] == 0
    assert caller("gridworker2").post("/persons/search", {"id_number": ledger.id2}).json()["count"] == 1
    household_ids = {h["id"] for h in worker.get("/households", {"size": 100}).json()["items"]}
    assert ledger.household1.pk in household_ids
    assert ledger.household2.pk not in household_ids
    building_ids = {b["id"] for b in worker.get("/buildings", {"size": 100}).json()["items"]}
    assert ledger.building1.pk in building_ids
    assert ledger.building2.pk not in building_ids


def test_a_region_filter_outside_the_reach_gives_nothing(ledger, caller):
    assert caller("gridworker1").get("/persons", {"region": GRID_2}).json()["count"] == 0
    assert caller("community1").get("/persons", {"region": GRID_2}).json()["count"] >= 1


def test_label_counts_count_only_the_reach(ledger, caller):
    from wangge.people import services as people_services

    people_services.add_label(actor=ledger.worker2, person=ledger.person2, kind="veteran", details={})
    mine = {c["kind"]: c["count"] for c in caller("gridworker1").get("/label-counts").json()}
    theirs = {c["kind"]: c["count"] for c in caller("gridworker2").get("/label-counts").json()}
    assert theirs["veteran"] >= 1
    assert mine["disability"] >= 1
    community = caller("community1")
    assert {c["kind"]: c["count"] for c in community.get("/label-counts", {"region": GRID_1}).json()} == mine
    assert {c["kind"]: c["count"] for c in community.get("/label-counts", {"region": GRID_2}).json()} == theirs
    assert {c["count"] for c in caller("gridworker1").get("/label-counts", {"region": GRID_2}).json()} == {0}


def test_exports_hold_only_the_reach(ledger, caller, browser):
    api_names = exported_names(caller("gridworker1").post("/ledgers/persons/export", {}).content)
    page_names = exported_names(browser("gridworker1").post("/people/export/persons/", {"page": 1}).content)
    for names in (api_names, page_names):
        assert "王建国" in names
        assert "赵敏" not in names
    assert "赵敏" in exported_names(caller("community1").post("/ledgers/persons/export", {}).content)


@pytest.mark.parametrize(
    "path",
    [
        "/people/persons/{p2}/",
        "/people/persons/{p2}/edit/",
        "/people/households/{h2}/",
        "/people/houses/{house2}/",
        "/people/buildings/{b2}/",
        "/people/buildings/{b2}/edit/",
    ],
)
def test_pages_of_another_grid_are_404(ledger, browser, path):
    url = path.format(p2=ledger.person2.pk, h2=ledger.household2.pk, house2=ledger.house2.pk, b2=ledger.building2.pk)
    assert browser("gridworker1").get(url).status_code == 404
    assert browser("gridworker2").get(url).status_code == 200


def test_the_page_search_finds_nobody_out_of_reach(ledger, browser):
    page = browser("gridworker1").post("/people/persons/", {"number": ledger.id2, "page": 1}).content.decode()
    assert "赵敏" not in page
    assert "No person matches." in page
    page = browser("gridworker2").post("/people/persons/", {"number": ledger.id2, "page": 1}).content.decode()
    assert "赵敏" in page


def test_placing_a_record_in_another_grid_is_refused(ledger, caller):
    lon, lat = point_in(GRID_2)
    response = caller("gridworker1").post("/buildings", {"name": "越界楼", "lon": lon, "lat": lat})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "lon", "message": "This point lies outside the grids you serve."}]
    response = caller("gridworker1").post(
        "/persons", {"name": "越界", "id_number": ledger.id2[:-1] + "0", "house_id": ledger.house2.pk}
    )
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert "house" in fields or "id_number" in fields
    ok = services.create_building(
        actor=ledger.worker2,
        data={"name": "界内楼", "lon": lon, "lat": lat, "floors": 1, "units": 1, "rooms_per_floor": 1},
    )
    assert ok.region_path.startswith(Region.objects.get(code=GRID_2).path)
