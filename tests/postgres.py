"""What tests that race real connections share: their marks (PostgreSQL only: SQLite has one writer),
threads on connections of their own, and the clean-up of what those threads committed.

Two threads, each with its own connection, must see committed rows. A ``transaction=True`` test would
flush the database afterwards and wipe the session's demo town for every later test, so these tests
keep the ordinary rolled-back test transaction on the main connection (it stays empty: it must hold
no row lock a thread would wait for) and do all their work from other threads, whose connections
commit; ``committed`` deletes what they created.
"""

import threading

import pytest
from django.db import connection, connections

from wangge.cases.models import Case, CaseSequence
from wangge.inbox.models import Message


def concurrent_postgres(reason: str) -> list:
    """The module marks of a race test: skipped, with ``reason``, unless the database is PostgreSQL."""
    return [
        pytest.mark.postgres_only,
        pytest.mark.django_db,
        pytest.mark.skipif(connection.vendor != "postgresql", reason=f"{reason}: run with DATABASE_URL=postgres://…"),
    ]


def in_thread(work, *args, timeout: float = 60, **kwargs):
    """``work(*args, **kwargs)`` on a fresh connection of its own (autocommit), outside the test transaction;
    fails if it has not returned within ``timeout`` seconds."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work(*args, **kwargs)
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=timeout)
    assert not thread.is_alive(), f"the thread had not finished after {timeout} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def race(work, *arguments):
    """``work(argument)`` in one thread per argument, released together by a barrier → {argument: outcome}."""
    barrier = threading.Barrier(len(arguments), timeout=10)
    outcomes: dict = {}

    def run(argument):
        try:
            barrier.wait()
            outcomes[argument] = work(argument)
        except Exception as exc:  # the loser's exception is the result under test
            outcomes[argument] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not t.is_alive() for t in threads), "a thread hung"
    return outcomes


@pytest.fixture
def committed():
    """A list of case ids to delete afterwards, with the inbox messages written meanwhile; case numbering
    is restored as it was. Nothing is stubbed: each report and move runs its whole production transaction
    (inbox rows, roll-up deltas) and queues what production queues after commit (on this run's own queue)."""
    before = in_thread(lambda: {(s.district_code, s.day): s.last for s in CaseSequence.objects.all()})
    last_message = in_thread(lambda: Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    created: list[int] = []
    yield created

    def clean_up():
        Message.objects.filter(pk__gt=last_message).delete()
        Case.objects.filter(pk__in=created).delete()
        for sequence in CaseSequence.objects.all():
            key = (sequence.district_code, sequence.day)
            if key not in before:
                sequence.delete()
            elif sequence.last != before[key]:
                CaseSequence.objects.filter(pk=sequence.pk).update(last=before[key])

    in_thread(clean_up)
