"""10-minute service circles: a straight-line radius shortened by the detour factor around each service point;
per community the share of households (placed through their building) inside one, and the compounds left
outside. Checked against geodesic distances measured independently with pyproj's Geod."""

import io

import numpy as np
import openpyxl
import pytest
from django.test import override_settings
from pyproj import Geod

from tests.resident_services.conftest import COMMUNITY_1, GRID_1
from wangge.people.models import Building, Household
from wangge.services import circles, selectors, services
from wangge.services.models import ServicePoint

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")
EDGE = 0.995  # a 64-sided circle reaches 99.88 % of the radius between its corners: leave that band out


def test_the_radius_is_the_walk_shortened_by_the_detour_and_the_method_says_so():
    with override_settings(
        SERVICES_CIRCLE_MINUTES=10, SERVICES_WALKING_SPEED_M_PER_MIN=80, SERVICES_DETOUR_FACTOR=1.25
    ):
        how = circles.method()
        assert how.kind == "straight_line" and how.radius_m == 640.0
        assert circles.method(15).radius_m == 960.0


def test_places_inside_and_outside_a_circle_by_geodesic_distance():
    lon, lat, radius = 120.98, 31.47, 600.0
    shapes = circles.build([(lon, lat)], radius, (120.99, 31.46))
    azimuths = np.arange(0, 360, 15.0)
    near_lon, near_lat, _ = GEOD.fwd(np.full(24, lon), np.full(24, lat), azimuths, np.full(24, radius * 0.98))
    far_lon, far_lat, _ = GEOD.fwd(np.full(24, lon), np.full(24, lat), azimuths, np.full(24, radius * 1.02))
    assert shapes.covers(near_lon, near_lat).all()
    assert not shapes.covers(far_lon, far_lat).any()
    ring = shapes.lonlat(shapes.circles[0])[0]
    _, _, to_ring = GEOD.inv(np.full(len(ring), lon), np.full(len(ring), lat), *np.array(ring).T)
    assert np.allclose(to_ring, radius, rtol=0.002)  # drawn back in WGS84 at the radius
    assert not circles.build([], radius, (lon, lat)).covers(near_lon, near_lat).any()


def _expected(community_path: str, points, radius: float) -> tuple[int, int]:
    """(located, covered) households worked out from geodesic distances to the nearest point; households
    within the polygon's edge band are left out of both sides (returned as a third number)."""
    rows = Household.objects.filter(region_path__startswith=community_path, house__building__lon__isnull=False)
    places = list(rows.values_list("house__building__lon", "house__building__lat"))
    lons, lats = np.array(places).T
    nearest = np.full(len(places), np.inf)
    for p in points:
        _, _, d = GEOD.inv(np.full(len(places), p.lon), np.full(len(places), p.lat), lons, lats)
        nearest = np.minimum(nearest, d)
    band = int(((nearest > radius * EDGE) & (nearest <= radius)).sum())
    return len(places), int((nearest <= radius * EDGE).sum()), band


def test_the_share_of_a_community_matches_geodesic_distances(user):
    found = selectors.service_circles(user("community1"), COMMUNITY_1)
    assert [c.region.code for c in found.communities] == [COMMUNITY_1]
    row = found.communities[0]
    located, covered, band = _expected(row.region.path, found.points, found.method.radius_m)
    assert row.located == located and row.households >= located
    assert covered <= row.covered <= covered + band
    assert row.share == round(row.covered / row.located, 4)
    assert sum(c.outside for c in row.outside) == row.located - row.covered


def test_a_new_point_at_a_compound_brings_its_households_inside(user):
    staff = user("community1")
    before = selectors.service_circles(staff, COMMUNITY_1).communities[0]
    target = before.outside[0]
    building = Building.objects.filter(compound_id=target.id, lon__isnull=False).first()
    services.save_point(
        actor=staff, region=COMMUNITY_1, kind="station", name="新驿站", lon=building.lon, lat=building.lat
    )
    after = selectors.service_circles(staff, COMMUNITY_1).communities[0]
    assert after.covered > before.covered
    outside = {c.id: c.outside for c in after.outside}
    assert outside.get(target.id, 0) < target.outside


def test_a_street_lists_each_community_and_a_grid_stands_for_its_community(user):
    street = selectors.service_circles(user("leader"), "329901001000")
    assert len(street.communities) > 1 and all(c.region.level == "community" for c in street.communities)
    assert selectors.service_circles(user("resident1"), GRID_1).region.code == COMMUNITY_1
    # a point of the next community that reaches over the border counts: the points come by place
    assert {p.region_path[:40] for p in street.points} >= {c.region.path for c in street.communities[:1]}


def test_the_api_answers_geojson_and_coverage_in_reach_only(caller, far_resident):
    answer = caller("resident1").get("/service-circles", {"region": COMMUNITY_1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["method"]["kind"] == "straight_line" and body["method"]["radius_m"] > 0
    feature = body["circles"]["features"][0]
    assert feature["geometry"]["type"] == "Polygon" and len(feature["geometry"]["coordinates"][0]) > 60
    assert ServicePoint.objects.filter(pk=feature["id"], is_active=True).exists()
    row = body["coverage"][0]
    assert row["region"]["code"] == COMMUNITY_1 and 0 <= row["share"] <= 1
    wider = caller("resident1").get("/service-circles", {"region": COMMUNITY_1, "minutes": 15}).json()
    assert wider["method"]["radius_m"] == pytest.approx(body["method"]["radius_m"] * 1.5, abs=0.2)
    assert wider["coverage"][0]["covered"] >= row["covered"]
    assert caller("far_resident").get("/service-circles", {"region": COMMUNITY_1}).status_code == 404
    assert caller("resident1").get("/service-circles", {"region": "nope"}).status_code == 404
    assert caller("resident1").get("/service-circles", {"region": COMMUNITY_1, "minutes": 0}).status_code == 422


def test_the_page_the_map_and_the_export(browser):
    page = browser("resident1").get("/services/points/circles/")
    text = page.content.decode()
    assert page.status_code == 200 and "wg-stack" in text and 'data-testid="circles-method"' in text
    assert COMMUNITY_1 in text
    shown = browser("resident1").get("/services/points/map/")
    assert shown.context["config"]["circles"]["features"]
    export = browser("community1").get(f"/services/points/circles.xlsx?region={COMMUNITY_1}")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Method" and "straight line" in rows[0][1]
    assert rows[2][0] == "枫悦社区" and len(book.worksheets) == 2
    zh = browser("resident1", "zh-hans").get(f"/services/points/circles/?region={COMMUNITY_1}").content.decode()
    assert "10分钟" in zh
