"""Codes, names, levels and the materialized path of regions written through the services."""

import pytest
from django.core.exceptions import ValidationError

from tests.regions.helpers import FRESH, draft, square
from wangge.regions import services
from wangge.regions.models import PATH_STEP, Region

COMMUNITY = "329901001001"  # the demo community of gridworker1 and gridworker2
GRID_1 = "329901001001001"


def _create(admin_user, region_draft):
    return services.create_region(actor=admin_user, draft=region_draft)


def _refused(admin_user, region_draft) -> dict[str, list[str]]:
    before = Region.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        _create(admin_user, region_draft)
    assert Region.objects.count() == before
    return exc_info.value.message_dict


def test_it_refuses_an_unknown_parent_code_on_parent_code(admin_user):
    messages = _refused(admin_user, draft("329901001001099", "无主网格", "grid", "329901001099"))
    assert messages == {"parent_code": ["No region has the code 329901001099."]}


def test_it_refuses_a_duplicate_code_on_code(admin_user):
    messages = _refused(admin_user, draft(GRID_1, "另一个网格", "grid", COMMUNITY))
    assert messages == {"code": ["A region with the code 329901001001001 already exists."]}


def test_it_refuses_a_duplicate_name_under_the_same_parent_on_name(admin_user):
    taken = Region.objects.get(code=GRID_1).name
    messages = _refused(admin_user, draft("329901001001099", taken, "grid", COMMUNITY))
    assert messages == {"name": [f"Another region under the same parent is already called {taken}."]}


def test_the_same_name_is_fine_under_another_parent(admin_user):
    # Every demo grid has a micro-grid called 第1微网格; a new grid may have one too.
    grid = _create(admin_user, draft("329901001001099", "新网格", "grid", COMMUNITY))
    micro = _create(admin_user, draft("329901001001099001", "第1微网格", "micro_grid", grid.code))
    assert Region.objects.filter(name="第1微网格").count() == 301
    assert micro.parent_id == grid.pk


@pytest.mark.parametrize(
    ("code", "level", "parent", "message"),
    [
        ("329901001001099", "micro_grid", COMMUNITY, "A Micro-grid cannot be placed under Community/village."),
        ("329901001001", "community", GRID_1, "A Community/village cannot be placed under Grid."),
        ("329901001001099", "street", COMMUNITY, "A Street/town cannot be placed under Community/village."),
        ("329901001001099", "grid", None, "A Grid cannot be placed under the top of the tree."),
        ("329901001001099", "province", COMMUNITY, "Unknown level province."),
    ],
    ids=["micro-under-community", "community-under-grid", "street-under-community", "grid-at-top", "unknown"],
)
def test_it_refuses_a_level_the_parent_does_not_allow_on_level(admin_user, code, level, parent, message):
    messages = _refused(admin_user, draft(code, "层级错误", level, parent))
    assert messages == {"level": [message]}


@pytest.mark.parametrize(
    ("code", "level", "parent", "message"),
    [
        ("329901002001099", "grid", COMMUNITY, "The code 329901002001099 must extend its parent's code 329901001001."),
        ("329901001000", "community", "329901001000", "The code 329901001000 must extend its parent's code 329901001."),
        ("329902001000", "street", "329901000000", "The code 329902001000 must extend its parent's code 329901."),
        ("32990100100109", "grid", COMMUNITY, "A Grid code has 15 digits; 32990100100109 has 14."),
        ("32990100100109X", "grid", COMMUNITY, "The code must contain digits only."),
    ],
    ids=["other-community-prefix", "same-as-parent", "other-district-prefix", "too-short", "letters"],
)
def test_it_refuses_a_code_that_does_not_extend_its_parent_on_code(admin_user, code, level, parent, message):
    messages = _refused(admin_user, draft(code, "编码错误", level, parent))
    assert messages == {"code": [message]}


def test_it_refuses_a_blank_name_on_name(admin_user):
    assert _refused(admin_user, draft("329901001001099", "   ", "grid", COMMUNITY)) == {
        "name": ["The name is required."]
    }


def test_path_and_depth_follow_the_parent(fresh_tree):
    city, district, grid, west = (fresh_tree[FRESH[k]] for k in ("city", "district", "grid", "west"))
    assert (city.depth, district.depth, grid.depth, west.depth) == (0, 1, 4, 5)
    assert city.path == f"{city.pk:0{PATH_STEP}d}"
    assert district.path == city.path + f"{district.pk:0{PATH_STEP}d}"
    assert west.path == grid.path + f"{west.pk:0{PATH_STEP}d}"
    assert len(west.path) == 6 * PATH_STEP
    assert west.ancestor_ids() == [fresh_tree[FRESH[k]].pk for k in ("city", "district", "street", "community", "grid")]
    assert [r.code for r in west.ancestors()] == [FRESH[k] for k in ("city", "district", "street", "community", "grid")]
    assert Region.objects.get(pk=west.pk).path == west.path


def test_district_code_is_inherited_below_the_district(fresh_tree):
    assert fresh_tree[FRESH["city"]].district_code == ""
    assert {fresh_tree[FRESH[k]].district_code for k in FRESH if k != "city"} == {"329801"}


def test_path_startswith_finds_exactly_the_descendants(fresh_tree):
    street = fresh_tree[FRESH["street"]]
    below = Region.objects.filter(path__startswith=street.path).exclude(pk=street.pk)
    assert sorted(below.values_list("code", flat=True)) == [FRESH[k] for k in ("community", "grid", "west", "east")]


def test_path_startswith_finds_all_descendants_of_a_demo_street(db):
    street = Region.objects.get(code="329901001000")
    below = Region.objects.filter(path__startswith=street.path)
    assert below.count() == 1 + 9 + 9 * 12 + 9 * 12 * 5
    assert set(below.values_list("code", flat=True)) == {street.code} | {
        code for code in Region.objects.filter(code__startswith="329901001").values_list("code", flat=True)
    }


def test_a_child_without_boundary_may_hang_under_a_parent_with_one(admin_user):
    grid = _create(admin_user, draft("329901001001099", "无边界网格", "grid", COMMUNITY))
    assert grid.boundary is None
    assert (grid.min_lon, grid.center_lat) == (None, None)
    assert grid.depth == 4


def test_update_region_renames_and_refuses_a_sibling_name(fresh_tree, admin_user):
    west, east = fresh_tree[FRESH["west"]], fresh_tree[FRESH["east"]]
    renamed = services.update_region(actor=admin_user, region=west, name=" 西边微网格 ")
    assert renamed.name == "西边微网格"
    with pytest.raises(ValidationError) as exc_info:
        services.update_region(actor=admin_user, region=east, name="西边微网格")
    assert exc_info.value.message_dict == {
        "name": ["Another region under the same parent is already called 西边微网格."]
    }
    assert Region.objects.get(pk=east.pk).name == "东微网格"


def test_a_new_top_level_city_needs_no_parent(admin_user):
    city = _create(admin_user, draft("329700000000", "空城", "city", None, square(90, 10, 91, 11)))
    assert (city.parent_id, city.depth, city.path) == (None, 0, f"{city.pk:0{PATH_STEP}d}")
