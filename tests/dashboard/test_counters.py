"""Counters on hand-built timelines with known answers: from the roll-ups kept by the services, from
the raw timeline, and from a rebuild — the same numbers, and the ones worked out by hand."""

from datetime import date

import pytest

from tests.dashboard import timelines
from wangge.accounts.models import User
from wangge.regions.models import Region
from wangge.rollups import raw, selectors
from wangge.rollups.models import ActorRollup, ActorRollupDelta
from wangge.rollups.rollups import department_node, rebuild_rollups
from wangge.rollups.timeline import ACTOR_COUNTERS, COUNTERS

MON, THU = date(2026, 3, 2), date(2026, 3, 5)


def nonzero(counter) -> dict:
    return {k: v for k, v in counter.items() if v}


@pytest.fixture
def built(flow):
    return timelines.build(flow)


def street_path():
    return Region.objects.get(code="329901001000").path


def test_the_eight_timelines_give_the_counters_worked_out_by_hand(built):
    node = street_path()
    assert nonzero(selectors.totals(node, MON, THU)) == timelines.EXPECTED
    assert nonzero(raw.counters(raw.Slice(node), MON, THU)) == timelines.EXPECTED


def test_city_management_is_credited_with_what_it_held(built, flow):
    node = department_node(flow.department.pk)
    assert nonzero(selectors.totals(node, MON, THU)) == timelines.EXPECTED_CITY_MANAGEMENT
    assert nonzero(raw.counters(raw.Slice(node), MON, THU)) == timelines.EXPECTED_CITY_MANAGEMENT
    street = selectors.region_node(Region.objects.get(path=street_path()))
    by_department = selectors.breakdown(street, "department", MON, THU)
    assert nonzero(by_department[str(flow.department.pk)]) == timelines.EXPECTED_CITY_MANAGEMENT


def test_each_event_counts_on_its_own_day(built):
    node = street_path()
    thursday = nonzero(selectors.totals(node, THU, THU))
    # B signed late, extended, handled twice, reworked once, closed; C signed, handled, closed, rated again.
    assert thursday == {
        "signed": 2,
        "signed_on_time": 1,
        "extended": 1,
        "handled": 3,
        "handled_on_time": 3,
        "verified": 3,
        "reworked": 1,
        "closed": 2,
        "rated": 1,
        "satisfied": 1,
    }
    # Cohort counters stay on the day the cases were reported or filed (Monday).
    monday = selectors.totals(node, MON, MON)
    assert (monday["due"], monday["finished"], monday["finished_on_time"], monday["responded"]) == (6, 5, 4, 8)
    assert nonzero(raw.counters(raw.Slice(node), THU, THU)) == thursday


def test_people_counters(built):
    for username, expected in timelines.EXPECTED_PEOPLE.items():
        user = User.objects.get(username=username)
        rows = [  # folded and not yet folded
            *ActorRollup.objects.filter(user_id=user.pk, day__range=(MON, THU)),
            *ActorRollupDelta.objects.filter(user_id=user.pk, day__range=(MON, THU)),
        ]
        totals = {name: sum(getattr(r, name) for r in rows) for name in ACTOR_COUNTERS}
        assert nonzero(totals) == expected, username


def test_a_rebuild_gives_back_the_same_tables(built, flow):
    node = street_path()
    before = {
        "street": selectors.totals(node, None, None),
        "department": selectors.totals(department_node(flow.department.pk), None, None),
        "children": selectors.children(selectors.region_node(Region.objects.get(path=node)), None, None),
    }
    people_before = _people()
    rebuild_rollups()
    assert selectors.totals(node, None, None) == before["street"]
    assert selectors.totals(department_node(flow.department.pk), None, None) == before["department"]
    region = selectors.region_node(Region.objects.get(path=node))
    assert {k: nonzero(v) for k, v in selectors.children(region, None, None).items() if nonzero(v)} == {
        k: nonzero(v) for k, v in before["children"].items() if nonzero(v)
    }
    assert _people() == people_before


def _people() -> dict:
    out = {}
    for row in [*ActorRollup.objects.all(), *ActorRollupDelta.objects.all()]:  # folded and not yet folded
        for name in ACTOR_COUNTERS:
            if getattr(row, name):
                out[(row.user_id, row.day, name)] = out.get((row.user_id, row.day, name), 0) + getattr(row, name)
    return out


def test_every_counter_has_a_definition():
    from wangge.rollups.timeline import DEFINITIONS

    assert set(COUNTERS) | set(ACTOR_COUNTERS) <= set(DEFINITIONS)
