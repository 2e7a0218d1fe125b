"""Service points: scoped to the neighbourhood, nearest first with ``?near=lon,lat`` (keyset pages over the
distance), the map and the phone list."""

import pytest

from tests.resident_services.conftest import COMMUNITY_1
from wangge.services import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(user):
    """Three warm stations due east of a point, 100 m, 1 km and 3 km away (at 31.4° N)."""
    lon, lat = 120.9, 31.4
    metres_per_degree_lon = 111_320 * 0.85358  # cos(31.4°)
    made = []
    for name, metres in (("一公里驿站", 1000), ("一百米驿站", 100), ("三公里驿站", 3000)):
        made.append(
            services.save_point(
                actor=user("community1"),
                region=COMMUNITY_1,
                kind="warm_station",
                name=name,
                lon=lon + metres / metres_per_degree_lon,
                lat=lat,
                opening_hours="全天",
            )
        )
    return lon, lat, made


def test_near_sorts_by_distance_and_pages(caller, three, user):
    lon, lat, _made = three
    first = caller("resident1").get("/service-points", {"near": f"{lon},{lat}", "kind": "warm_station", "size": 2})
    assert first.status_code == 200
    page = first.json()
    assert page["items"][0]["name"] == "一百米驿站"
    assert abs(page["items"][0]["distance_m"] - 100) < 2
    seen = [(p["id"], p["distance_m"]) for p in page["items"]]
    cursor = page["next_cursor"]
    while cursor:
        more = (
            caller("resident1")
            .get("/service-points", {"near": f"{lon},{lat}", "kind": "warm_station", "size": 2, "cursor": cursor})
            .json()
        )
        seen += [(p["id"], p["distance_m"]) for p in more["items"]]
        cursor = more["next_cursor"]
    ids = [pk for pk, _m in seen]
    expected = selectors.points_for(user("resident1")).filter(kind="warm_station").count()
    assert len(ids) == len(set(ids)) == expected  # each once, over every page
    distances = [m for _pk, m in seen]
    assert distances == sorted(distances)


def test_bad_near_is_400_naming_it(caller):
    answer = caller("resident1").get("/service-points", {"near": "east"})
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "near"


def test_points_follow_the_neighbourhood(caller, three, far_resident):
    _lon, _lat, made = three
    assert caller("resident1").get(f"/service-points/{made[0].pk}").status_code == 200
    assert caller("far_resident").get(f"/service-points/{made[0].pk}").status_code == 404
    names = [p["name"] for p in caller("far_resident").get("/service-points", {"size": 100}).json()["items"]]
    assert "一百米驿站" not in names


def test_only_staff_add_points(caller):
    body = {"kind": "station", "name": "新驿站", "region": COMMUNITY_1, "lon": 120.9, "lat": 31.4}
    assert caller("resident1").post("/service-points", body).status_code == 400
    made = caller("community1").post("/service-points", body)
    assert made.status_code == 201 and made.json()["kind_label"]


def test_the_list_and_map_pages(browser, three):
    lon, lat, _made = three
    listed = browser("resident1").get("/services/points/", {"near": f"{lon},{lat}", "kind": "warm_station"})
    text = listed.content.decode()
    assert listed.status_code == 200 and text.index("一百米驿站") < text.index("一公里驿站") < text.index("三公里驿站")
    assert "100 m" in text
    mapped = browser("resident1").get("/services/points/map/")
    assert mapped.status_code == 200 and b"services-map-config" in mapped.content
