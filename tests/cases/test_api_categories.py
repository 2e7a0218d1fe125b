"""GET /categories (the catalogue tree), GET /categories/suggest and GET /cases/nearby."""

import json

import pytest

from tests.cases.conftest import GRID_1, GRID_2, point_in
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.catalogue import read_catalogue
from wangge.cases.models import Category


def test_the_catalogue_is_a_tree_of_classes_and_sub_classes(caller):
    response = caller("resident1").get("/categories")
    assert response.status_code == 200
    tree = response.json()
    shipped = read_catalogue()
    assert [c["code"] for c in tree] == sorted(c["code"] for c in shipped["classes"])
    assert sum(len(c["subclasses"]) for c in tree) == Category.objects.filter(parent__isnull=False).count()
    first = next(c for c in tree if c["code"] == "06")
    assert first["kind"] == "event" and first["kind_label"] == "City event (事件)"
    sub = next(s for s in first["subclasses"] if s["code"] == "0601")
    assert sub["name"] == "暴露垃圾"
    assert sub["on_spot"] is True
    assert sub["department_kind"] == "city_management"
    assert sub["department_label"] == "City management (城管)"
    assert sub["level"] == "grid"
    assert sub["evidence"] == ["photo_before", "photo_after"]
    assert set(sub["limits"]) == {"accept", "sign", "handle", "verify"}


def test_an_inactive_category_leaves_the_catalogue(caller):
    Category.objects.filter(code="0601").update(is_active=False)
    tree = caller("resident1").get("/categories").json()
    codes = {s["code"] for c in tree for s in c["subclasses"]}
    assert "0601" not in codes and "0602" in codes


@pytest.fixture
def around(report):
    """Three open cases in grid 1 at one point, one closed there, one in grid 2."""
    lon, lat = point_in(GRID_1)
    near = report("resident1", description="路边堆了一大堆建筑渣土", lon=lon, lat=lat)
    other_text = report("resident1", description="有人乱倒垃圾", lon=lon + 0.0003, lat=lat)
    other_category = report("resident1", category="0108", description="路灯不亮", lon=lon, lat=lat)
    closed = report("resident1", description="路边堆了一大堆建筑渣土", lon=lon, lat=lat)
    services.transition(closed, "reject", actor=User.objects.get(username="operator"), opinion="重复")
    far = report("resident1", grid=GRID_2, description="路边堆了一大堆建筑渣土")
    return {
        "lon": lon,
        "lat": lat,
        "near": near,
        "other_text": other_text,
        "other_category": other_category,
        "closed": closed,
        "far": far,
    }


def test_nearby_ranks_open_cases_of_the_category_by_distance_and_text(caller, around):
    response = caller("operator").get(
        "/cases/nearby",
        {"lon": around["lon"], "lat": around["lat"], "category": "0602", "text": "路边一大堆建筑渣土"},
    )
    assert response.status_code == 200, response.content
    ranked = response.json()
    assert [r["number"] for r in ranked] == [around["near"].number, around["other_text"].number]
    best, second = ranked
    assert best["distance_m"] == 0.0 and best["similarity"] > second["similarity"]
    assert 20 < second["distance_m"] < 40
    assert best["score"] > second["score"]
    assert set(best) == {"number", "title", "status", "distance_m", "similarity", "score"}
    assert best["status"] == "reported"


def test_nearby_without_a_category_considers_every_category(caller, around):
    ranked = caller("operator").get("/cases/nearby", {"lon": around["lon"], "lat": around["lat"]}).json()
    numbers = {r["number"] for r in ranked}
    assert {around["near"].number, around["other_text"].number, around["other_category"].number} <= numbers
    assert around["closed"].number not in numbers and around["far"].number not in numbers


def test_nearby_checks_its_parameters(caller):
    client = caller("operator")
    response = client.get("/cases/nearby", {"lon": 121, "lat": 31, "category": "9999"})
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (400, ["category"])
    response = client.get("/cases/nearby", {"lon": 200, "lat": 31})
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (422, ["lon"])
    response = client.get("/cases/nearby", {"lat": 31})
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (422, ["lon"])


def test_the_openapi_document_describes_the_cases_endpoints(caller):
    document = json.loads(caller(None).client.get("/api/v1/openapi.json").content)
    paths = document["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/nearby",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/timeline",
        "/api/v1/cases/{number}/actions",
        "/api/v1/cases/{number}/photos",
        "/api/v1/categories",
        "/api/v1/categories/suggest",
    ):
        assert path in paths
    actions = paths["/api/v1/cases/{number}/actions"]["post"]["requestBody"]["content"]
    assert set(actions) == {"application/json", "multipart/form-data"}
    intake = paths["/api/v1/cases"]["post"]
    assert {} in intake["security"]  # anonymous allowed
    assert intake["parameters"][0]["name"] == "Idempotency-Key"


def test_suggest_ranks_sub_classes_for_a_description(caller):
    response = caller("resident1").get("/categories/suggest", {"text": "路边堆了一大堆建筑渣土，没人清运", "k": 3})
    assert response.status_code == 200, response.content
    ranked = response.json()
    assert len(ranked) == 3
    assert ranked[0]["code"] == "0602"
    assert ranked[0]["name"] == Category.objects.get(code="0602").name
    scores = [r["score"] for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert set(ranked[0]) == {"code", "name", "score"}


def test_suggest_leaves_out_inactive_categories(caller):
    text = {"text": "路边堆了一大堆建筑渣土，没人清运", "k": 3}
    Category.objects.filter(code="0602").update(is_active=False)
    ranked = caller("resident1").get("/categories/suggest", text).json()
    assert "0602" not in [r["code"] for r in ranked]
    assert len(ranked) == 3


def test_suggest_checks_its_parameters(caller):
    client = caller("resident1")
    assert client.get("/categories/suggest", {"text": "   "}).json() == []
    response = client.get("/categories/suggest")
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (422, ["text"])
    response = client.get("/categories/suggest", {"text": "渣土", "k": 21})
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (422, ["k"])
    assert len(client.get("/categories/suggest", {"text": "渣土"}).json()) == 5
    assert caller(None).get("/categories/suggest", {"text": "渣土"}).status_code == 401
