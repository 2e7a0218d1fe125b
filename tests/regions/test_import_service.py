"""services.import_feature_collection: every bad feature reported by index; all or nothing."""

import pytest

from tests.regions.helpers import FRESH, square
from wangge.regions import services
from wangge.regions.models import PATH_STEP, BoundaryVersion, Region

BOW_TIE = {"type": "Polygon", "coordinates": [[[90, 10], [90.5, 10.5], [90.5, 10], [90, 10.5], [90, 10]]]}


def feature(code, name, level, parent_code=None, geometry=None, **extra) -> dict:
    properties = {"code": code, "name": name, "level": level, "parent_code": parent_code, **extra}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def problems(report) -> list[tuple[int, str, str, str]]:
    return [(p.index, p.code, p.field, p.message) for p in report.problems]


# A new city far from everything else (lon 90…91, lat 10…11), with a district and two streets.
CITY = feature("329700000000", "南方市", "city", None, square(90, 10, 91, 11))
DISTRICT = feature("329701000000", "南方区", "district", "329700000000", square(90, 10, 91, 11))
STREET_A = feature("329701001000", "甲街道", "street", "329701000000", square(90, 10, 90.5, 11))
STREET_B = feature("329701002000", "乙街道", "street", "329701000000", square(90.5, 10, 91, 11), households=12)
VALID = collection(CITY, DISTRICT, STREET_A, STREET_B)


@pytest.fixture
def region_count(db):
    return Region.objects.count()


def test_a_dry_run_reports_every_bad_feature_by_index_and_writes_nothing(admin_user, region_count):
    data = collection(
        CITY,  # 0
        DISTRICT,  # 1
        feature("329701001000", "领结街道", "street", "329701000000", BOW_TIE),  # 2
        feature("329701002000", "孤儿街道", "street", "329799000000", square(90, 10.5, 90.1, 10.6)),  # 3
        feature("329701003000", "丙街道", "street", "329701000000", square(90.1, 10.5, 90.2, 10.6)),  # 4
        feature("329701003000", "丁街道", "street", "329701000000", square(90.2, 10.5, 90.3, 10.6)),  # 5
        feature("329701004000", "", "street", "329701000000", square(90.3, 10.5, 90.4, 10.6)),  # 6
        feature("329701005000", "戊街道", "street", "329701000000", square(90.5, 10, 91, 10.5)),  # 7
        feature("329701006000", "己街道", "street", "329701000000", square(90.6, 10, 91, 10.5)),  # 8
    )
    report = services.import_feature_collection(actor=admin_user, data=data, dry_run=True)
    assert (report.total, report.created, report.dry_run, report.ok) == (9, 0, True, False)
    assert problems(report) == [
        (6, "329701004000", "name", "The property name is missing."),
        (
            2,
            "329701001000",
            "boundary",
            "The boundary is not a valid polygon: Self-intersection[90.25 10.25]",
        ),
        (3, "329701002000", "parent_code", "No region has the code 329799000000."),
        (5, "329701003000", "code", "The code 329701003000 appears again (first at feature 4)."),
        (7, "329701005000", "geometry", "The boundary overlaps 329701006000 by 100.0%."),
    ]
    assert Region.objects.count() == region_count
    assert not Region.objects.filter(code__startswith="3297").exists()


def test_a_valid_dry_run_reports_ok_and_writes_nothing(admin_user, region_count):
    version = BoundaryVersion.objects.get(pk=1).version
    report = services.import_feature_collection(actor=admin_user, data=VALID, dry_run=True)
    assert (report.total, report.created, report.ok, report.problems) == (4, 0, True, [])
    assert Region.objects.count() == region_count
    assert BoundaryVersion.objects.get(pk=1).version == version


def test_a_real_run_with_one_bad_feature_writes_nothing(admin_user, region_count):
    bad = feature("329701003000", "丙街道", "street", "329701000000", {"type": "Point", "coordinates": [90, 10]})
    with pytest.raises(services.ImportFailed) as exc_info:
        services.import_feature_collection(actor=admin_user, data=collection(*VALID["features"], bad), dry_run=False)
    report = exc_info.value.report
    assert (report.total, report.created, report.dry_run) == (5, 0, False)
    assert problems(report) == [
        (4, "329701003000", "boundary", "The boundary must be a Polygon or MultiPolygon, not Point.")
    ]
    assert Region.objects.count() == region_count


def test_a_real_run_writes_parents_before_children_whatever_the_file_order(admin_user, region_count):
    data = collection(STREET_B, STREET_A, DISTRICT, CITY)
    report = services.import_feature_collection(actor=admin_user, data=data, dry_run=False)
    assert (report.total, report.created, report.ok) == (4, 4, True)
    assert Region.objects.count() == region_count + 4
    city = Region.objects.get(code="329700000000")
    district = Region.objects.get(code="329701000000")
    street_b = Region.objects.get(code="329701002000")
    assert (city.parent_id, district.parent_id, street_b.parent_id) == (None, city.pk, district.pk)
    assert street_b.path == city.path + f"{district.pk:0{PATH_STEP}d}" + f"{street_b.pk:0{PATH_STEP}d}"
    assert (street_b.depth, street_b.district_code, street_b.household_count) == (2, "329701", 12)
    assert (street_b.min_lon, street_b.max_lon) == (90.5, 91.0)
    below = Region.objects.filter(path__startswith=city.path).order_by("code").values_list("code", flat=True)
    assert list(below) == ["329700000000", "329701000000", "329701001000", "329701002000"]


def test_a_real_run_moves_the_boundary_version(admin_user):
    version = BoundaryVersion.objects.get(pk=1).version
    services.import_feature_collection(actor=admin_user, data=VALID, dry_run=False)
    assert BoundaryVersion.objects.get(pk=1).version == version + 1


def test_features_are_checked_against_the_regions_already_stored(admin_user, fresh_tree):
    data = collection(
        feature("329801001001002", "重叠网格", "grid", FRESH["community"], square(100.0625, 30, 100.1875, 30.125)),
        feature("329801001001003", "出界网格", "grid", FRESH["community"], square(100.2, 30.2, 100.3, 30.3)),
        feature("329801001001004", "试验网格", "grid", FRESH["community"], square(100.125, 30.125, 100.25, 30.25)),
        feature("329801001001001", "重号网格", "grid", FRESH["community"]),
        feature("329801001001001003", "错层", "micro_grid", FRESH["community"]),
        feature("329801002001005", "错号网格", "grid", FRESH["community"]),
    )
    report = services.import_feature_collection(actor=admin_user, data=data, dry_run=True)
    assert problems(report) == [
        (3, "329801001001001", "code", "A region with the code 329801001001001 already exists."),
        (
            0,
            "329801001001002",
            "boundary",
            "The boundary overlaps sibling regions: 329801001001001 (50.0%).",
        ),
        (1, "329801001001003", "boundary", "75.0% of the boundary lies outside its parent region."),
        (2, "329801001001004", "name", "Another region under the same parent is already called 试验网格."),
        (5, "329801002001005", "code", "The code 329801002001005 must extend its parent's code 329801001001."),
        (4, "329801001001001003", "level", "A Micro-grid cannot be placed under Community/village."),
    ]


def test_a_new_top_level_region_may_not_overlap_an_existing_one(admin_user):
    overlapping = feature("329600000000", "叠城", "city", None, square(120.8, 31.3, 121.0, 31.5))
    report = services.import_feature_collection(actor=admin_user, data=collection(overlapping), dry_run=True)
    assert [(p.index, p.field) for p in report.problems] == [(0, "boundary")]
    assert report.problems[0].message.startswith("The boundary overlaps sibling regions: 329900000000 (")


def test_two_features_with_the_same_name_under_one_parent_are_refused(admin_user):
    twin = feature("329701003000", "甲街道", "street", "329701000000", square(90, 10, 90.1, 10.1))
    report = services.import_feature_collection(
        actor=admin_user, data=collection(CITY, DISTRICT, STREET_A, twin), dry_run=True
    )
    assert problems(report) == [
        (3, "329701003000", "name", "Another region under the same parent is already called 甲街道.")
    ]


def test_a_new_top_level_region_may_not_take_an_existing_top_level_name(admin_user):
    namesake = feature("329600000000", "云州市", "city", None, square(80, 0, 81, 1))
    report = services.import_feature_collection(actor=admin_user, data=collection(namesake), dry_run=True)
    assert problems(report) == [
        (0, "329600000000", "name", "Another region under the same parent is already called 云州市.")
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], [(-1, "", "type", "The file must hold a GeoJSON FeatureCollection.")]),
        ({"type": "Feature"}, [(-1, "", "type", "The file must hold a GeoJSON FeatureCollection.")]),
        ({"type": "FeatureCollection"}, [(-1, "", "features", "The FeatureCollection has no features list.")]),
        (
            {"type": "FeatureCollection", "features": ["x", {"type": "Feature"}]},
            [
                (0, "", "properties", "The feature has no properties."),
                (1, "", "properties", "The feature has no properties."),
            ],
        ),
        (
            collection({"type": "Feature", "properties": {"name": "无号"}}),
            [(0, "", "code", "The property code is missing."), (0, "", "level", "The property level is missing.")],
        ),
    ],
    ids=["list", "single-feature", "no-features", "no-properties", "missing-code-and-level"],
)
def test_a_malformed_file_is_reported(admin_user, data, expected):
    report = services.import_feature_collection(actor=admin_user, data=data, dry_run=True)
    assert problems(report) == expected
    assert report.ok is False
