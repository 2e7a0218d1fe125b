"""Patrol and visit lists cost the same number of queries for a short page as for a long one (no N+1)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.patrols.conftest import COMMUNITY_1, GRID_1, GRID_2, STREET_1, walk_in
from wangge.accounts.models import User
from wangge.patrols import services
from wangge.patrols.models import Patrol, Vehicle, Visit
from wangge.people.models import Household
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db


def queries(client, path: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(captured), len(response.json()["items"])


@pytest.fixture
def many():
    for username, grid in (("gridworker1", GRID_1), ("gridworker2", GRID_2)):
        worker = User.objects.get(username=username)
        for i in range(6):
            patrol, _ = services.start_patrol(actor=worker)
            services.add_points(
                actor=worker, patrol=patrol, batch_id="a", points=walk_in(grid, 5, t0=1_796_000_000 + i * 1000)
            )
            services.finish_patrol(actor=worker, patrol=patrol)
    worker = User.objects.get(username="gridchief1")
    path = Region.objects.get(code=COMMUNITY_1).path
    for i, household in enumerate(Household.objects.filter(region_path__startswith=path).order_by("id")[:6]):
        Visit.objects.create(
            worker=worker,
            household=household,
            region_path=household.region_path,
            visited_on=date(2026, 11, 1) + timedelta(days=i),
        )
    assert Patrol.objects.count() >= 12


@pytest.mark.parametrize(
    ("persona", "path"), [("gridchief1", "/patrols"), ("gridchief1", "/visits"), ("gridchief1", "/visits/overdue")]
)
def test_a_long_page_costs_what_a_short_one_does(caller, many, persona, path):
    client = caller(persona)
    client.get(path, {"size": 1})  # warm the token and the scope
    short, short_rows = queries(client, path, {"size": 2})
    long, long_rows = queries(client, path, {"size": 6})
    assert long_rows > short_rows
    assert long == short


@pytest.fixture
def cars():
    """Six cars of the street, each with two drivers and two trips."""
    leader = User.objects.get(username="leader")
    drivers = [User.objects.get(username=u) for u in ("gridworker1", "gridworker2")]
    grids = [Region.objects.get(code=GRID_1), Region.objects.get(code=GRID_2)]
    for n in range(6):
        car = services.register_vehicle(
            actor=leader, plate=f"苏E·A{n:04d}", region=STREET_1, drivers=[d.pk for d in drivers]
        )
        for driver, grid in zip(drivers, grids, strict=True):
            Patrol.objects.create(
                worker=driver,
                region=grid,
                region_path=grid.path,
                vehicle=car,
                started_at=datetime(2031, 3, 1 + n, 6, tzinfo=UTC),
                distance_m=40_000,
            )
    assert Vehicle.objects.count() == 6


@pytest.mark.parametrize(
    ("persona", "path"), [("leader", "/vehicles"), ("leader", "/trips"), ("gridworker1", "/trips")]
)
def test_car_and_trip_lists_cost_the_same_for_a_long_page(caller, cars, persona, path):
    client = caller(persona)
    client.get(path, {"size": 1})
    short, short_rows = queries(client, path, {"size": 2})
    long, long_rows = queries(client, path, {"size": 6})
    assert long_rows > short_rows
    assert long == short
