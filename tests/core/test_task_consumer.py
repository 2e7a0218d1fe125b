"""Background work through the real queue and a real consumer: the consumer ``wangge serve`` starts
(``manage.py run_huey``, as ``serve.consumer_argv`` builds it) in its own process, on this run's queue
(Redis in the PostgreSQL run of ``make test``, else the SQLite file) and this run's test database.

A report commits in a thread; after commit it queues the roll-up fold and the delivery of its inbox
messages, as in production. The consumer must fold every delta (figures unchanged, nothing left
pending) and deliver every message (a ``Delivery`` record per message). PostgreSQL only: the consumer,
another process, must see committed rows of the test database.
"""

import os
import signal
import subprocess
import time

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY

from tests.cases.test_concurrency import _report
from tests.postgres import committed, concurrent_postgres, in_thread  # noqa: F401 (a fixture)
from wangge.accounts.models import User
from wangge.cases import services
from wangge.core.management.commands import serve
from wangge.inbox.models import Delivery, Message
from wangge.rollups import rollups, selectors

pytestmark = concurrent_postgres("the consumer is another process: it sees only committed rows")

CITY = "0000000001"
PATIENCE = 180  # seconds for the consumer to start and do the work; only reached when something is wrong


def database_url() -> str:
    """The URL of this run's test database, for the consumer process."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def consumer(tmp_path):
    """start() → a running consumer process; stopped as ``wangge serve`` stops it (SIGINT), its log kept."""
    started: list[subprocess.Popen] = []
    log = tmp_path / "consumer.log"

    def start() -> subprocess.Popen:
        argv = [*serve.consumer_argv(workers=2), "--no-periodic"]  # only what this test queues
        env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "wangge.settings"}
        with log.open("wb") as out:
            process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        started.append(process)
        return process

    yield start
    for process in started:
        serve.stop(process, signal.SIGINT, timeout=30)
    if started:
        print(log.read_text(errors="replace")[-4000:])  # shown when the test fails


def until(condition, what: str, process: subprocess.Popen):
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if value := condition():
            return value
        assert process.poll() is None, f"the consumer stopped (exit {process.returncode}) before {what}"
        time.sleep(0.5)
    pytest.fail(f"the consumer did not {what} within {PATIENCE} s")


def test_the_consumer_folds_the_roll_ups_and_delivers_the_messages_a_report_queued(
    committed,  # noqa: F811
    consumer,
    monkeypatch,
    settings,
):
    settings.NOTIFY_CHANNELS = ["wangge.inbox.channels.LoggingChannel"]
    monkeypatch.setattr(rollups, "_next_fold", 0.0)  # a fold queued by an earlier test must not hold this one back
    HUEY.flush()  # tasks earlier tests queued (no consumer took them): not this test's
    in_thread(rollups.fold_all)

    def report():
        resident = User.objects.get(username="resident1")
        case = services.report_case(actor=resident, report=_report())[0]
        committed.append(case.pk)
        messages = list(Message.objects.filter(url=f"/cases/{case.number}/").values_list("pk", flat=True))
        return case, messages

    _case, messages = in_thread(report)
    before, pending = in_thread(lambda: (selectors.totals(CITY, None, None), rollups.pending()))
    assert messages and pending > 0
    assert HUEY.pending_count() == 2  # the fold and the delivery, queued after the report committed

    process = consumer()
    try:
        until(lambda: in_thread(rollups.pending) == 0, "fold the report's roll-up deltas", process)

        def deliveries():
            rows = Delivery.objects.filter(message_id__in=messages).values_list("message_id", "channel", "ok")
            return sorted(rows) if len(rows) >= len(messages) else None

        delivered = until(lambda: in_thread(deliveries), "deliver the report's messages", process)
        assert delivered == sorted((pk, "log", True) for pk in messages)
        assert in_thread(lambda: selectors.totals(CITY, None, None)) == before  # folded, not recounted
        assert HUEY.pending_count() == 0
    finally:

        def forget_the_report():
            from wangge.cases.models import Case

            Case.objects.filter(pk__in=committed).delete()
            rollups.rebuild_rollups(ledgers=False)

        in_thread(forget_the_report)
