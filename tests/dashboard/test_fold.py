"""Roll-up deltas: an event appends its differences (no keyed row is written in its transaction), a fold
moves them into the keyed tables exactly once, and readers are exact before, during and after."""

import pytest

from tests.dashboard.helpers import STREET_1, sh
from wangge.regions.models import Region
from wangge.rollups import raw, rollups, selectors
from wangge.rollups.models import (
    ActorRollup,
    ActorRollupDelta,
    CaseRollup,
    CaseRollupDelta,
    RollupCube,
    RollupCubeDelta,
)

MON = sh(2026, 3, 2, 9, 0)


def nonzero(counter) -> dict:
    return {k: v for k, v in counter.items() if v}


def _keyed() -> dict:
    return {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in (CaseRollup, RollupCube, ActorRollup)}


def _street():
    return Region.objects.get(code=STREET_1).path


def test_an_event_appends_deltas_and_writes_no_keyed_row(flow):
    keyed = _keyed()
    case = flow.report(MON)
    assert _keyed() == keyed  # the hot rows (city, district, street today) are not touched
    assert CaseRollupDelta.objects.count() == 1
    assert RollupCubeDelta.objects.filter(node=_street(), dim="", value="").get().reported == 1
    assert ActorRollupDelta.objects.get().reports == 1
    flow.do(case, "accept", "operator", sh(2026, 3, 2, 9, 30))
    assert _keyed() == keyed
    assert selectors.totals(_street(), None, None)["accepted"] == 1


def test_readers_see_unfolded_deltas_and_the_fold_changes_no_figure(flow):
    for minute in range(3):
        case = flow.report(sh(2026, 3, 2, 10, minute))
        flow.do(case, "accept", "operator", sh(2026, 3, 2, 11, minute))
    street = _street()
    expected = nonzero(raw.counters(raw.Slice(street), None, None))
    assert expected["reported"] == 3
    before = nonzero(selectors.totals(street, None, None))
    assert before == expected
    assert rollups.fold_all() > 0
    assert rollups.pending() == 0
    assert nonzero(selectors.totals(street, None, None)) == expected
    assert rollups.fold_all() == 0  # nothing left: a second fold changes nothing
    assert nonzero(selectors.totals(street, None, None)) == expected


def test_a_fold_is_idempotent_and_adds_onto_folded_rows(flow):
    street = _street()
    flow.report(MON)
    rollups.fold_all()
    flow.report(MON)  # the same keys again: folded onto the rows the first fold created
    rollups.fold_all()
    rollups.fold_all()
    assert RollupCube.objects.get(node=street, dim="", value="", day=MON.date()).reported == 2
    assert ActorRollup.objects.get().reports == 2
    assert rollups.pending() == 0


def test_a_failed_fold_loses_nothing(flow, monkeypatch):
    flow.report(MON)
    pending = rollups.pending()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(rollups, "upsert", broken)
    with pytest.raises(RuntimeError):
        rollups.fold()
    assert rollups.pending() == pending  # the claimed rows came back with the rollback
    monkeypatch.undo()
    rollups.fold_all()
    assert selectors.totals(_street(), None, None)["reported"] == 1


def test_a_fold_is_queued_after_commit_at_most_once_a_second(flow, monkeypatch, django_capture_on_commit_callbacks):
    from wangge.rollups import tasks

    queued = []
    monkeypatch.setattr(tasks, "fold_rollups", lambda: queued.append(1))
    monkeypatch.setattr(rollups, "_next_fold", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        flow.report(MON)
        flow.report(MON)
    assert queued == [1]
    monkeypatch.setattr(rollups, "_next_fold", 0.0)  # a second later
    with django_capture_on_commit_callbacks(execute=True):
        flow.report(MON)
    assert queued == [1, 1]


def test_the_fold_runs_every_minute_on_the_consumer():
    from huey.contrib.djhuey import HUEY

    from wangge.rollups import tasks

    assert tasks.fold_rollups_every_minute.task_class in HUEY._registry._periodic_tasks
