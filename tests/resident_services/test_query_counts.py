"""Service lists cost the same number of queries for a short page as for a long one (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries(client, path: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(captured), len(response.json()["items"])


@pytest.mark.parametrize(
    ("persona", "path", "params"),
    [
        ("community1", "/wishes", {}),
        ("resident1", "/wishes", {}),
        ("resident1", "/activities", {}),
        ("community1", "/activities", {}),
        ("resident1", "/service-points", {}),
        ("resident1", "/service-points", {"near": "120.9,31.4"}),
        ("leader", "/volunteer-teams", {}),
        ("leader", "/call-outs", {}),
    ],
)
def test_a_long_page_costs_what_a_short_one_does(caller, persona, path, params):
    client = caller(persona)
    client.get(path, {**params, "size": 1})  # warm the token and the scope
    short, short_rows = queries(client, path, {**params, "size": 2})
    long, long_rows = queries(client, path, {**params, "size": 12})
    assert long_rows > short_rows
    assert long == short
