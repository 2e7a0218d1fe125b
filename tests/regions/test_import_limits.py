"""GeoJSON imports are measured before they are parsed: nesting depth (the API body and the admin file)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.regions.models import Region


def deep_collection(depth: int) -> str:
    coordinates = "[" * depth + "]" * depth
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "329901001001099"},'
        f' "geometry": {{"type": "Polygon", "coordinates": {coordinates}}}}}]}}'
    )


def test_a_geojson_file_nested_800_levels_is_refused_by_the_admin_page_naming_the_limit(browser_client, settings):
    settings.API_JSON_MAX_DEPTH = 32
    before = Region.objects.count()
    upload = SimpleUploadedFile("deep.geojson", deep_collection(800).encode(), "application/geo+json")
    response = browser_client("admin", language="en").post("/admin/regions/region/import/", {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The JSON nests arrays and objects more than 32 levels deep."]
    assert Region.objects.count() == before


def test_a_geojson_body_nested_800_levels_is_a_400_naming_the_body(api):
    json.loads(deep_collection(800))  # valid JSON, only deep
    response = api("admin").post("/regions/import?dry_run=true", raw=deep_collection(800))
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body"]
