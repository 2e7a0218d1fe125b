"""Senders at once on PostgreSQL: claims skip each other's rows (no delivery taken twice, none left out),
and two workers draining one outbox send each delivery exactly once. Each runs on a connection of its own,
on deliveries committed by another thread."""

import pytest
from django.utils import timezone

from tests.postgres import concurrent_postgres, in_thread, race
from wangge.core import pii
from wangge.webhooks import sending
from wangge.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription

pytestmark = concurrent_postgres("needs concurrent connections and row locks")

DUE = 40


@pytest.fixture
def outbox(receiver):
    """``DUE`` deliveries due now to the receiver, committed; removed afterwards with their log."""

    def fill():
        subscription = Subscription.objects.create(
            name="race", url=receiver.url, events=[], secret_encrypted=pii.encrypt("whsec_race"), secret_hint="race"
        )
        now = timezone.now()
        rows = Delivery.objects.bulk_create(
            Delivery(
                subscription=subscription, event="case.closed", body=f'{{"n":{n}}}', created_at=now, next_attempt_at=now
            )
            for n in range(DUE)
        )
        return subscription.pk, [row.pk for row in rows]

    subscription_pk, ids = in_thread(fill)
    yield ids
    in_thread(lambda: Subscription.objects.filter(pk=subscription_pk).delete())


def _no_errors(outcomes: dict) -> dict:
    errors = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert not errors, errors
    return outcomes


def test_senders_claiming_at_once_never_take_the_same_delivery(outbox):
    outcomes = _no_errors(race(lambda _n: [d.pk for d in sending.claim(now=timezone.now(), size=15)], 1, 2, 3, 4))
    claimed = [pk for pks in outcomes.values() for pk in pks]
    assert sorted(claimed) == sorted(outbox), "each delivery claimed once, none left out"


def test_two_workers_draining_one_outbox_send_each_delivery_once(outbox, receiver, settings):
    settings.WEBHOOKS_BATCH_SIZE = 5
    assert _no_errors(race(lambda _n: sending.send_due(), 1, 2)) == {1: [], 2: []}
    sent = [int(r["headers"]["X-Wangge-Delivery"]) for r in receiver.requests]
    assert sorted(sent) == sorted(outbox)

    def outcome():
        rows = Delivery.objects.filter(pk__in=outbox)
        return set(rows.values_list("status", "attempts")), Attempt.objects.filter(delivery__in=outbox).count()

    assert in_thread(outcome) == ({(DeliveryStatus.DELIVERED, 1)}, DUE)
