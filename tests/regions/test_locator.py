"""Point → region: the deepest region wins, shared edges resolve to the smaller code, and the
per-process index follows boundary changes made here or (through BoundaryVersion) elsewhere."""

import random

import numpy as np
from django.db.models import F

from tests.regions.helpers import FRESH, draft, square
from wangge.regions import locator, services
from wangge.regions.models import BoundaryVersion, Region

LIAISON_MICRO = "329901001001001001"  # the first micro-grid of gridworker1's grid


def _code(region_id) -> str | None:
    return Region.objects.get(pk=region_id).code if region_id else None


def test_a_point_inside_a_micro_grid_returns_it_with_its_chain(api):
    micro = Region.objects.get(code=LIAISON_MICRO)
    response = api("gridworker1").get("/regions/locate", {"lon": micro.center_lon, "lat": micro.center_lat})
    assert response.status_code == 200
    body = response.json()
    assert body["point"] == [micro.center_lon, micro.center_lat]
    assert body["region"] == {"code": LIAISON_MICRO, "name": micro.name, "level": "micro_grid"}
    assert [c["code"] for c in body["chain"]] == [
        "329900000000",
        "329901000000",
        "329901001000",
        "329901001001",
        "329901001001001",
    ]
    assert [c["level"] for c in body["chain"]] == ["city", "district", "street", "community", "grid"]


def test_a_point_on_the_shared_edge_of_two_siblings_goes_to_the_smaller_code_every_time(fresh_tree, api):
    west, east = fresh_tree[FRESH["west"]], fresh_tree[FRESH["east"]]
    edge_lon = east.min_lon
    assert edge_lon == west.max_lon == 100.0625
    lon, lat = edge_lon, 30.0625
    answers = set()
    for _ in range(5):
        locator.forget_locator()
        index = locator.get_locator()
        answers |= {index.locate(lon, lat) for _ in range(10)}
        answers |= set(index.locate_many([lon, lon], [lat, lat]).tolist())
    assert answers == {west.pk}
    response = api("admin").get("/regions/locate", {"lon": lon, "lat": lat})
    assert response.status_code == 200
    assert response.json()["region"]["code"] == FRESH["west"]


def test_a_shared_corner_of_many_regions_also_goes_to_the_deepest_smallest_code(fresh_tree):
    # (100, 30) is a corner of the city, district, street, community, grid and the west micro-grid.
    assert locator.get_locator().locate(100, 30) == fresh_tree[FRESH["west"]].pk
    # (100.0625, 30) is on the edge of the grid and the corner of both micro-grids.
    assert locator.get_locator().locate(100.0625, 30) == fresh_tree[FRESH["west"]].pk


def test_the_grid_itself_answers_where_no_micro_grid_is_drawn(fresh_tree, admin_user):
    services.create_region(
        actor=admin_user,
        draft=draft("329801001001002", "空网格", "grid", FRESH["community"], square(100.125, 30, 100.25, 30.125)),
    )
    assert _code(locator.get_locator().locate(100.2, 30.1)) == "329801001001002"
    assert _code(locator.get_locator().locate(100.2, 30.2)) == FRESH["community"]


def test_a_point_outside_every_region_is_404_naming_the_point(api):
    response = api("admin").get("/regions/locate", {"lon": "-45.5", "lat": "-12.25"})
    assert response.status_code == 404
    message = "No region contains the point (-45.5, -12.25)."
    assert response.json() == {"detail": message, "errors": [{"field": "lon,lat", "message": message}]}


def test_locate_many_agrees_with_locate_for_random_points(fresh_tree):
    district = Region.objects.get(code="329901000000")
    rng = random.Random(7)
    lons = [rng.uniform(district.min_lon - 0.03, district.max_lon + 0.03) for _ in range(200)]
    lats = [rng.uniform(district.min_lat - 0.03, district.max_lat + 0.03) for _ in range(200)]
    lons += [100.0625, 100, 100.03, 0.0]  # shared edge, shared corner, inside, nowhere
    lats += [30.0625, 30, 30.03, 0.0]
    index = locator.get_locator()
    one_by_one = [index.locate(lon, lat) or -1 for lon, lat in zip(lons, lats, strict=True)]
    together = index.locate_many(lons, lats)
    assert isinstance(together, np.ndarray)
    assert together.tolist() == one_by_one
    found = [i for i in one_by_one if i != -1]
    assert 100 < len(found) < len(lons)  # both kinds of point are in the sample
    assert {r.level for r in Region.objects.filter(pk__in=found)} == {"micro_grid", "city"}


def test_an_update_of_a_boundary_is_seen_by_the_next_lookup_in_this_process(
    fresh_tree, admin_user, django_capture_on_commit_callbacks
):
    west, grid = fresh_tree[FRESH["west"]], fresh_tree[FRESH["grid"]]
    assert locator.get_locator().locate(100.05, 30.0625) == west.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_region(actor=admin_user, region=west, boundary=square(100, 30, 100.03125, 30.125))
    assert locator.forget_locator in callbacks
    assert locator.get_locator().locate(100.05, 30.0625) == grid.pk
    assert locator.get_locator().locate(100.01, 30.0625) == west.pk


def test_another_process_changing_boundaries_is_noticed_through_the_version(settings, fresh_tree):
    settings.REGION_LOCATOR_CHECK_SECONDS = 0
    first = locator.get_locator()
    assert first.version == locator.current_version()
    assert locator.get_locator() is first  # nothing changed: the same index is kept

    BoundaryVersion.objects.filter(pk=1).update(version=F("version") + 1)  # as another process would

    second = locator.get_locator()
    assert second is not first
    assert second.version == first.version + 1
    assert locator.get_locator() is second


def test_within_the_check_interval_the_cached_index_is_kept(db, settings):
    settings.REGION_LOCATOR_CHECK_SECONDS = 3600
    first = locator.get_locator()
    BoundaryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    assert locator.get_locator() is first


def test_a_region_written_by_another_process_is_found_after_the_version_moves(settings, admin_user):
    settings.REGION_LOCATOR_CHECK_SECONDS = 0
    assert locator.get_locator().locate(95.5, 20.5) is None
    # The test transaction never commits, so the in-process on_commit hook does not run: only the
    # BoundaryVersion counter tells this process that the boundaries changed, as for another process.
    city = services.create_region(
        actor=admin_user, draft=draft("329700000000", "远方市", "city", None, square(95, 20, 96, 21))
    )
    assert locator.get_locator().locate(95.5, 20.5) == city.pk


def test_locate_region_returns_the_model_or_none(fresh_tree):
    assert locator.locate_region(100.1, 30.1) == fresh_tree[FRESH["east"]]
    assert locator.locate_region(-10, -10) is None
