"""Reports do not wait for each other's transactions on PostgreSQL (bench figure ``intake``).

The day's case number is taken in a statement of its own before the report's transaction, and the
roll-ups are appended, so a report whose transaction is still open holds no row another report needs.
Same set-up as ``test_concurrency``: threads with committing connections, cleaned up afterwards.
"""

import threading
import time

from tests.cases.conftest import GRID_1
from tests.cases.test_concurrency import _report, committed, in_thread  # noqa: F401 (a fixture)
from tests.postgres import concurrent_postgres
from wangge.accounts.models import User
from wangge.cases import services
from wangge.dashboard import rollups

pytestmark = concurrent_postgres("needs concurrent connections and row locks")


def test_a_report_completes_while_another_report_is_still_in_its_transaction(committed, monkeypatch):  # noqa: F811
    inside, release = threading.Event(), threading.Event()
    count_event = rollups.count_event

    def slow_for_the_first(case, event):
        count_event(case, event)
        if case.description == "慢":
            inside.set()
            release.wait(20)

    monkeypatch.setattr(rollups, "count_event", slow_for_the_first)
    monkeypatch.setattr(rollups, "fold_soon", lambda: None)
    resident = in_thread(User.objects.get, username="resident1")
    outcome: dict = {}

    def slow():
        from django.db import connections

        try:
            report = _report()
            report.description = "慢"
            outcome["slow"] = services.report_case(actor=resident, report=report)[0]
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        assert inside.wait(20), "the first report never reached its roll-ups"
        started = time.monotonic()
        fast = in_thread(lambda: services.report_case(actor=resident, report=_report())[0])
        waited = time.monotonic() - started
        committed.append(fast.pk)
    finally:
        release.set()
        thread.join(30)
    committed.append(outcome["slow"].pk)
    assert waited < 5, "the second report waited for the first one's transaction"
    assert fast.number != outcome["slow"].number
    assert fast.number.split("-")[:2] == outcome["slow"].number.split("-")[:2]
    assert fast.region.code.startswith(GRID_1[:6])
