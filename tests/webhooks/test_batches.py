"""The outbox in batches, on both databases: a transition writes its deliveries in one statement without
reading the subscriptions (a snapshot per process) and queues one sending task; senders claim batches
that never overlap, POST a batch at once over pooled connections and write its outcomes together."""

import contextlib
import threading
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.webhooks.test_delivery import _report
from wangge.cases import services as case_services
from wangge.webhooks import sending, services, tasks
from wangge.webhooks.models import Attempt, Delivery, DeliveryStatus, Event, Subscription
from wangge.workcalendar.calendar import forget_calendar


def _subscribe(url: str, count: int = 3, events=(Event.CASE_TRANSITIONED,)) -> list[Subscription]:
    return [
        services.create_subscription(actor=None, name=f"receiver {n}", url=url, events=list(events))[0]
        for n in range(count)
    ]


def _pending(subscription: Subscription, count: int, at) -> list[int]:
    rows = Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription, event=Event.CASE_CLOSED, body=f'{{"n":{n}}}', created_at=at, next_attempt_at=at
        )
        for n in range(count)
    )
    return [row.pk for row in rows]


def _webhook_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "webhooks_" in q["sql"]]


def _writes(queries) -> list[str]:
    return [
        q["sql"].split(" SET ")[0].split(" (")[0]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE"))
    ]


# --- the transition's side ------------------------------------------------------------------------------


def test_a_transition_writes_its_deliveries_in_one_statement_and_reads_no_subscription(db, receiver, user, settings):
    settings.WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS = 3600
    settings.WORKCALENDAR_CHECK_SECONDS = settings.REGION_LOCATOR_CHECK_SECONDS = 3600
    forget_calendar()  # read again by the first transition, then not checked again in this test
    operator = user("operator")
    unheard, heard = _report(), _report()
    case_services.transition(_report(), "accept", actor=operator)  # this process's first transition
    with CaptureQueriesContext(connection) as without:
        case_services.transition(unheard, "accept", actor=operator)
    made = _subscribe(receiver.url)
    services.subscribers(Event.CASE_TRANSITIONED)  # the snapshot read again after the change, once
    with CaptureQueriesContext(connection) as with_three:
        case_services.transition(heard, "accept", actor=operator)
    assert _webhook_statements(without) == []
    [insert] = _webhook_statements(with_three)
    assert insert.startswith('INSERT INTO "webhooks_delivery"')
    assert len(with_three.captured_queries) == len(without.captured_queries) + 1
    written = Delivery.objects.filter(event=Event.CASE_TRANSITIONED, body__contains=heard.number)
    assert sorted(written.values_list("subscription", flat=True)) == sorted(s.pk for s in made)
    assert {d.status for d in written} == {DeliveryStatus.PENDING}


def test_one_sending_task_is_queued_per_transaction_whatever_it_wrote(db, receiver, django_capture_on_commit_callbacks):
    _subscribe(receiver.url, count=2, events=[Event.CASE_TRANSITIONED, Event.CASE_CLOSED, Event.CASE_REPORTED])
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            services.emit(Event.CASE_REPORTED, {"n": 0})
            raise RuntimeError("rolled back, and its queued task with it")
        services.emit_many([(Event.CASE_TRANSITIONED, {"n": 1}), (Event.CASE_CLOSED, {"n": 1})])
        services.emit(Event.CASE_REPORTED, {"n": 2})
        services.send_to(Subscription.objects.first(), "hotline.status", {"n": 3})
    assert Delivery.objects.count() == 7
    assert len(callbacks) == 1


def test_who_subscribed_is_read_once_per_interval_and_at_once_after_a_change_here(
    db, settings, django_assert_num_queries
):
    settings.WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS = 3600
    assert services.subscribers(Event.CASE_CLOSED) == ()
    with django_assert_num_queries(0):
        assert services.subscribed([Event.CASE_CLOSED, Event.CASE_RATED]) == {
            Event.CASE_CLOSED: (),
            Event.CASE_RATED: (),
        }
    [made] = _subscribe("http://127.0.0.1:9/", count=1, events=[Event.CASE_CLOSED])
    assert services.subscribers(Event.CASE_CLOSED) == (made.pk,)
    services.update_subscription(actor=None, subscription=made, events=[Event.CASE_RATED])
    assert (services.subscribers(Event.CASE_CLOSED), services.subscribers(Event.CASE_RATED)) == ((), (made.pk,))
    services.update_subscription(actor=None, subscription=made, is_active=False)
    assert services.subscribers(Event.CASE_RATED) == ()
    services.update_subscription(actor=None, subscription=made, is_active=True)
    services.delete_subscription(actor=None, subscription=made)
    assert services.subscribers(Event.CASE_RATED) == ()


def test_a_change_made_by_another_process_is_seen_after_the_interval(db, settings):
    settings.WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS = 3600
    [made] = _subscribe("http://127.0.0.1:9/", count=1, events=[Event.CASE_CLOSED])
    assert services.subscribers(Event.CASE_CLOSED) == (made.pk,)
    Subscription.objects.filter(pk=made.pk).update(events=[Event.CASE_RATED])  # not through this process
    assert services.subscribers(Event.CASE_CLOSED) == (made.pk,)
    settings.WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS = 0
    assert (services.subscribers(Event.CASE_CLOSED), services.subscribers(Event.CASE_RATED)) == ((), (made.pk,))


def test_a_subscription_paused_or_removed_elsewhere_gets_nothing_and_fails_no_transition(db, receiver, user, settings):
    settings.WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS = 3600
    kept, paused, removed = _subscribe(receiver.url)
    case = _report()
    assert len(services.subscribers(Event.CASE_TRANSITIONED)) == 3
    Subscription.objects.filter(pk=paused.pk).update(is_active=False)  # by another process: this one's
    Subscription.objects.filter(pk=removed.pk).delete()  # snapshot still names both
    case_services.transition(case, "accept", actor=user("operator"))
    written = Delivery.objects.filter(event=Event.CASE_TRANSITIONED, body__contains=case.number)
    assert list(written.values_list("subscription", flat=True)) == [kept.pk]
    connection.check_constraints()  # what the commit would check: no delivery of a removed subscription


# --- the sender's side ----------------------------------------------------------------------------------


def test_claims_in_turn_never_share_a_delivery_and_a_held_one_is_due_again_when_its_hold_ends(db, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1  # a batch of n is held n × 2 × 1 s + 30 s
    [subscription] = _subscribe("http://127.0.0.1:9/", count=1)
    now = timezone.now()
    ids = _pending(subscription, 7, now)
    batches = [sending.claim(now=now, size=3) for _ in range(3)]
    assert [len(b) for b in batches] == [3, 3, 1]
    assert sorted(d.pk for b in batches for d in b) == sorted(ids)
    assert sending.claim(now=now, size=10) == []
    assert Delivery.objects.get(pk=batches[0][0].pk).next_attempt_at == now + timedelta(seconds=36)
    assert sending.claim(now=now + timedelta(seconds=31), size=10) == []
    taken_again = sending.claim(now=now + timedelta(seconds=36), size=10)  # their sender died: due again
    assert sorted(d.pk for d in taken_again) == sorted(ids)


def test_a_batch_is_posted_at_once_and_its_outcomes_written_together(db, receiver):
    [subscription] = _subscribe(receiver.url, count=1)
    ids = _pending(subscription, 4, timezone.now())
    receiver.together = threading.Barrier(4, timeout=10)  # answers only once all four are in flight
    with CaptureQueriesContext(connection) as queries:
        assert sending.send_due() == []
    rows = Delivery.objects.filter(pk__in=ids)
    assert {(d.status, d.attempts, d.last_status_code) for d in rows} == {(DeliveryStatus.DELIVERED, 1, 200)}
    assert sorted(int(r["headers"]["X-Wangge-Delivery"]) for r in receiver.requests) == sorted(ids)
    assert _writes(queries) == [
        'UPDATE "webhooks_delivery"',  # the claim
        'INSERT INTO "webhooks_attempt"',  # the four log rows
        'UPDATE "webhooks_delivery"',  # the four outcomes (alike: one statement)
    ]


def test_failures_of_a_batch_come_back_after_their_backoff(db, receiver, settings):
    settings.WEBHOOKS_BACKOFF_SECONDS = 10
    receiver.status = 500
    [subscription] = _subscribe(receiver.url, count=1)
    now = timezone.now()
    ids = _pending(subscription, 3, now)
    assert sending.send_due(now=now) == [10]  # the task is scheduled again after 10 s
    rows = Delivery.objects.filter(pk__in=ids)
    assert {(d.status, d.attempts, d.next_attempt_at) for d in rows} == {
        (DeliveryStatus.PENDING, 1, now + timedelta(seconds=10))
    }
    assert sending.send_due(now=now + timedelta(seconds=9)) == []
    assert len(receiver.requests) == 3
    receiver.status = 200
    assert sending.send_due(now=now + timedelta(seconds=10)) == []
    assert {(d.status, d.attempts) for d in rows.all()} == {(DeliveryStatus.DELIVERED, 2)}
    assert (
        sorted(Attempt.objects.filter(delivery__in=ids).values_list("status_code", flat=True)) == [200] * 3 + [500] * 3
    )


def test_the_task_is_scheduled_again_after_the_wait_of_what_failed(db, receiver, settings, monkeypatch):
    settings.WEBHOOKS_BACKOFF_SECONDS = 10
    receiver.status = 500
    [subscription] = _subscribe(receiver.url, count=1)
    _pending(subscription, 2, timezone.now())
    scheduled = []
    monkeypatch.setattr(tasks.send_due, "schedule", lambda **when: scheduled.append(when))
    tasks.send_due.call_local()
    assert len(receiver.requests) == 2
    assert scheduled == [{"delay": 10}]  # once for both


def test_a_paused_subscriptions_deliveries_fail_unsent(db, receiver):
    [subscription] = _subscribe(receiver.url, count=1)
    ids = _pending(subscription, 2, timezone.now())
    services.update_subscription(actor=None, subscription=subscription, is_active=False)
    assert sending.send_due() == []
    assert receiver.requests == []
    assert {(d.status, d.last_error) for d in Delivery.objects.filter(pk__in=ids)} == {
        (DeliveryStatus.FAILED, "subscription inactive")
    }


def test_a_secret_this_process_cannot_read_fails_its_delivery_not_the_batch(db, receiver, settings):
    settings.WEBHOOKS_BACKOFF_SECONDS = 30
    readable, unreadable = _subscribe(receiver.url, count=2)
    Subscription.objects.filter(pk=unreadable.pk).update(secret_encrypted="gone:AAAA")  # a key since removed
    now = timezone.now()
    [sent] = _pending(readable, 1, now)
    [kept] = _pending(unreadable, 1, now)
    assert sending.send_due(now=now) == [30]
    assert [int(r["headers"]["X-Wangge-Delivery"]) for r in receiver.requests] == [sent]
    assert Delivery.objects.get(pk=sent).status == DeliveryStatus.DELIVERED
    kept = Delivery.objects.get(pk=kept)
    assert (kept.status, kept.attempts, kept.last_error) == (DeliveryStatus.PENDING, 1, "secret unreadable")


def test_deliveries_to_one_receiver_share_a_kept_alive_connection(db, keep_alive_receiver):
    [subscription] = _subscribe(keep_alive_receiver.url, count=1)
    for pk in _pending(subscription, 3, timezone.now()):
        assert sending.attempt(Delivery.objects.get(pk=pk)) is None
    assert len(keep_alive_receiver.requests) == 3
    assert len({r["port"] for r in keep_alive_receiver.requests}) == 1, "one connection, not one per POST"
