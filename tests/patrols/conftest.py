"""Fixtures for patrols: the demo town (loaded once per session), the ledger personas of tests/people and a
walk inside a grid built from the grid's own boundary."""

import json

import pytest
import shapely

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.people.conftest import browser, caller, outsider, user  # noqa: F401
from wangge.regions.models import Level, Region

GRID_1 = "329901001001001"  # gridworker1
GRID_2 = "329901001001002"  # gridworker2
COMMUNITY_1 = "329901001001"  # gridchief1, community1
STREET_1 = "329901001000"  # leader
T0 = 1_796_000_000  # 2026-11-30, a fixed instant: no test depends on today's date


def walk_in(code: str, n: int = 20, step_s: int = 10, t0: int = T0) -> list[list[float]]:
    """``n`` points along a straight line inside the region, about 1 m/s apart ``step_s`` seconds."""
    region = Region.objects.get(code=code)
    shape = shapely.from_geojson(json.dumps(region.boundary))
    centre = shape.representative_point()
    inner = shape.buffer(-0.0002)
    direction = 1 if inner.contains(shapely.Point(centre.x + n * step_s * 1e-5, centre.y)) else -1
    points = []
    for i in range(n):
        lon = centre.x + direction * i * step_s * 1e-5
        points.append([round(lon, 7), round(centre.y, 7), t0 + i * step_s, 5])
    return points


def micro_grids_of(code: str) -> list[Region]:
    return list(Region.objects.filter(parent__code=code, level=Level.MICRO_GRID).order_by("code"))


@pytest.fixture
def started(caller):  # noqa: F811
    """gridworker1's open patrol (its id) through the API."""

    def make(persona: str = "gridworker1") -> int:
        response = caller(persona).post("/patrols")
        assert response.status_code in (200, 201), response.content
        return response.json()["id"]

    return make
