"""Races on PostgreSQL: the same reader opening a notice twice at once leaves one receipt; the same resident
sending the poll twice at once leaves one response (the other is a 409). Each request runs its whole
production transaction on a connection of its own."""

import pytest
from django.utils import translation

from tests.notices.conftest import GRID_1, draft
from tests.postgres import concurrent_postgres, in_thread, race
from wangge.accounts.models import AuditLog, User
from wangge.core.errors import Conflict
from wangge.notices import services
from wangge.notices.models import Notice, PollResponse, ReadReceipt

pytestmark = concurrent_postgres("needs concurrent connections")


@pytest.fixture
def notice():
    """A notice with a poll, committed from a thread and deleted afterwards with what the races wrote."""
    last_log = in_thread(lambda: AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)

    def make():
        return services.publish(actor=User.objects.get(username="community1"), draft=draft(GRID_1, poll=True)).pk

    pk = in_thread(make)
    yield pk

    def clean_up():
        PollResponse.objects.filter(notice_id=pk).delete()  # answers protect their choices
        Notice.objects.filter(pk=pk).delete()
        AuditLog.objects.filter(pk__gt=last_log).delete()

    in_thread(clean_up)


def test_two_opens_at_once_leave_one_receipt(notice):
    def read(_n):
        return services.mark_read(actor=User.objects.get(username="resident1"), notice=Notice.objects.get(pk=notice))

    for _round in range(3):
        outcomes = race(read, 1, 2, 3)
        assert not [o for o in outcomes.values() if isinstance(o, Exception)], outcomes
    assert in_thread(lambda: ReadReceipt.objects.filter(notice_id=notice).count()) == 1


def test_two_answers_at_once_leave_one_response(notice):
    def choices():
        row = Notice.objects.get(pk=notice)
        return {q.pk: [q.choices.first().pk] for q in row.questions.all()}

    picked = in_thread(choices)

    def respond(_n):
        with translation.override("en"):
            return services.respond(
                actor=User.objects.get(username="resident1"), notice=Notice.objects.get(pk=notice), choices=picked
            ).pk

    outcomes = race(respond, 1, 2)
    kept = [o for o in outcomes.values() if isinstance(o, int)]
    refused = [o for o in outcomes.values() if isinstance(o, Conflict)]
    assert len(kept) == 1 and len(refused) == 1, outcomes
    assert in_thread(lambda: PollResponse.objects.filter(notice_id=notice).count()) == 1
