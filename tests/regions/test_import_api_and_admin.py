"""POST /regions/import, GET /regions/{code}/export.geojson and the admin import page."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.regions.helpers import FRESH, square
from wangge.regions.models import Region


def _feature(code, name, level, parent_code=None, geometry=None):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent_code},
        "geometry": geometry,
    }


VALID = {
    "type": "FeatureCollection",
    "features": [
        _feature("329700000000", "南方市", "city", None, square(90, 10, 91, 11)),
        _feature("329701000000", "南方区", "district", "329700000000", square(90, 10, 91, 11)),
    ],
}
ONE_BAD = {
    "type": "FeatureCollection",
    "features": [*VALID["features"], _feature("329701001000", "无形街道", "street", "329701000000", {"type": "Point"})],
}


def test_a_dry_run_through_the_api_returns_the_report_and_writes_nothing(api):
    before = Region.objects.count()
    response = api("admin").post("/regions/import?dry_run=true", ONE_BAD)
    assert response.status_code == 200
    assert response.json() == {
        "total": 3,
        "created": 0,
        "dry_run": True,
        "ok": False,
        "problems": [
            {
                "index": 2,
                "code": "329701001000",
                "field": "boundary",
                "message": "The boundary must be a Polygon or MultiPolygon, not Point.",
            }
        ],
    }
    assert Region.objects.count() == before


def test_the_api_runs_dry_unless_told_otherwise(api):
    before = Region.objects.count()
    response = api("admin").post("/regions/import", VALID)
    assert response.json() == {"total": 2, "created": 0, "dry_run": True, "ok": True, "problems": []}
    assert Region.objects.count() == before


def test_a_real_run_through_the_api_writes_all(api):
    before = Region.objects.count()
    response = api("admin").post("/regions/import?dry_run=false", VALID)
    assert response.status_code == 200
    assert response.json() == {"total": 2, "created": 2, "dry_run": False, "ok": True, "problems": []}
    assert Region.objects.count() == before + 2


def test_a_real_run_with_a_bad_feature_is_400_and_writes_nothing(api):
    before = Region.objects.count()
    response = api("admin").post("/regions/import?dry_run=false", ONE_BAD)
    assert response.status_code == 400
    body = response.json()
    assert (body["created"], body["dry_run"], body["ok"]) == (0, False, False)
    assert [(p["index"], p["field"]) for p in body["problems"]] == [(2, "boundary")]
    assert Region.objects.count() == before


@pytest.mark.parametrize("persona", ["gridworker1", "community1", "leader", "department1", "resident1"])
def test_only_an_administrator_may_import(api, persona):
    response = api(persona).post("/regions/import?dry_run=true", VALID)
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not change the region tree.", "errors": []}


def test_import_requires_a_token(api):
    assert api().post("/regions/import?dry_run=true", VALID).status_code == 401


def test_an_import_body_that_is_not_an_object_is_422_naming_body(api):
    response = api("admin").client.post(
        "/api/v1/regions/import?dry_run=true", "[1, 2]", content_type="application/json", **api("admin").headers
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "Must be an object."}]


def test_the_export_api_matches_the_import_format(api, fresh_tree):
    response = api("admin").get(f"/regions/{FRESH['community']}/export.geojson", {"depth": 1})
    assert response.status_code == 200
    data = response.json()
    assert [f["properties"]["code"] for f in data["features"]] == [FRESH["community"], FRESH["grid"]]
    assert data["features"][1]["properties"] == {
        "code": FRESH["grid"],
        "name": "试验网格",
        "level": "grid",
        "parent_code": FRESH["community"],
        "households": 0,
        "population": 0,
        "special_kind": "",
    }
    everything = api("admin").get(f"/regions/{FRESH['community']}/export.geojson").json()
    assert [f["id"] for f in everything["features"]] == [FRESH[k] for k in ("community", "grid", "west", "east")]


def test_the_export_api_carries_special_kinds_and_households(api):
    special = Region.objects.filter(level="special_grid").order_by("code").first()
    feature = api("admin").get(f"/regions/{special.code}/export.geojson", {"depth": 0}).json()["features"][0]
    assert feature["properties"]["special_kind"] == special.special_kind
    assert feature["properties"]["special_kind"] != ""
    assert feature["properties"]["households"] == special.household_count
    assert feature["geometry"] == special.boundary


# --- the admin page --------------------------------------------------------------------------------


def _upload(data) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "regions.geojson", json.dumps(data, ensure_ascii=False).encode(), content_type="application/geo+json"
    )


def test_the_admin_import_page_shows_the_form(browser_client):
    response = browser_client("admin", language="en").get("/admin/regions/region/import/")
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "dry_run" in response.context["form"].fields


def test_the_admin_import_page_runs_a_dry_run(browser_client):
    before = Region.objects.count()
    client = browser_client("admin", language="en")
    response = client.post("/admin/regions/region/import/", {"file": _upload(ONE_BAD), "dry_run": "on"})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.total, report.created, report.dry_run) == (3, 0, True)
    assert [(p.index, p.code, p.field) for p in report.problems] == [(2, "329701001000", "boundary")]
    assert "The boundary must be a Polygon or MultiPolygon, not Point." in response.content.decode()
    assert Region.objects.count() == before


def test_the_admin_import_page_says_a_clean_dry_run_is_valid(browser_client):
    client = browser_client("admin", language="en")
    response = client.post("/admin/regions/region/import/", {"file": _upload(VALID), "dry_run": "on"})
    assert [str(m) for m in response.context["messages"]] == ["All 2 features are valid. Untick dry run to write them."]


def test_the_admin_import_page_writes_without_dry_run(browser_client):
    before = Region.objects.count()
    client = browser_client("admin", language="en")
    response = client.post("/admin/regions/region/import/", {"file": _upload(VALID)})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["2 regions were created."]
    assert Region.objects.count() == before + 2


def test_the_admin_import_page_refuses_a_file_that_is_not_json(browser_client):
    client = browser_client("admin", language="en")
    upload = SimpleUploadedFile("broken.geojson", b"{not json", content_type="application/geo+json")
    response = client.post("/admin/regions/region/import/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("The file is not valid JSON: ")
    assert response.context["report"] is None


def test_the_admin_import_page_is_not_for_non_staff(browser_client):
    response = browser_client("gridworker1", language="en").get("/admin/regions/region/import/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
