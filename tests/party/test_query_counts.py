"""Party lists cost the same number of queries for a short page as for a long one (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.party.conftest import COMMUNITY_1, STREET_1, general_of

pytestmark = pytest.mark.django_db


def queries(client, path: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(captured), len(response.json()["items"])


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/party/members", {"region": STREET_1}),
        ("/party/organisations", {"parent": None}),
        ("/party/items", {"community": STREET_1}),
        ("/party/registrations", {"community": STREET_1}),
    ],
)
def test_a_long_page_costs_what_a_short_one_does(caller, path, params):
    client = caller("leader")
    if params.get("parent", 0) is None:
        params = {"parent": general_of(COMMUNITY_1).pk}
    client.get(path, {**params, "size": 1})  # warm the token and the scope
    short, short_rows = queries(client, path, {**params, "size": 2})
    long, long_rows = queries(client, path, {**params, "size": 20})
    assert long_rows > short_rows
    assert long == short
