"""A region's chain of ancestors is read without the boundaries (breadcrumbs, handling regions and case
pages need names, codes and levels; the city's polygon is the largest row there is)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge.regions.models import Region

MICRO = "329901001001001001"


def test_ancestors_come_in_one_query_without_boundaries(db):
    micro = Region.objects.get(code=MICRO)
    with CaptureQueriesContext(connection) as captured:
        chain = micro.ancestors()
        labels = [(r.code, r.name, r.level, r.path, r.parent_id) for r in chain]
    assert len(captured.captured_queries) == 1
    assert '"boundary"' not in captured.captured_queries[0]["sql"]
    assert [code for code, *_ in labels] == ["329900000000", "329901000000", "329901001000", "329901001001", MICRO[:15]]
    assert all("boundary" in r.get_deferred_fields() for r in chain)


def test_a_boundary_read_from_an_ancestor_is_still_there(db):
    grid = Region.objects.get(code=MICRO).ancestors()[-1]
    assert grid.boundary == Region.objects.get(pk=grid.pk).boundary
    assert grid.boundary["type"] in ("Polygon", "MultiPolygon")
