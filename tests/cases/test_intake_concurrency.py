"""Reports do not wait for each other's transactions on PostgreSQL (bench figure ``intake``).

The day's case number is taken in a statement of its own before the report's transaction, and the
roll-ups are appended, so a report whose transaction is still open holds no row another report needs.
Threads with committing connections, cleaned up afterwards (``tests/postgres.py``).
"""

import threading

from tests.cases.conftest import GRID_1
from tests.cases.test_concurrency import _report
from tests.postgres import committed, concurrent_postgres, in_thread  # noqa: F401 (a fixture)
from wangge.accounts.models import User
from wangge.cases import events, services

pytestmark = concurrent_postgres("needs concurrent connections and row locks")

BOUND = 60  # seconds a report may take on a busy machine; only reached when it waits for the other


def test_a_report_completes_while_another_report_is_still_in_its_transaction(committed, monkeypatch):  # noqa: F811
    # The first report is held inside its transaction (after its roll-ups) until the second one has
    # committed. Were the second to need a row the first holds, it could not finish while the first is
    # held: it fails after ``BOUND`` seconds instead of being timed.
    inside, release, slow_done = threading.Event(), threading.Event(), threading.Event()

    def held_for_the_first(notice):
        if notice.case.description == "慢":
            inside.set()
            release.wait(BOUND * 3)

    # The last subscriber of the event's transaction: after the roll-ups and the points.
    held = [*events.subscribers(events.RECORDED), events.Subscriber(held_for_the_first)]
    monkeypatch.setitem(events._subscribers, events.RECORDED, held)
    resident = in_thread(User.objects.get, username="resident1")
    outcome: dict = {}

    def slow():
        from django.db import connections

        try:
            report = _report()
            report.description = "慢"
            outcome["slow"] = services.report_case(actor=resident, report=report)[0]
        finally:
            slow_done.set()
            connections.close_all()

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        assert inside.wait(BOUND), "the first report never reached its roll-ups"
        fast = in_thread(lambda: services.report_case(actor=resident, report=_report())[0], timeout=BOUND)
        committed.append(fast.pk)
        assert not slow_done.is_set(), "the first report was released before the second one finished"
    finally:
        release.set()
        thread.join(BOUND * 3)
    committed.append(outcome["slow"].pk)
    assert fast.number != outcome["slow"].number
    assert fast.number.split("-")[:2] == outcome["slow"].number.split("-")[:2]
    assert fast.region.code.startswith(GRID_1[:6])
