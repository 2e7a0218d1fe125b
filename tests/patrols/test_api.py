"""Patrols through the API: start, batches (replay, disorder, duplicates, jumps, points outside every grid),
finish, auto-close, the cases raised on the way, scope and coverage."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.cases.conftest import CATEGORY
from tests.patrols.conftest import GRID_1, GRID_2, STREET_1, T0, micro_grids_of, walk_in
from wangge.accounts.models import User
from wangge.cases import services as case_services
from wangge.patrols import services
from wangge.patrols.models import Patrol

pytestmark = pytest.mark.django_db


def batch(api, pk, batch_id, points):
    response = api.post(f"/patrols/{pk}/points", {"batch_id": batch_id, "points": points})
    assert response.status_code == 200, response.content
    return response.json()


def test_start_answers_the_open_patrol_again(caller):
    first = caller("gridworker1").post("/patrols")
    assert first.status_code == 201
    again = caller("gridworker1").post("/patrols")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


def test_a_resident_does_not_patrol(caller):
    assert caller("resident1").post("/patrols").status_code == 403


def test_points_give_distance_duration_and_grids(caller, started):
    pk = started()
    api = caller("gridworker1")
    points = walk_in(GRID_1, n=30)
    answer = batch(api, pk, "b1", points)
    assert answer["stored"] is True
    assert answer["patrol"]["point_count"] == 30
    assert answer["patrol"]["distance_m"] == pytest.approx(290 * 1e-5 * 95_000, rel=0.1)
    detail = api.get(f"/patrols/{pk}").json()
    codes = {g["code"] for g in detail["grids"]}
    assert GRID_1 in codes
    assert codes & {m.code for m in micro_grids_of(GRID_1)}
    [line] = detail["track"]["features"][0]["geometry"]["coordinates"]
    assert 2 <= len(line) < 30  # simplified
    assert detail["flagged_count"] == 0 and detail["dropped_jumps"] == 0


def test_a_replayed_batch_changes_nothing(caller, started):
    pk = started()
    api = caller("gridworker1")
    points = walk_in(GRID_1, n=10)
    first = batch(api, pk, "same", points)
    before = Patrol.objects.get(pk=pk)
    again = batch(api, pk, "same", points + [[p[0], p[1], p[2] + 1000, 5] for p in points])
    assert again["stored"] is False
    assert again["patrol"] == first["patrol"]
    assert Patrol.objects.get(pk=pk).points == before.points


def test_late_out_of_order_and_duplicate_points(caller, started):
    pk = started()
    api = caller("gridworker1")
    points = walk_in(GRID_1, n=20)
    whole = batch(api, pk, "all", points)["patrol"]
    Patrol.objects.filter(pk=pk).delete()
    pk2 = started()
    # The second half first (the first half was kept offline), each reversed, some points sent twice.
    batch(api, pk2, "late-1", list(reversed(points[10:])))
    pieced = batch(api, pk2, "late-2", list(reversed(points[:10])) + points[5:8])["patrol"]
    assert pieced["point_count"] == 20
    assert pieced["distance_m"] == pytest.approx(whole["distance_m"])


def test_jumps_are_dropped_and_counted_and_outside_points_flagged(caller, started):
    pk = started()
    api = caller("gridworker1")
    points = walk_in(GRID_1, n=10)
    jump = [points[4][0] + 1.0, points[4][1], points[4][2] + 5, 5]  # 100 km in 5 s
    far = [0.0, 0.0, points[-1][2] + 10**6, 20]  # off every grid, reached slowly enough
    answer = batch(api, pk, "b", points + [jump, far])["patrol"]
    assert answer["dropped_jumps"] == 1
    assert answer["flagged_count"] == 1
    assert answer["point_count"] == 12
    track = api.get(f"/patrols/{pk}").json()["track"]
    assert track["features"][1]["geometry"]["coordinates"] == [[0.0, 0.0]]


@pytest.mark.parametrize(
    ("points", "field"),
    [
        ([[200, 31, T0, 5]], "points"),
        ([[120.9, 31.4]], "points"),
        ([[120.9, 31.4, 5, 5]], "points"),
        ([[120.9, 31.4, T0, -1]], "points"),
    ],
)
def test_bad_points_are_refused_naming_the_field(caller, started, points, field):
    pk = started()
    response = caller("gridworker1").post(f"/patrols/{pk}/points", {"batch_id": "x", "points": points})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field


def test_finish_fixes_the_duration_and_only_the_worker_may(caller, started):
    pk = started()
    assert caller("gridchief1").post(f"/patrols/{pk}/finish").status_code == 403
    assert caller("gridworker2").post(f"/patrols/{pk}/finish").status_code == 404
    answer = caller("gridworker1").post(f"/patrols/{pk}/finish")
    assert answer.status_code == 200 and answer.json()["ended_at"]
    assert caller("gridworker1").post("/patrols").status_code == 201  # a new one


def test_a_forgotten_patrol_closes_itself(settings):
    settings.PATROL_AUTO_CLOSE_HOURS = 12
    worker = User.objects.get(username="gridworker1")
    start = datetime(2026, 11, 30, 8, tzinfo=UTC)
    patrol, _ = services.start_patrol(actor=worker, at=start)
    services.add_points(actor=worker, patrol=patrol, batch_id="a", points=walk_in(GRID_1, 5, t0=int(start.timestamp())))
    assert services.close_stale(now=start + timedelta(hours=11)) == 0
    assert services.close_stale(now=start + timedelta(hours=13)) >= 1
    patrol.refresh_from_db()
    assert patrol.closed_automatically
    assert patrol.ended_at == start + timedelta(seconds=40)  # its last point
    # Starting again the next morning closes a forgotten one on the way.
    other, _ = services.start_patrol(actor=worker, at=start + timedelta(hours=30))
    assert other.pk != patrol.pk


def test_a_case_reported_on_patrol_links_to_it(caller, started):
    from tests.cases.conftest import point_in

    pk = started()
    lon, lat = point_in(GRID_1)
    worker = User.objects.get(username="gridworker1")
    case, _ = case_services.report_case(
        actor=worker,
        report=case_services.Report(category=CATEGORY, description="井盖缺失", lon=lon, lat=lat, source="patrol"),
    )
    detail = caller("gridworker1").get(f"/patrols/{pk}").json()
    assert [c["number"] for c in detail["cases"]] == [case.number]
    caller("gridworker1").post(f"/patrols/{pk}/finish")
    later, _ = case_services.report_case(
        actor=worker,
        report=case_services.Report(category=CATEGORY, description="路灯坏了", lon=lon, lat=lat, source="patrol"),
    )
    assert [c["number"] for c in caller("gridworker1").get(f"/patrols/{pk}").json()["cases"]] == [case.number]


def test_scope_a_worker_sees_their_own_chiefs_their_regions(caller, started):
    mine = started("gridworker1")
    theirs = started("gridworker2")
    own = {p["id"] for p in caller("gridworker1").get("/patrols").json()["items"]}
    assert mine in own and theirs not in own
    assert caller("gridworker1").get(f"/patrols/{theirs}").status_code == 404
    assert caller("gridworker2").get(f"/patrols/{mine}").status_code == 404
    assert caller("gridworker2").post(f"/patrols/{mine}/points", {"batch_id": "x", "points": []}).status_code == 404
    chief = {p["id"] for p in caller("gridchief1").get("/patrols").json()["items"]}
    assert {mine, theirs} <= chief
    assert caller("leader").get(f"/patrols/{mine}").status_code == 200
    assert caller("resident1").get(f"/patrols/{mine}").status_code == 404
    assert caller("resident1").get("/patrols").json()["items"] == []
    in_grid = {p["id"] for p in caller("gridchief1").get("/patrols", {"region": GRID_2}).json()["items"]}
    assert in_grid == {theirs} or theirs in in_grid and mine not in in_grid


def test_coverage_lists_micro_grids_patrolled_and_not(caller, started):
    pk = started()
    batch(caller("gridworker1"), pk, "b", walk_in(GRID_1, n=20))
    patrol = Patrol.objects.get(pk=pk)
    found = caller("gridchief1").get("/patrols/coverage", {"region": GRID_1, "days": 7}).json()
    cells = {c["code"]: c for c in found["cells"]}
    assert set(cells) == {m.code for m in micro_grids_of(GRID_1)}
    passed = {c for c in cells if cells[c]["covered"]}
    assert passed and passed < set(cells)
    assert found["covered"] == len(passed)
    assert [w["worker_id"] for w in found["workers"]] == [patrol.worker_id]
    assert caller("gridworker2").get("/patrols/coverage", {"region": GRID_1}).status_code == 404
    assert caller("leader").get("/patrols/coverage", {"region": STREET_1}).status_code == 200
