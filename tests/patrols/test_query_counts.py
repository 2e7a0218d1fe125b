"""Patrol and visit lists cost the same number of queries for a short page as for a long one (no N+1)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.patrols.conftest import COMMUNITY_1, GRID_1, GRID_2, walk_in
from wangge.accounts.models import User
from wangge.patrols import services
from wangge.patrols.models import Patrol, Visit
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
