"""The import_regions and export_regions commands, and the export → import round trip."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.regions.helpers import FRESH, square
from wangge.regions import selectors
from wangge.regions.models import Region

BOW_TIE = {"type": "Polygon", "coordinates": [[[90, 10], [90.5, 10.5], [90.5, 10], [90, 10.5], [90, 10]]]}


def _feature(code, name, level, parent_code=None, geometry=None):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent_code},
        "geometry": geometry,
    }


def _write(tmp_path, data, name="regions.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = {
    "type": "FeatureCollection",
    "features": [
        _feature("329701000000", "南方区", "district", "329700000000", square(90, 10, 91, 11)),
        _feature("329700000000", "南方市", "city", None, square(90, 10, 91, 11)),
    ],
}


def test_import_prints_every_problem_and_fails(tmp_path, db):
    data = {
        "type": "FeatureCollection",
        "features": [
            _feature("329700000000", "南方市", "city", None, square(90, 10, 91, 11)),
            _feature("329701000000", "领结区", "district", "329700000000", BOW_TIE),
            _feature("329702000000", "孤儿区", "district", "329799000000"),
        ],
    }
    before = Region.objects.count()
    err = StringIO()
    with pytest.raises(CommandError) as exc_info:
        call_command("import_regions", str(_write(tmp_path, data)), "--dry-run", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "feature 1 (329701000000): boundary: The boundary is not a valid polygon: Self-intersection[90.25 10.25]",
        "feature 2 (329702000000): parent_code: No region has the code 329799000000.",
    ]
    assert str(exc_info.value) == "2 problem(s) in 3 features; nothing was written."
    assert Region.objects.count() == before


def test_a_real_import_with_problems_writes_nothing(tmp_path, db):
    data = {"type": "FeatureCollection", "features": [*GOOD["features"], _feature("329702000000", "", "district")]}
    before = Region.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match=r"^1 problem\(s\) in 3 features; nothing was written\.$"):
        call_command("import_regions", str(_write(tmp_path, data)), stdout=StringIO(), stderr=err)
    assert err.getvalue() == "feature 2 (329702000000): name: The property name is missing.\n"
    assert Region.objects.count() == before


def test_a_valid_dry_run_says_so_and_writes_nothing(tmp_path, db):
    before = Region.objects.count()
    out, err = _run("import_regions", str(_write(tmp_path, GOOD)), "--dry-run")
    assert out == "All 2 features are valid; nothing was written (dry run).\n"
    assert err == ""
    assert Region.objects.count() == before


def test_a_real_import_prints_the_count_created(tmp_path, db):
    before = Region.objects.count()
    out, err = _run("import_regions", str(_write(tmp_path, GOOD)))
    assert out == "2 regions were created.\n"
    assert Region.objects.count() == before + 2
    assert Region.objects.get(code="329701000000").parent.code == "329700000000"


def test_a_file_level_problem_is_printed_without_a_feature_number(tmp_path, db):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_regions", str(_write(tmp_path, {"type": "Feature"})), stdout=StringIO(), stderr=err)
    assert err.getvalue() == "file: type: The file must hold a GeoJSON FeatureCollection.\n"


def test_import_refuses_a_file_that_is_not_json(tmp_path, db):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", ', encoding="utf-8")
    with pytest.raises(CommandError, match=r"^The file is not valid JSON: "):
        _run("import_regions", str(path))


def test_import_refuses_a_file_nested_800_levels_before_parsing_it(tmp_path, db):
    path = tmp_path / "deep.geojson"
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * 800 + "]" * 800 + "}", encoding="utf-8")
    with pytest.raises(CommandError, match=r"nests arrays and objects more than \d+ levels deep"):
        _run("import_regions", str(path))


def test_import_refuses_a_missing_file(tmp_path, db):
    with pytest.raises(CommandError, match=r"^Cannot read .*absent\.geojson"):
        _run("import_regions", str(tmp_path / "absent.geojson"))


def test_export_writes_the_subtree_down_to_the_depth(fresh_tree, tmp_path):
    out, _err = _run("export_regions", FRESH["street"], "--depth", "1")
    data = json.loads(out)
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == [FRESH["street"], FRESH["community"]]
    assert data["features"][0]["properties"] == {
        "code": FRESH["street"],
        "name": "试验街道",
        "level": "street",
        "parent_code": FRESH["district"],
        "households": 0,
        "population": 0,
        "special_kind": "",
    }
    assert data["features"][0]["geometry"] == fresh_tree[FRESH["street"]].boundary

    target = tmp_path / "out.geojson"
    out, _err = _run("export_regions", FRESH["city"], "-o", str(target))
    assert out == f"7 regions written to {target}.\n"
    written = json.loads(target.read_text(encoding="utf-8"))
    assert [f["properties"]["code"] for f in written["features"]] == [FRESH[k] for k in FRESH]


def test_export_depth_zero_is_the_region_alone(fresh_tree):
    out, _err = _run("export_regions", FRESH["grid"], "--depth", "0")
    assert [f["id"] for f in json.loads(out)["features"]] == [FRESH["grid"]]


def test_export_refuses_an_unknown_code_and_a_negative_depth(db):
    with pytest.raises(CommandError, match=r"^No region has the code 329999999999\.$"):
        _run("export_regions", "329999999999")
    with pytest.raises(CommandError, match=r"^--depth must be 0 or more\.$"):
        _run("export_regions", "329901000000", "--depth", "-1")


def _delete_subtree(root: Region) -> None:
    for region in Region.objects.filter(path__startswith=root.path).order_by("-depth"):
        region.delete()


def test_export_then_import_round_trips_a_subtree(fresh_tree, tmp_path):
    street = fresh_tree[FRESH["street"]]
    path = tmp_path / "street.geojson"
    _run("export_regions", FRESH["street"], "-o", str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    _delete_subtree(street)
    assert not Region.objects.filter(code__startswith="329801001").exists()

    out, _err = _run("import_regions", str(path))
    assert out == "5 regions were created.\n"
    again = selectors.export_feature_collection(Region.objects.get(code=FRESH["street"]))
    assert again == exported


def _empty_every_table_that_leads_to_regions() -> None:
    """Empty the regions table and every table whose rows point at it, directly or through other rows
    (ledgers, cases, memberships, departments…), whatever apps exist: one DELETE per table, no Python-side
    cascade. Foreign keys are checked at commit, so the order does not matter; ``check_constraints`` then
    proves that nothing left points at a deleted row."""
    from django.apps import apps
    from django.db import connection

    def points_at(model, targets) -> bool:
        return any(f.is_relation and f.concrete and f.related_model in targets for f in model._meta.get_fields())

    doomed = {Region}
    while grown := {m for m in apps.get_models(include_auto_created=True) if m not in doomed and points_at(m, doomed)}:
        doomed |= grown
    with connection.cursor() as cursor:
        for model in doomed:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 (a model's table)
    connection.check_constraints()


def test_export_then_import_round_trips_the_whole_demo_town_into_an_empty_database(db, tmp_path):
    path = tmp_path / "town.geojson"
    _run("export_regions", "329900000000", "-o", str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert len(exported["features"]) == 1 + 1 + 3 + 25 + 300 + 1500

    _empty_every_table_that_leads_to_regions()
    assert Region.objects.count() == 0

    out, _err = _run("import_regions", str(path))
    assert out == "1830 regions were created.\n"
    assert selectors.export_feature_collection(Region.objects.get(code="329900000000")) == exported
