"""The notices list costs the same number of queries for a short page as for a long one (no N+1), on the API
and the page; the read rate and the results do not grow with the number of grids or readers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.notices.conftest import COMMUNITY_1, GRID_1, resident
from wangge.notices import services

pytestmark = pytest.mark.django_db


def count(client, path: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.mark.parametrize("persona", ["resident1", "leader"])
def test_a_long_page_costs_what_a_short_one_does(publish, caller, persona):
    for _ in range(6):
        publish(GRID_1)
    client = caller(persona)
    client.get("/notices", {"size": 1})  # warm the token and the scope
    short = count(client, "/notices", {"size": 2})
    long = count(client, "/notices", {"size": 8})
    assert long == short


def test_the_page_list_does_not_grow_with_rows(publish, browser):
    client = browser("resident1")
    publish(GRID_1)
    client.get("/notices/")
    few = count(client, "/notices/")
    for _ in range(6):
        publish(GRID_1)
    assert count(client, "/notices/") == few


def test_results_do_not_grow_with_readers(publish, caller, user):
    notice = publish(COMMUNITY_1, poll=True)
    client = caller("community1")
    client.get(f"/notices/{notice.pk}/results")
    before = count(client, f"/notices/{notice.pk}/results")
    for n in range(5):
        services.mark_read(actor=resident(f"reader{n}", GRID_1), notice=notice)
    assert count(client, f"/notices/{notice.pk}/results") == before
