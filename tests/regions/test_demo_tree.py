"""The demo town's tree: deterministic per seed, children inside parents, siblings apart."""

import pytest
import shapely

from wangge.regions import demo, geometry
from wangge.regions.models import Level


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


@pytest.fixture(scope="module")
def tree():
    return demo.build_tree(seed=2026)


def test_two_builds_with_the_same_seed_are_identical(tree):
    again = demo.build_tree(seed=2026)
    first, second = list(_walk(tree)), list(_walk(again))
    assert [(n.code, n.name, n.level, n.households) for n in first] == [
        (n.code, n.name, n.level, n.households) for n in second
    ]
    assert [shapely.to_wkb(n.geom) for n in first] == [shapely.to_wkb(n.geom) for n in second]
    assert [geometry.to_geojson(n.geom) for n in first] == [geometry.to_geojson(n.geom) for n in second]


def test_another_seed_gives_another_town(tree):
    other = demo.build_tree(seed=7)
    assert [n.code for n in _walk(other)] == [n.code for n in _walk(tree)]
    assert [n.name for n in _walk(other)] != [n.name for n in _walk(tree)]
    assert not other.geom.equals(tree.geom)


def test_the_tree_has_the_promised_shape(tree):
    counts = {level: 0 for level in Level.values}
    for node in _walk(tree):
        counts[node.level] += 1
    assert counts == {
        Level.CITY: 1,
        Level.DISTRICT: 1,
        Level.STREET: 3,
        Level.COMMUNITY: 25,
        Level.GRID: 296,
        Level.SPECIAL_GRID: 4,
        Level.MICRO_GRID: 1500,
    }
    codes = [n.code for n in _walk(tree)]
    assert len(codes) == len(set(codes)) == 1830


def test_every_child_lies_inside_its_parent_and_siblings_do_not_overlap(tree):
    checked_children = checked_groups = 0
    for node in _walk(tree):
        if not node.children:
            continue
        siblings = []
        for child in node.children:
            assert child.geom.is_valid, child.code
            assert child.geom.area > 0, child.code
            geometry.check_inside_parent(child.geom, node.geom)  # raises beyond the tolerance
            assert geometry.overlapping_siblings(child.geom, siblings) == [], child.code
            siblings.append((child.code, child.geom))
            checked_children += 1
        checked_groups += 1
    assert (checked_children, checked_groups) == (1829, 330)  # how fast: the bench figure ``kernels``


def test_every_child_code_extends_its_parent_code(tree):
    from wangge.regions.services import CODE_LENGTHS, SIGNIFICANT_DIGITS

    for node in _walk(tree):
        assert len(node.code) == CODE_LENGTHS[node.level], node.code
        if node.parent is not None:
            assert node.code.startswith(node.parent.code[: SIGNIFICANT_DIGITS[node.parent.level]]), node.code


def test_names_are_unique_under_each_parent(tree):
    for node in _walk(tree):
        names = [c.name for c in node.children]
        assert len(names) == len(set(names)), node.code


def test_scale_two_doubles_the_communities_without_writing(db):
    from wangge.regions.models import Region

    before = Region.objects.count()
    doubled = demo.build_tree(seed=2026, scale=2)
    nodes = list(_walk(doubled))
    communities = [n for n in nodes if n.level == Level.COMMUNITY]
    grids = [n for n in nodes if n.level in (Level.GRID, Level.SPECIAL_GRID)]
    assert len(communities) == 50
    assert len(grids) == 600
    assert sum(1 for n in nodes if n.level == Level.SPECIAL_GRID) == 8
    assert len({n.code for n in nodes}) == len(nodes)
    assert Region.objects.count() == before
