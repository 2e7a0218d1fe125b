"""Service circles over an imported road network: the area reachable within N minutes along the roads
(networkx Dijkstra with a cutoff, the point snapped to the nearest node), on hand-built graphs with known
answers; broken geometry and islands reported, not crashed; the stored coverage recomputed in the
background after a point or the network changes."""

import json

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from tests.resident_services.conftest import COMMUNITY_1, STREET_1
from wangge.services import circles, roads, selectors, services
from wangge.services.models import CoverageResult, RoadNetwork, ServicePoint

pytestmark = pytest.mark.django_db
CENTRE = (120.98, 31.47)
SETTINGS = {
    "SERVICES_CIRCLE_MINUTES": 10,
    "SERVICES_WALKING_SPEED_M_PER_MIN": 75,
    "SERVICES_DETOUR_FACTOR": 1.3,
    "SERVICES_ROAD_WIDTH_M": 50,
    "SERVICES_ROAD_SNAP_M": 200,
}


def lonlat(*xy: tuple[float, float]) -> list[tuple[float, float]]:
    """Places given in metres east and north of CENTRE, as (lon, lat)."""
    _forward, back = circles.frame(*CENTRE)
    xs, ys = np.array(xy, dtype=float).T
    lons, lats = back.transform(xs, ys)
    return list(zip(lons.tolist(), lats.tolist(), strict=True))


def covered(shapes: circles.Circles, *xy) -> list[bool]:
    lons, lats = np.array(lonlat(*xy)).T
    return shapes.covers(lons, lats).tolist()


@override_settings(**SETTINGS)
def test_a_straight_road_and_a_river_without_a_bridge():
    """10 min × 75 m/min = 750 m along the road; the straight-line radius would be 750 ÷ 1.3 = 577 m."""
    road = lonlat((0, 0), (250, 0), (500, 0), (1000, 0), (1500, 0))
    how = circles.method(kind=circles.ROAD_NETWORK)
    shapes = circles.build_on_network(lonlat((0, 0)), how, CENTRE, [road])
    assert shapes.kinds == [circles.ROAD_NETWORK]
    # 500 m along the road: inside; 500 m across the river (north, no road): outside, though the
    # straight-line circle holds it; 900 m along the road: beyond the walk and the road's width
    assert covered(shapes, (500, 0), (500, 30), (0, 500), (900, 0)) == [True, True, False, False]
    straight = circles.build(lonlat((0, 0)), how.radius_m, CENTRE)
    assert covered(straight, (0, 500)) == [True]


@override_settings(**SETTINGS)
def test_a_turn_a_partly_walked_road_and_the_walk_onto_the_network():
    # an L: 400 m east, then 400 m north; a spur 1 km west that the walk reaches only 350 m of
    streets = [lonlat((0, 0), (400, 0), (400, 400)), lonlat((0, 0), (-1000, 0))]
    how = circles.method(kind=circles.ROAD_NETWORK)
    shapes = circles.build_on_network(lonlat((0, 0)), how, CENTRE, streets)
    assert covered(shapes, (400, 300), (-700, 0), (-850, 0), (0, 300)) == [True, True, False, False]
    # a point 100 m off the road pays the walk onto it: 650 m left along the road
    shapes = circles.build_on_network(lonlat((0, -100)), how, CENTRE, streets)
    assert covered(shapes, (400, 200), (400, 320)) == [True, False]
    # a point farther than the snap distance keeps the straight-line circle, and says so
    far = circles.build_on_network(lonlat((0, -300)), how, CENTRE, streets)
    assert far.kinds == [circles.STRAIGHT_LINE]
    assert covered(far, (0, 200), (600, 0)) == [True, False]


def test_vertices_that_meet_are_one_node_and_islands_are_counted():
    forward, _back = circles.frame(*CENTRE)
    crossing = [lonlat((0, 0), (100, 0)), lonlat((100, 0), (100, 100)), lonlat((500, 500), (600, 500))]
    network = roads.Network(crossing, forward)
    assert network.graph.number_of_nodes() == 5 and network.components == 2
    assert network.graph[0][1]["weight"] == pytest.approx(100, abs=0.01)


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(kind: str, coordinates) -> dict:
    return {"type": "Feature", "properties": {}, "geometry": {"type": kind, "coordinates": coordinates}}


def test_broken_geometry_is_skipped_and_counted():
    good = [list(p) for p in lonlat((0, 0), (100, 0))]
    island = [list(p) for p in lonlat((900, 900), (1000, 900))]
    parsed = roads.parse(
        json.loads(
            geojson(
                feature("LineString", good),
                feature("MultiLineString", [island, [good[0]]]),  # one line kept, one with a single position
                feature("Point", good[0]),
                feature("LineString", [["x", 31.4], [120.9, 31.4]]),
                feature("LineString", [[500.0, 31.4], [120.9, 31.4]]),  # not a longitude
                {"type": "Feature", "geometry": None},
                feature("LineString", "nope"),
            )
        )
    )
    assert len(parsed.lines) == 2 and parsed.skipped == 6
    assert len(roads.parse({"type": "LineString", "coordinates": good}).lines) == 1
    with pytest.raises(ValueError):
        roads.parse([1, 2])


def test_import_reports_skipped_lines_and_islands(user, tmp_path, capsys):
    good = [list(p) for p in lonlat((0, 0), (100, 0))]
    island = [list(p) for p in lonlat((900, 900), (1000, 900))]
    data = geojson(feature("LineString", good), feature("LineString", island), feature("LineString", [good[0]]))
    done = services.import_roads(actor=user("leader"), region=STREET_1, data=data, name="主路")
    assert (done.lines, done.skipped, done.components) == (2, 1, 2)
    assert RoadNetwork.objects.get(region__code=STREET_1).imported_by == user("leader")
    # a new import replaces the network
    again = services.import_roads(actor=user("leader"), region=STREET_1, data=geojson(feature("LineString", good)))
    assert again.network.pk == done.network.pk and again.components == 1
    path = tmp_path / "roads.geojson"
    path.write_bytes(data)
    call_command("import_roads", STREET_1, str(path), "--as", "leader")
    assert "2 lines kept, 1 skipped" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"not json", "file"),
        (b"[" * 40 + b"]" * 40, "file"),
        (geojson(feature("Point", [120.9, 31.4])), "file"),
        (b'{"type": "FeatureCollection", "features": "x"}', "file"),
    ],
)
def test_files_that_are_not_road_lines_are_errors_naming_the_field(user, data, field):
    with pytest.raises(ValidationError) as error:
        services.import_roads(actor=user("leader"), region=STREET_1, data=data)
    assert field in error.value.message_dict
    assert not RoadNetwork.objects.exists()


def test_size_and_who_may_import(user):
    data = geojson(feature("LineString", [list(p) for p in lonlat((0, 0), (100, 0))]))
    with override_settings(SERVICES_ROAD_MAX_BYTES=50), pytest.raises(ValidationError) as error:
        services.import_roads(actor=user("leader"), region=STREET_1, data=data)
    assert "file" in error.value.message_dict
    for who, where in (("community1", STREET_1), ("leader", COMMUNITY_1), ("resident1", STREET_1)):
        with pytest.raises(ValidationError) as error:
            services.import_roads(actor=user(who), region=where, data=data)
        assert "region" in error.value.message_dict


def _roads_through_the_points() -> bytes:
    """A road 2 km east–west through each active point of community 1 (the demo's points)."""
    features = []
    forward, back = circles.frame(*CENTRE)
    for point in ServicePoint.objects.filter(is_active=True, region_path__startswith=_community_path()):
        x, y = forward.transform(point.lon, point.lat)
        lons, lats = back.transform([x - 1000, x, x + 1000], [y, y, y])
        features.append(feature("LineString", [[a, b] for a, b in zip(lons, lats, strict=True)]))
    return geojson(*features)


def _community_path() -> str:
    from wangge.regions.models import Region

    return Region.objects.get(code=COMMUNITY_1).path


def test_the_api_answers_the_network_method_from_the_stored_result(caller, user):
    before = caller("resident1").get("/service-circles", {"region": COMMUNITY_1}).json()
    assert before["method"]["kind"] == "straight_line" and before["method"]["network"] is None
    assert before["stale"] is False
    stored = CoverageResult.objects.get(region__code=COMMUNITY_1)
    assert stored.payload["coverage"] == before["coverage"]
    services.import_roads(actor=user("leader"), region=STREET_1, data=_roads_through_the_points())
    stored.refresh_from_db()
    assert stored.stale  # the network changed: answered as it is, saying so, until recomputed
    assert caller("resident1").get("/service-circles", {"region": COMMUNITY_1}).json()["stale"] is True
    assert services.recompute_stale_coverage() == 1
    after = caller("resident1").get("/service-circles", {"region": COMMUNITY_1}).json()
    assert after["stale"] is False and after["method"]["kind"] == "road_network"
    own = set(
        ServicePoint.objects.filter(is_active=True, region_path__startswith=_community_path()).values_list(
            "pk", flat=True
        )
    )
    assert after["method"]["network"]["lines"] == len(own)
    # the community's points sit on the roads; a point of the next community (no road there) keeps the line
    methods = {f["id"]: f["properties"]["method"] for f in after["circles"]["features"]}
    assert {methods[pk] for pk in own} == {"road_network"}
    assert {m for pk, m in methods.items() if pk not in own} <= {"straight_line"}
    assert after["coverage"][0]["covered"] != before["coverage"][0]["covered"]


def test_a_changed_point_recomputes_in_the_background(caller, user, django_capture_on_commit_callbacks):
    first = caller("resident1").get("/service-circles", {"region": COMMUNITY_1}).json()
    staff = user("community1")
    point = ServicePoint.objects.filter(is_active=True, region_path__startswith=_community_path()).first()
    HUEY.immediate = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as queued:
            services.save_point(
                actor=staff,
                point=point,
                region=COMMUNITY_1,
                kind=point.kind,
                name=point.name,
                lon=point.lon + 0.02,
                lat=point.lat,
            )
    finally:
        HUEY.immediate = False
    assert queued  # the recompute was queued after the commit and ran (immediate huey)
    stored = CoverageResult.objects.get(region__code=COMMUNITY_1)
    assert stored.stale is False
    moved = next(f for f in stored.payload["circles"]["features"] if f["id"] == point.pk)
    old = next(f for f in first["circles"]["features"] if f["id"] == point.pk)
    assert moved["geometry"] != old["geometry"]
    fresh = selectors.circles_payload(selectors.compute_circles(stored.region))
    assert stored.payload["coverage"] == fresh["coverage"]


def test_the_admin_import_page_reports_the_import(browser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = [list(p) for p in lonlat((0, 0), (100, 0))]
    data = geojson(feature("LineString", good), feature("LineString", [good[0]]))
    admin = browser("admin")
    assert admin.get("/admin/services/roadnetwork/").status_code == 200
    page = admin.post(
        "/admin/services/roadnetwork/import/",
        {"region": STREET_1, "name": "主路", "file": SimpleUploadedFile("roads.geojson", data)},
        follow=True,
    )
    assert "1 lines kept, 1 skipped as broken, 1 disconnected piece(s)" in page.content.decode()
    bad = admin.post(
        "/admin/services/roadnetwork/import/",
        {"region": STREET_1, "file": SimpleUploadedFile("roads.geojson", b"not json")},
    )
    assert bad.status_code == 200 and "Not a GeoJSON file of road lines." in bad.content.decode()
    assert browser("leader").get("/admin/services/roadnetwork/import/").status_code == 302  # not staff
