from wangge.regions.models import Level, Region


def test_demo_town_has_the_promised_shape(db):
    counts = {level: Region.objects.filter(level=level).count() for level in Level.values}
    assert counts[Level.STREET] == 3
    assert counts[Level.COMMUNITY] == 25
    assert counts[Level.GRID] + counts[Level.SPECIAL_GRID] == 300
    assert 1 <= counts[Level.SPECIAL_GRID] <= 10
    assert counts[Level.MICRO_GRID] == 1500


def test_gridworker1_sees_only_their_grid_in_the_region_list(api):
    response = api("gridworker1").get("/regions")
    assert response.status_code == 200
    assert [r["level"] for r in response.json()["items"]] == ["grid"]


def test_the_region_list_comes_in_pages_by_code(api):
    client = api("community1")
    first = client.get("/regions", {"parent": "329901001001", "size": 5}).json()
    assert (len(first["items"]), first["count"]) == (5, 12)
    second = client.get("/regions", {"parent": "329901001001", "size": 5, "cursor": first["next_cursor"]}).json()
    codes = [r["code"] for r in first["items"] + second["items"]]
    assert codes == sorted(codes) and len(set(codes)) == 10
