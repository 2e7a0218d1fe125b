"""Region names refuse control characters at the API (422 naming the field)."""

from wangge.regions.models import Region


def test_a_region_name_with_an_escape_is_422_and_nothing_is_written(api):
    response = api("admin").post(
        "/regions", {"code": "329901001001099", "name": "网格\x1b", "level": "grid", "parent_code": "329901001001"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert not Region.objects.filter(code="329901001001099").exists()
