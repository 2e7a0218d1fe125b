"""Boundaries: parse_boundary refuses what is not a valid WGS84 polygon; create/update check the tree."""

import pytest
from django.core.exceptions import ValidationError
from shapely.geometry import Polygon

from tests.regions.helpers import FRESH, draft, square
from wangge.regions import geometry, services
from wangge.regions.models import Region

BOW_TIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


def _field_messages(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def test_it_accepts_a_valid_polygon_and_returns_its_shape():
    geom = geometry.parse_boundary(square(120, 30, 121, 31))
    assert geom.geom_type == "Polygon"
    assert geom.bounds == (120.0, 30.0, 121.0, 31.0)
    assert geom.area == pytest.approx(1.0)


def test_it_accepts_a_multipolygon():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0, 1, 1)["coordinates"], square(2, 0, 3, 1)["coordinates"]],
    }
    geom = geometry.parse_boundary(multi)
    assert geom.geom_type == "MultiPolygon"
    assert geom.area == pytest.approx(2.0)


def test_it_rejects_a_self_intersecting_bow_tie_naming_boundary():
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary(BOW_TIE)
    messages = _field_messages(exc_info)
    assert list(messages) == ["boundary"]
    assert messages["boundary"][0].startswith("The boundary is not a valid polygon: Self-intersection")


@pytest.mark.parametrize(
    "coordinates",
    [
        [[["a", 0], [1, 0], [1, 1], ["a", 0]]],
        [[[None, 0], [1, 0], [1, 1], [None, 0]]],
        [[[True, 0], [1, 0], [1, 1], [True, 0]]],
        [["0,0", "1,0", "1,1", "0,0"]],
    ],
    ids=["text", "null", "boolean", "strings-for-positions"],
)
def test_it_rejects_non_numeric_coordinates(coordinates):
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary({"type": "Polygon", "coordinates": coordinates})
    messages = _field_messages(exc_info)
    assert list(messages) == ["boundary"]
    assert messages["boundary"][0].startswith("Coordinates must be numbers, found ")


@pytest.mark.parametrize(
    ("corner", "message"),
    [
        ((181, 0), "Longitude 181.0 is outside -180…180."),
        ((-180.5, 0), "Longitude -180.5 is outside -180…180."),
        ((0, 90.25), "Latitude 90.25 is outside -90…90."),
        ((0, -91), "Latitude -91.0 is outside -90…90."),
    ],
)
def test_it_rejects_longitude_or_latitude_out_of_range(corner, message):
    ring = [[0, 0], [1, 0], list(corner), [0, 0]]
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary({"type": "Polygon", "coordinates": [ring]})
    assert _field_messages(exc_info) == {"boundary": [message]}


def test_it_rejects_infinite_coordinates():
    ring = [[0, 0], [float("inf"), 0], [1, 1], [0, 0]]
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary({"type": "Polygon", "coordinates": [ring]})
    assert _field_messages(exc_info) == {"boundary": ["Every position needs a finite longitude and latitude."]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"type": "Point", "coordinates": [120, 30]}, "The boundary must be a Polygon or MultiPolygon, not Point."),
        (
            {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            "The boundary must be a Polygon or MultiPolygon, not LineString.",
        ),
        (
            {"coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            "The boundary must be a Polygon or MultiPolygon, not None.",
        ),
        ([[0, 0], [1, 0], [1, 1], [0, 0]], "The boundary must be a GeoJSON geometry object."),
        ("POLYGON((0 0, 1 0, 1 1, 0 0))", "The boundary must be a GeoJSON geometry object."),
    ],
    ids=["point", "linestring", "no-type", "bare-list", "wkt-text"],
)
def test_it_rejects_the_wrong_geometry_type(value, message):
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary(value)
    assert _field_messages(exc_info) == {"boundary": [message]}


@pytest.mark.parametrize("coordinates", [[], None, [[]]], ids=["empty-list", "null", "empty-ring"])
def test_it_rejects_empty_coordinates(coordinates):
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary({"type": "Polygon", "coordinates": coordinates})
    assert _field_messages(exc_info) == {"boundary": ["The boundary has no coordinates."]}


def test_it_rejects_a_lopsided_bow_tie_too():
    lopsided = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary(lopsided)
    assert _field_messages(exc_info) == {
        "boundary": ["The boundary is not a valid polygon: Self-intersection[0.666666666666667 0.666666666666667]"]
    }


def test_it_rejects_a_flat_polygon_as_invalid():
    flat = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary(flat)
    assert _field_messages(exc_info) == {"boundary": ["The boundary is not a valid polygon: Self-intersection[1 0]"]}


def test_it_names_the_field_it_is_told():
    with pytest.raises(ValidationError) as exc_info:
        geometry.parse_boundary(BOW_TIE, field="geometry")
    assert list(_field_messages(exc_info)) == ["geometry"]


def test_a_child_may_stick_out_of_its_parent_within_the_tolerance_only():
    parent = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    geometry.check_inside_parent(Polygon([(0, 0), (10.05, 0), (10.05, 10), (0, 10)]), parent)  # 0.5 % outside
    with pytest.raises(ValidationError) as exc_info:
        geometry.check_inside_parent(Polygon([(0, 0), (11, 0), (11, 10), (0, 10)]), parent)  # 9.1 % outside
    assert _field_messages(exc_info) == {"boundary": ["9.1% of the boundary lies outside its parent region."]}


def test_siblings_may_overlap_within_the_tolerance_only():
    west = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    touching = ("B", Polygon([(10, 0), (20, 0), (20, 10), (10, 10)]))
    slightly = ("C", Polygon([(9.95, 0), (20, 0), (20, 10), (9.95, 10)]))  # 0.5 % of the smaller
    clearly = ("D", Polygon([(8, 0), (20, 0), (20, 10), (8, 10)]))  # 20 % of the smaller
    assert geometry.overlapping_siblings(west, [touching, slightly]) == []
    assert geometry.overlapping_siblings(west, [touching, slightly, clearly]) == [("D", pytest.approx(20.0))]
    with pytest.raises(ValidationError) as exc_info:
        geometry.check_no_sibling_overlap(west, [clearly])
    assert _field_messages(exc_info) == {"boundary": ["The boundary overlaps sibling regions: D (20.0%)."]}


# --- through the services ------------------------------------------------------------------------


def test_create_region_accepts_a_valid_polygon_and_stores_its_box(fresh_tree):
    grid = fresh_tree[FRESH["grid"]]
    assert grid.boundary["type"] == "Polygon"
    assert (grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat) == (100.0, 30.0, 100.125, 30.125)
    stored = Region.objects.get(code=FRESH["grid"])
    assert geometry.parse_boundary(stored.boundary).equals(geometry.parse_boundary(square(100, 30, 100.125, 30.125)))


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (BOW_TIE, "The boundary is not a valid polygon: Self-intersection[0.5 0.5]"),
        (
            {"type": "Polygon", "coordinates": [[["x", 30], [100.1, 30], [100.1, 30.1], ["x", 30]]]},
            "Coordinates must be numbers, found 'x'.",
        ),
        (
            {"type": "Polygon", "coordinates": [[[100, 30], [190, 30], [100, 30.1], [100, 30]]]},
            "Longitude 190.0 is outside -180…180.",
        ),
        ({"type": "Point", "coordinates": [100, 30]}, "The boundary must be a Polygon or MultiPolygon, not Point."),
        ({"type": "Polygon", "coordinates": []}, "The boundary has no coordinates."),
        (square(100.2, 30.2, 100.3, 30.3), "100.0% of the boundary lies outside its parent region."),
        (square(100.0625, 30.0625, 100.25, 30.125), "66.7% of the boundary lies outside its parent region."),
        (
            square(100.03125, 30, 100.09375, 30.125),
            "The boundary overlaps sibling regions: 329801001001001001 (50.0%), 329801001001001002 (50.0%).",
        ),
    ],
    ids=["bow-tie", "text", "out-of-range", "point", "empty", "outside-parent", "partly-outside", "overlaps-siblings"],
)
def test_create_region_refuses_a_bad_boundary_and_stores_nothing(fresh_tree, admin_user, boundary, message):
    before = Region.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        services.create_region(
            actor=admin_user,
            draft=draft("329801001001001003", "第三微网格", "micro_grid", FRESH["grid"], boundary),
        )
    assert _field_messages(exc_info) == {"boundary": [message]}
    assert Region.objects.count() == before
    assert not Region.objects.filter(code="329801001001001003").exists()


def test_update_region_refuses_a_self_intersecting_boundary_and_keeps_the_old_one(fresh_tree, admin_user):
    west = fresh_tree[FRESH["west"]]
    before = Region.objects.get(pk=west.pk).boundary
    with pytest.raises(ValidationError) as exc_info:
        services.update_region(actor=admin_user, region=west, boundary=BOW_TIE)
    assert list(_field_messages(exc_info)) == ["boundary"]
    assert Region.objects.get(pk=west.pk).boundary == before


def test_update_region_refuses_a_boundary_overlapping_a_sibling(fresh_tree, admin_user):
    west = fresh_tree[FRESH["west"]]
    with pytest.raises(ValidationError) as exc_info:
        services.update_region(actor=admin_user, region=west, boundary=square(100, 30, 100.1, 30.125))
    assert _field_messages(exc_info) == {
        "boundary": ["The boundary overlaps sibling regions: 329801001001001002 (60.0%)."]
    }


def test_update_region_refuses_a_boundary_that_would_leave_children_outside(fresh_tree, admin_user):
    grid = fresh_tree[FRESH["grid"]]
    with pytest.raises(ValidationError) as exc_info:
        services.update_region(actor=admin_user, region=grid, boundary=square(100, 30, 100.0625, 30.125))
    assert _field_messages(exc_info) == {
        "boundary": ["These child regions would fall outside the new boundary: 329801001001001002."]
    }
    assert Region.objects.get(pk=grid.pk).max_lon == 100.125
