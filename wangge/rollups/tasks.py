"""Folding the roll-up deltas into the keyed tables (see ``rollups``): queued after an event commits
(at most once a second per process) and every minute regardless, on the huey consumer."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wangge.rollups import rollups


@db_task()
def fold_rollups() -> int:
    return rollups.fold_all()


@db_periodic_task(crontab(minute="*"))
def fold_rollups_every_minute() -> int:
    """The safety net: deltas left by a process that stopped before its queued fold ran."""
    return rollups.fold_all()
