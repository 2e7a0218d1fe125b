"""`wangge demo` refuses a database that already holds regions unless told --if-empty."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wangge.accounts.models import User
from wangge.regions.models import BoundaryVersion, Region


def test_demo_refuses_a_database_that_holds_regions(db):
    before = (Region.objects.count(), User.objects.count())
    with pytest.raises(CommandError) as exc_info:
        call_command("demo", stdout=StringIO(), stderr=StringIO())
    assert str(exc_info.value) == "The database already holds regions. Use an empty database for the demo."
    assert (Region.objects.count(), User.objects.count()) == before


def test_demo_if_empty_says_so_and_changes_nothing(db):
    before = (Region.objects.count(), User.objects.count(), BoundaryVersion.objects.get(pk=1).version)
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out, stderr=StringIO())
    assert out.getvalue() == "The database already holds data; the demo town was not loaded again.\n"
    after = (Region.objects.count(), User.objects.count(), BoundaryVersion.objects.get(pk=1).version)
    assert after == before


@pytest.mark.parametrize("scale", ["0", "201"])
def test_demo_refuses_a_scale_out_of_range(db, scale):
    with pytest.raises(CommandError, match=r"^--scale must be between 1 and 200\.$"):
        call_command("demo", "--scale", scale, stdout=StringIO(), stderr=StringIO())


def test_the_demo_database_is_what_build_tree_describes(db):
    from wangge.regions.demo import build_tree, geometry

    def walk(node):
        yield node
        for child in node.children:
            yield from walk(child)

    built = {n.code: n for n in walk(build_tree(seed=2026))}
    stored = dict(Region.objects.values_list("code", "boundary"))
    assert set(stored) >= set(built)
    assert all(stored[code] == geometry.to_geojson(node.geom) for code, node in built.items())
