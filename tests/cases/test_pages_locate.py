"""The intake's place step asks /cases/locate/ where the pin falls: the region's names, the nearest ledger
building within 150 m and an address made of both; a point outside every region served is refused."""

import json

import pytest
import shapely
from django.test import Client

from tests.cases.conftest import GRID_1, point_in
from wangge.core.geo import metres_between
from wangge.people import services as people_services
from wangge.people.models import Building
from wangge.regions.models import GRID_LEVELS, Region


@pytest.fixture
def anonymous(db):
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def locate(client, lon, lat):
    return client.get("/cases/locate/", {"lon": f"{lon:.6f}", "lat": f"{lat:.6f}"})


def point_far_from_every_building(metres: float = 200) -> tuple[Region, float, float]:
    """A point inside some grid with no ledger building within ``metres`` (the demo town leaves some)."""
    located = list(Building.objects.filter(lon__isnull=False).values_list("lon", "lat"))
    for grid in Region.objects.filter(level__in=GRID_LEVELS, is_active=True, boundary__isnull=False).order_by("code"):
        shape = shapely.from_geojson(json.dumps(grid.boundary))
        lon_min, lat_min, lon_max, lat_max = shape.bounds
        for i in range(1, 6):
            for j in range(1, 6):
                lon = lon_min + (lon_max - lon_min) * i / 6
                lat = lat_min + (lat_max - lat_min) * j / 6
                if shape.contains(shapely.Point(lon, lat)) and all(
                    metres_between(lon, lat, b_lon, b_lat) > metres for b_lon, b_lat in located
                ):
                    return grid, lon, lat
    raise AssertionError("the demo town has no grid point away from every building")


def test_inside_a_grid_next_to_a_building_the_address_comes_from_the_building(browser, user):
    lon, lat = point_in(GRID_1)
    compound = people_services.create_compound(
        actor=user("gridworker1"), data={"name": "定位花园", "address": "幸福路88号", "lon": lon, "lat": lat}
    )
    people_services.create_building(
        actor=user("gridworker1"),
        data={
            "compound": compound,
            "name": "7幢",
            "floors": 6,
            "units": 1,
            "rooms_per_floor": 2,
            "lon": lon,
            "lat": lat,
        },
    )
    response = locate(browser("resident1"), lon + 0.0002, lat)  # some 20 m east
    assert response.status_code == 200
    body = response.json()
    found = Region.objects.get(code=body["region"]["code"])  # the deepest: GRID_1 or a micro-grid in it
    assert found.code.startswith(GRID_1)
    assert body["region"] == {"code": found.code, "name": found.name, "level": found.level}
    assert body["path"] == [r.name for r in found.ancestors()] + [found.name]
    assert Region.objects.get(code=GRID_1).name in body["path"]
    street_down = [r.name for r in [*found.ancestors(), found] if r.level not in ("city", "district")]
    assert body["label"] == " › ".join(street_down)
    assert body["in_grid"] is True
    assert body["building"]["name"] == "定位花园 7幢"
    assert 10 <= body["building"]["distance_m"] <= 30
    community = next(r for r in found.ancestors() if r.level == "community")
    assert body["address"] == f"{community.name} 幸福路88号 定位花园 7幢"


def test_inside_a_grid_far_from_every_building_the_address_is_street_and_community(browser):
    grid, lon, lat = point_far_from_every_building()
    body = locate(browser("resident1"), lon, lat).json()
    assert body["region"]["code"].startswith(grid.code)
    assert body["in_grid"] is True
    assert body["building"] is None
    chain = grid.ancestors()
    assert body["address"] == " ".join(r.name for r in chain if r.level in ("street", "community"))


def test_a_point_outside_every_region_is_refused_with_a_message(browser):
    response = locate(browser("resident1"), 0.0, 0.0)
    assert response.status_code == 400
    message = "This place is outside the area we serve: put the pin where the problem is, inside the town."
    assert response.json() == {"detail": message, "errors": [{"field": "lon,lat", "message": message}]}


def test_the_refusal_is_translated(anonymous):
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = locate(anonymous, 0.0, 0.0).json()["detail"]
    translated = locate(chinese, 0.0, 0.0).json()["detail"]
    assert translated != english and "服务" in translated


def test_a_coordinate_that_is_not_one_is_refused_naming_it(anonymous):
    response = anonymous.get("/cases/locate/", {"lon": "east", "lat": "31.4"})
    assert response.status_code == 400
    assert response.json()["detail"] == "lon must be a number."


def test_anyone_who_may_report_may_locate_without_an_account_too(anonymous):
    # The report page is open to callers without an account, so its place step is too.
    assert anonymous.get("/cases/report/").status_code == 200
    lon, lat = point_in(GRID_1)
    response = locate(anonymous, lon, lat)
    assert response.status_code == 200
    assert response.json()["region"]["code"].startswith(GRID_1)


def test_only_get_is_answered(browser):
    lon, lat = point_in(GRID_1)
    assert browser("resident1").post("/cases/locate/", {"lon": lon, "lat": lat}).status_code == 405


def test_look_ups_without_an_account_are_limited_per_address(db, settings):
    settings.ANONYMOUS_LOCATES_PER_HOUR = 0
    lon, lat = point_in(GRID_1)
    response = locate(Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.11"), lon, lat)
    assert response.status_code == 429
    assert response.json()["detail"] == "Too many look-ups from this address: try again later or log in."


def test_look_ups_with_an_account_are_not_limited_so(browser, settings):
    settings.ANONYMOUS_LOCATES_PER_HOUR = 0
    lon, lat = point_in(GRID_1)
    assert locate(browser("resident1"), lon, lat).status_code == 200
