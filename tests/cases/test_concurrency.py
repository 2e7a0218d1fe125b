"""Races between real database connections (PostgreSQL only).

Two threads, each with its own connection, must see committed rows. A ``transaction=True`` test
would flush the database afterwards and wipe the session's demo town for every later test, so these
tests keep the ordinary rolled-back test transaction on the main connection (it stays empty) and do
all their work from other threads, whose connections commit; ``committed`` deletes exactly what they
created. Notifications and the roll-up fold are stubbed so that nothing is queued for the consumer.
"""

import threading

import pytest
from django.db import connections

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from tests.postgres import concurrent_postgres
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case, CaseEvent, CaseSequence
from wangge.dashboard import rollups

pytestmark = concurrent_postgres("the races need concurrent connections and row locks")


def in_thread(work, *args, **kwargs):
    """``work(*args, **kwargs)`` on a fresh connection of its own (autocommit), outside the test transaction."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work(*args, **kwargs)
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the thread hung"
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
def committed(monkeypatch):
    """A list of case ids to delete afterwards; case numbering is restored as it was."""
    monkeypatch.setattr(services.notifications, "case_reported", lambda case, recipients=None: None)
    monkeypatch.setattr(services.notifications, "case_moved", lambda case, event: None)
    monkeypatch.setattr(rollups, "fold_soon", lambda: None)  # no roll-up fold queued either
    before = in_thread(lambda: {(s.district_code, s.day): s.last for s in CaseSequence.objects.all()})
    created: list[int] = []
    yield created

    def clean_up():
        Case.objects.filter(pk__in=created).delete()
        for sequence in CaseSequence.objects.all():
            key = (sequence.district_code, sequence.day)
            if key not in before:
                sequence.delete()
            elif sequence.last != before[key]:
                CaseSequence.objects.filter(pk=sequence.pk).update(last=before[key])

    in_thread(clean_up)


def _report(key: str = "") -> services.Report:
    lon, lat = point_in(GRID_1)
    return services.Report(category=CATEGORY, description="并发测试", lon=lon, lat=lat, idempotency_key=key)


@pytest.mark.parametrize(("with_version", "loser"), [(True, services.StaleCase), (False, services.IllegalTransition)])
def test_two_accepts_at_once_make_exactly_one(committed, with_version, loser):
    case = in_thread(lambda: services.report_case(actor=User.objects.get(username="resident1"), report=_report())[0])
    committed.append(case.pk)
    copies = {u: in_thread(Case.objects.get, pk=case.pk) for u in ("operator", "dispatcher")}  # both see version 0

    def accept(username):
        actor = User.objects.get(username=username)
        expected = copies[username].version if with_version else None
        return services.transition(copies[username], "accept", actor=actor, opinion=username, expected_version=expected)

    outcomes = race(accept, "operator", "dispatcher")
    winners = [who for who, outcome in outcomes.items() if isinstance(outcome, Case)]
    losers = [outcome for outcome in outcomes.values() if not isinstance(outcome, Case)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and type(losers[0]) is loser, outcomes

    def stored():
        fresh = Case.objects.get(pk=case.pk)
        events = list(CaseEvent.objects.filter(case=fresh).values_list("seq", "action", "opinion"))
        return fresh.status, fresh.version, events

    status, version, events = in_thread(stored)
    assert (status, version) == ("accepted", 1)
    assert events == [(1, "report", ""), (2, "accept", winners[0])]


def test_the_same_idempotency_key_twice_at_once_makes_one_case(committed):
    resident = in_thread(User.objects.get, username="resident1")
    key = f"{resident.pk}:race-key"

    outcomes = race(lambda _attempt: services.report_case(actor=resident, report=_report(key="race-key")), 1, 2)
    committed.extend(in_thread(lambda: list(Case.objects.filter(idempotency_key=key).values_list("pk", flat=True))))
    assert all(isinstance(o, tuple) for o in outcomes.values()), outcomes
    (first, first_created), (second, second_created) = outcomes.values()
    assert (first.pk, first.number) == (second.pk, second.number)
    assert sorted([first_created, second_created]) == [False, True]
    assert len(committed) == 1
