"""The region list and children.geojson cost the same number of queries for 1 child or 12."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import ApiClient
from wangge.accounts import services as account_services
from wangge.regions.models import Region

# Parents with different numbers of children: city 1, district 3, street 9, community 12, grid 5.
PARENTS = ["329900000000", "329901000000", "329901001000", "329901001001", "329901001001001"]
# Those that have a parent themselves (a feature for the parent names the grandparent: one query more).
CHILD_PARENTS = PARENTS[1:]


@pytest.fixture
def admin_api(user):
    key, _token = account_services.issue_token(user=user("admin"))
    client = ApiClient(key)
    client.get("/auth/me")  # the first use stamps last_used_at; later requests within a minute do not
    return client


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured)


def test_the_parents_do_have_different_numbers_of_children(db):
    counts = [Region.objects.filter(parent__code=code).count() for code in PARENTS]
    assert counts == [1, 3, 9, 12, 5]


def test_the_region_list_uses_a_constant_number_of_queries(admin_api):
    counts = {code: _queries(admin_api, "/regions", {"parent": code}) for code in PARENTS}
    assert len(set(counts.values())) == 1, counts
    # token and user, the lock-out check, the scope, the parent, the page and its count
    assert counts[PARENTS[0]] <= 7


def test_the_root_list_uses_a_small_number_of_queries(admin_api):
    assert _queries(admin_api, "/regions") <= 6


def test_children_geojson_uses_a_constant_number_of_queries(admin_api):
    counts = {code: _queries(admin_api, f"/regions/{code}/children.geojson") for code in CHILD_PARENTS}
    assert len(set(counts.values())) == 1, counts
    assert counts[CHILD_PARENTS[0]] <= 7
    assert _queries(admin_api, f"/regions/{PARENTS[0]}/children.geojson") == counts[CHILD_PARENTS[0]] - 1


def test_the_export_uses_a_constant_number_of_queries(admin_api):
    counts = {code: _queries(admin_api, f"/regions/{code}/export.geojson", {"depth": 1}) for code in PARENTS}
    assert len(set(counts.values())) == 1, counts
    assert counts[PARENTS[0]] <= 5


def test_the_region_list_of_a_district_stays_within_budget(admin_api, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        assert len(admin_api.get("/regions", {"parent": "329901000000"}).json()["items"]) == 3


def test_the_detail_uses_a_constant_number_of_queries_whatever_the_size_below(admin_api):
    # A district, a street and a community, with very different numbers of regions below: same cost.
    counts = {code: _queries(admin_api, f"/regions/{code}") for code in PARENTS[1:4]}
    assert len(set(counts.values())) == 1, counts
