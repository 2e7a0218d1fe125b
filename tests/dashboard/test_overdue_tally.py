"""The screen's "overdue now" comes from the overdue tally and equals the cases table at every moment.

Random workflows (``test_rollups_equal_raw.walk``), then the deadline scan at a later time, then more
transitions and time without a scan, a scan that stops after one case, a rebuild: after each, every
node's count and every map's counts per child region equal ``due_at <= now`` over the open cases.
"""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.test_list_queries import plan, sqlite_only
from tests.dashboard.helpers import GRID_1, GRID_OTHER_STREET, OPINION, sh
from tests.dashboard.test_rollups_equal_raw import walk
from wangge.accounts.models import Department
from wangge.cases import services, tasks
from wangge.cases.models import OPEN_STATUSES, Case
from wangge.cases.permissions import case_roles
from wangge.cases.services import IllegalTransition, StaleCase
from wangge.cases.workflow import RULES, actions_from
from wangge.dashboard import screen
from wangge.regions.models import Region
from wangge.rollups import overdue, rollups, selectors
from wangge.rollups.models import OverdueTally, OverdueTallyDelta, OverdueWatermark

CITY = "0000000001"


def late(now):
    return Case.objects.filter(due_at__lte=now, status__in=OPEN_STATUSES)


def by_child(cases, parent: str) -> Counter:
    width = len(parent) + 10
    paths = cases.filter(region_path__startswith=parent).values_list("region_path", flat=True)
    return Counter(path[:width] for path in paths)


def check(now) -> int:
    """Every node and map against the cases table; returns the city's count."""
    regions = Region.objects.filter(code__in=["329901001000", "329901002000", GRID_1, GRID_OTHER_STREET])
    for node in [CITY, *regions.values_list("path", flat=True)]:
        assert overdue.count(node, now) == late(now).filter(region_path__startswith=node).count(), node
        assert +overdue.count_by_child(node, len(node) + 10, now) == by_child(late(now), node), node
    for department in Department.objects.all():
        mine = late(now).filter(assigned_department=department)
        assert overdue.count(f"D{department.pk}", now) == mine.count(), department.code
        assert +overdue.count_by_child(CITY, len(CITY) + 10, now, department.pk) == by_child(mine, CITY)
    return overdue.count(CITY, now)


def tally_table() -> dict:
    return {node: n for node, n in OverdueTally.objects.values_list("node", "overdue") if n}


def _take_out_of_red(now) -> int:
    """Move some red cases on (a new stage, an extension, closing…): each leaves the tally."""
    from tests.dashboard.test_rollups_equal_raw import _params, _pool

    rng = random.Random(7)
    pool = _pool()
    moved = 0
    for case in Case.objects.filter(warning="red", status__in=OPEN_STATUSES).order_by("pk")[:8]:
        case = Case.objects.select_related("category", "region", "handling_region", "grid").get(pk=case.pk)
        for action in sorted(actions_from(case.status)):
            able = [u for u in pool if case_roles(u, case) & RULES[(case.status, action)].roles]
            if not able or action in ("supervise", "mark_urgent", "request_extension", "return"):
                continue
            try:
                services.transition(case, action, actor=able[0], opinion=OPINION, at=now, **_params(rng, case, action))
            except (IllegalTransition, StaleCase, PermissionDenied, ValidationError):
                continue
            moved += Case.objects.get(pk=case.pk).warning != "red"
            break
    return moved


@pytest.mark.parametrize("seed", [2, 3])  # seeds whose walks leave cases to fall due later
def test_the_tally_equals_the_cases_table_through_scans_transitions_and_folds(db, seed):
    walk(seed, count=18)
    now = sh(2026, 11, 25, 10, 0)
    before_scan = check(now)  # nothing is red yet: every overdue case is counted from the cases table
    assert before_scan > 0, "the walk left no overdue case"

    result = tasks.scan(now)
    assert result.red == before_scan
    assert OverdueTallyDelta.objects.exists()  # the scan's additions wait to be folded…
    assert check(now) == before_scan  # …and count meanwhile
    assert tasks.scan(now).red == 0 and check(now) == before_scan  # a second scan adds nothing

    rollups.fold(batch=3)
    assert check(now) == before_scan  # half folded
    rollups.fold_all()
    assert not OverdueTallyDelta.objects.exists() and tally_table()
    assert check(now) == before_scan

    later = now + timedelta(days=3)  # more cases fall due; no scan has run since
    assert _take_out_of_red(later) >= 1
    assert check(later) >= 1
    rollups.fold_all()
    check(later)

    tasks.scan(later)
    rollups.fold_all()
    city = check(later)
    tally = tally_table()
    assert tally[CITY] == city
    assert OverdueWatermark.objects.get().through == later  # the scan reached every due case

    rollups.rebuild_rollups(ledgers=False)  # a rebuild counts the red cases again: the same tally
    assert tally_table() == tally
    check(later)


def test_a_scan_that_stops_early_leaves_the_watermark_at_the_first_case_it_did_not_reach(db, monkeypatch):
    walk(3, count=18)
    now = sh(2026, 11, 28, 10, 0)
    due = list(late(now).order_by("due_at").values_list("due_at", flat=True))
    assert len(due) >= 3
    monkeypatch.setattr(tasks, "BATCH", 1)
    tasks.scan(now)
    assert Case.objects.filter(warning="red").count() == 1
    assert OverdueWatermark.objects.get().through == due[1]  # the second oldest is next
    check(now)
    monkeypatch.setattr(tasks, "BATCH", 2000)
    tasks.scan(now)
    assert OverdueWatermark.objects.get().through == now
    check(now)


def test_a_deadline_moved_into_the_past_brings_the_watermark_back(db, flow):
    """Marking a case urgent halves its stage's time: its deadline may now lie behind the last scan."""
    case = flow.report(at=sh(2026, 11, 23, 9, 0))
    case = flow.do(case, "accept", "operator", sh(2026, 11, 23, 9, 5))
    scan_time = case.due_at - timedelta(minutes=1)
    tasks.scan(scan_time)  # not due yet: the watermark moves to the scan's time
    assert OverdueWatermark.objects.get().through == scan_time
    now = scan_time + timedelta(seconds=30)
    urgent = flow.do(case, "mark_urgent", "dutychief", now)
    assert urgent.due_at < scan_time  # behind the watermark…
    assert OverdueWatermark.objects.get().through == urgent.due_at  # …which came back to it
    assert overdue.count(CITY, now) == late(now).count() == 1


def test_the_screen_shows_the_tally(db, flow, api):
    case = flow.report(at=sh(2026, 11, 23, 9, 0))
    flow.do(case, "accept", "operator", sh(2026, 11, 23, 9, 5))
    now = sh(2026, 12, 10, 9, 0)
    tasks.scan(now)
    rollups.fold_all()
    street = selectors.region_node(Region.objects.get(code="329901001000"))
    tiles = {tile.code: tile.value for tile in screen.summary(street, now).tiles}
    assert tiles["overdue"] == late(now).filter(region_path__startswith=street.key).count() == 1
    regions = screen.map_data(street, now).regions
    assert sum(r.overdue for r in regions.values()) == 1


@sqlite_only
@pytest.mark.parametrize("department", [False, True])
def test_the_cases_the_scan_has_not_reached_are_read_through_the_due_at_range(db, department):
    # Not through the status or department index: those walk every open case, or every case the
    # department ever had (a second at 5 M cases).
    department_id = Department.objects.order_by("pk").values_list("pk", flat=True).first() if department else None
    found = plan(overdue._unscanned(timezone.now(), department_id).values("id"))
    assert "cases_case_due_at" in found and "case_department_keyset" not in found, found


def test_the_roll_ups_spell_the_statuses_as_the_cases_app_does():
    # "Not finished" (``overdue.NOT_OPEN``) is derived from these plain strings: a status added to the
    # model and not here would be counted as open.
    from wangge.cases.models import Status
    from wangge.rollups import timeline

    assert set(timeline.STATUSES) == set(Status.values)
    assert set(timeline.OPEN_STATUSES) == set(OPEN_STATUSES)
    assert set(overdue.NOT_OPEN) == set(Status.values) - set(OPEN_STATUSES)
