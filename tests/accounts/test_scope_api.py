"""Scope over the regions API: a region outside the caller's reach answers exactly like an absent one."""

import pytest

from tests.conftest import ApiClient
from wangge.accounts import services as account_services
from wangge.regions.models import Region

CITY = "329900000000"
DISTRICT = "329901000000"
STREET_1 = "329901001000"
STREET_2 = "329901002000"
COMMUNITY_1 = "329901001001"
COMMUNITY_2 = "329901001002"
GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
GRID_OTHER_COMMUNITY = "329901001002001"
GRID_OTHER_STREET = "329901002001001"
MICRO_IN_GRID_1 = "329901001001001003"
MICRO_IN_GRID_2 = "329901001001002001"

ENDPOINTS = {
    "detail": "/regions/{code}",
    "children": "/regions/{code}/children.geojson",
    "export": "/regions/{code}/export.geojson?depth=1",
    "list": "/regions?parent={code}",
}

# persona → {code: expected status}; every endpoint must agree.
REACH = {
    "gridworker1": {
        GRID_1: 200,
        MICRO_IN_GRID_1: 200,
        GRID_2: 404,
        MICRO_IN_GRID_2: 404,
        COMMUNITY_1: 404,
        GRID_OTHER_STREET: 404,
    },
    "gridworker2": {GRID_2: 200, GRID_1: 404},
    "community1": {COMMUNITY_1: 200, GRID_1: 200, GRID_2: 200, GRID_OTHER_COMMUNITY: 404, STREET_1: 404},
    "leader": {STREET_1: 200, GRID_OTHER_COMMUNITY: 200, STREET_2: 404, GRID_OTHER_STREET: 404, DISTRICT: 404},
    "resident1": {GRID_1: 200, MICRO_IN_GRID_1: 200, GRID_2: 404, COMMUNITY_1: 404},
    "department1": {DISTRICT: 200, STREET_2: 200, GRID_OTHER_STREET: 200, CITY: 404},
    "liaison1": {"329901001001001001": 200, MICRO_IN_GRID_1: 404, GRID_1: 404},
    "admin": {CITY: 200, DISTRICT: 200, GRID_2: 200, GRID_OTHER_STREET: 200},
    "nobody": {GRID_1: 404, DISTRICT: 404, CITY: 404},
}

CASES = [
    pytest.param(persona, endpoint, code, status, id=f"{persona}-{endpoint}-{code}-{status}")
    for persona, reach in REACH.items()
    for endpoint in ENDPOINTS
    for code, status in reach.items()
]


@pytest.fixture
def caller(user):
    """caller("gridworker1") → an ApiClient with a token issued directly (no Argon2 check per test)."""

    def make(persona: str) -> ApiClient:
        if persona == "nobody":
            account = account_services.create_user(actor=user("admin"), username="nobody", password=None)
        else:
            account = user(persona)
        key, _token = account_services.issue_token(user=account)
        return ApiClient(key)

    return make


@pytest.mark.parametrize(("persona", "endpoint", "code", "expected"), CASES)
def test_region_endpoints_answer_by_scope(caller, persona, endpoint, code, expected):
    response = caller(persona).get(ENDPOINTS[endpoint].format(code=code))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert ANSWER_ABOUT[endpoint](response.json()) == ANSWER_ABOUT[endpoint](_expected_body(endpoint, code))
    else:
        assert response.json() == {"detail": "Not found.", "errors": []}


# What each endpoint's answer is about: the region itself, or (for the list) its children.
ANSWER_ABOUT = {
    "detail": lambda body: body["code"],
    "children": lambda body: body["parent"]["id"],
    "export": lambda body: body["features"][0]["id"],
    "list": lambda body: [r["code"] for r in body["items"]],
}


def _expected_body(endpoint: str, code: str):
    if endpoint == "list":
        children = Region.objects.filter(parent__code=code, is_active=True).order_by("code")
        return {"items": [{"code": c} for c in children.values_list("code", flat=True)]}
    return {"code": code, "parent": {"id": code}, "features": [{"id": code}]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_absent_code_answers_like_an_out_of_scope_one(caller, endpoint):
    absent = caller("gridworker1").get(ENDPOINTS[endpoint].format(code="329901001001999"))
    hidden = caller("gridworker1").get(ENDPOINTS[endpoint].format(code=GRID_2))
    assert (
        (absent.status_code, absent.json())
        == (hidden.status_code, hidden.json())
        == (
            404,
            {"detail": "Not found.", "errors": []},
        )
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_callers_get_401_naming_authorization(api, endpoint):
    response = api().get(ENDPOINTS[endpoint].format(code=GRID_1))
    assert response.status_code == 401
    assert [e["field"] for e in response.json()["errors"]] == ["Authorization"]


def test_anonymous_callers_get_401_on_the_root_list_and_locate(api):
    assert api().get("/regions").status_code == 401
    assert api().get("/regions/locate", {"lon": 120.9, "lat": 31.4}).status_code == 401


def test_gridworker1_reads_their_own_grid_and_its_micro_grids(caller):
    client = caller("gridworker1")
    assert [r["code"] for r in client.get("/regions").json()["items"]] == [GRID_1]
    children = client.get("/regions", {"parent": GRID_1}).json()["items"]
    assert [r["code"] for r in children] == [f"{GRID_1}{i:03d}" for i in range(1, 6)]
    assert {r["level"] for r in children} == {"micro_grid"}
    geojson = client.get(f"/regions/{GRID_1}/children.geojson").json()
    assert [f["id"] for f in geojson["features"]] == [f"{GRID_1}{i:03d}" for i in range(1, 6)]
    assert client.get(f"/regions/{MICRO_IN_GRID_1}").json()["code"] == MICRO_IN_GRID_1


def test_community1_lists_exactly_the_grids_of_their_community(caller):
    listed = [r["code"] for r in caller("community1").get("/regions", {"parent": COMMUNITY_1}).json()["items"]]
    expected = list(
        Region.objects.filter(parent__code=COMMUNITY_1, is_active=True).order_by("code").values_list("code", flat=True)
    )
    assert listed == expected
    assert len(listed) == 12
    assert [r["code"] for r in caller("community1").get("/regions").json()["items"]] == [COMMUNITY_1]


def test_leader_roots_are_their_street(caller):
    assert [r["code"] for r in caller("leader").get("/regions").json()["items"]] == [STREET_1]


def test_resident1_sees_only_their_home_grid(caller):
    assert [r["code"] for r in caller("resident1").get("/regions").json()["items"]] == [GRID_1]


def test_department1_sees_the_district(caller):
    client = caller("department1")
    assert [r["code"] for r in client.get("/regions").json()["items"]] == [DISTRICT]
    assert [r["code"] for r in client.get("/regions", {"parent": DISTRICT}).json()["items"]] == [
        STREET_1,
        STREET_2,
        "329901100000",
    ]


def test_a_user_without_membership_gets_an_empty_list(caller):
    client = caller("nobody")
    response = client.get("/regions")
    assert (response.status_code, response.json()) == (200, {"items": [], "next_cursor": None, "count": 0})
    assert client.get("/regions/locate", {"lon": 120.9, "lat": 31.4}).status_code == 404


def test_locate_does_not_reveal_a_region_outside_the_scope(caller):
    other = Region.objects.get(code="329901001002001001")
    point = {"lon": other.center_lon, "lat": other.center_lat}
    hidden = caller("gridworker1").get("/regions/locate", point)
    assert hidden.status_code == 404
    message = f"No region contains the point ({other.center_lon}, {other.center_lat})."
    assert hidden.json() == {"detail": message, "errors": [{"field": "lon,lat", "message": message}]}
    shown = caller("community1").get("/regions/locate", point)
    assert shown.status_code == 404
    assert caller("leader").get("/regions/locate", point).json()["region"]["code"] == "329901001002001001"


def test_export_of_a_visible_region_contains_only_its_subtree(caller):
    features = caller("gridworker1").get(f"/regions/{GRID_1}/export.geojson").json()["features"]
    assert [f["properties"]["code"] for f in features] == [GRID_1] + [f"{GRID_1}{i:03d}" for i in range(1, 6)]
