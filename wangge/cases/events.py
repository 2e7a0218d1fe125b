"""What happens to a case, for the modules built on the loop: the one place they subscribe.

The case services publish; higher modules (the roll-up store, points, the inbox, …) subscribe from their
``AppConfig.ready()``, so ``cases`` imports none of them:

- ``subscribe(kind, handler)`` runs ``handler(notice)`` inside the transaction that writes the case: its
  rows commit or roll back with the case's (an exception aborts the whole write).
- ``subscribe(kind, handler, after_commit=True)`` runs it once that transaction has committed, never on
  a rollback (outside channels, messages that may be read by others).
- ``prepare=`` (in-transaction subscribers of ``REPORTED`` only) runs before the write transaction opens, with the facts known
  then; its answer is passed as ``handler(notice, prepared)``. Reads that need not hold the write lock
  go there (on SQLite one write transaction at a time).

Subscribers run in the order they registered, i.e. the order of ``INSTALLED_APPS`` (the store before
assessment: points are written after the roll-ups of the same event). A handler registered twice (a
``ready()`` that runs again) is kept once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

# A timeline row was written (the report, every transition and system flag): notice is ``Recorded``.
RECORDED = "recorded"
# A new case was reported, its first row written: ``Reported``; ``prepare(intake)`` with ``Intake``.
REPORTED = "reported"
# A transition or system flag changed the case (its row written): ``Moved``, with the state before.
MOVED = "moved"
# The deadline scan turned an open case yellow (due soon) or red (overdue): ``Coloured``.
WARNED = "warned"
OVERDUE = "overdue"
# The deadline scan finished a run: ``Scanned``.
SCANNED = "scanned"

KINDS = frozenset({RECORDED, REPORTED, MOVED, WARNED, OVERDUE, SCANNED})


@dataclass
class Recorded:
    case: Any
    event: Any
    # Derived facts a subscriber computed for the others of the same notice (e.g. the replayed timeline).
    memo: dict = field(default_factory=dict)


@dataclass
class Intake:
    """Known before a report's transaction: where the case will be handled, who reports it (None for the
    system or an anonymous caller) and when."""

    handling: Any
    reporter: Any = None
    at: datetime | None = None


@dataclass
class Reported:
    case: Any
    event: Any


@dataclass(frozen=True)
class Before:
    """The case's state when a transition began (the fields a subscriber compares with the saved case)."""

    status: str
    warning: str
    region_path: str
    assigned_department_id: int | None
    due_at: datetime | None

    @classmethod
    def of(cls, case) -> "Before":
        return cls(case.status, case.warning, case.region_path, case.assigned_department_id, case.due_at)


@dataclass
class Moved:
    case: Any
    event: Any
    before: Before
    now: datetime


@dataclass
class Coloured:
    case: Any
    now: datetime


@dataclass
class Scanned:
    now: datetime


@dataclass(frozen=True)
class Subscriber:
    handler: Callable
    after_commit: bool = False
    prepare: Callable | None = None


_subscribers: dict[str, list[Subscriber]] = {kind: [] for kind in KINDS}


def subscribe(kind: str, handler: Callable, *, after_commit: bool = False, prepare: Callable | None = None) -> None:
    """Register ``handler`` for ``kind`` (from an ``AppConfig.ready()``); registering it again changes nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown case event {kind!r}")
    if prepare is not None and (after_commit or kind != REPORTED):
        raise ValueError("prepare= is for in-transaction subscribers of a report")
    entry = Subscriber(handler, after_commit, prepare)
    if entry not in _subscribers[kind]:
        _subscribers[kind].append(entry)


def unsubscribe(kind: str, handler: Callable) -> None:
    _subscribers[kind] = [s for s in _subscribers[kind] if s.handler is not handler]


def subscribers(kind: str) -> list[Subscriber]:
    return list(_subscribers[kind])


Prepared = dict  # Subscriber → what its ``prepare`` answered


def prepare(kind: str, facts) -> Prepared:
    """Before the write transaction: run the ``prepare`` of ``kind``'s subscribers with ``facts``."""
    return {s: s.prepare(facts) for s in _subscribers[kind] if s.prepare is not None}


def publish(kind: str, notice, prepared: Prepared | None = None) -> None:
    """Run ``kind``'s in-transaction subscribers now and queue the others for after the commit."""
    for s in _subscribers[kind]:
        if s.after_commit:
            transaction.on_commit(lambda handler=s.handler: handler(notice))
        elif s.prepare is not None:
            s.handler(notice, prepared[s] if prepared is not None and s in prepared else s.prepare(_facts(notice)))
        else:
            s.handler(notice)


def _facts(notice):
    """What ``prepare`` is given when the publisher did not prepare (a report inside a larger transaction)."""
    case = notice.case
    return Intake(handling=case.handling_region, reporter=case.reporter, at=case.created_at)
