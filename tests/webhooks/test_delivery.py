"""Signed deliveries to a real receiver: queued in the transaction of what happened, sent after the
commit, retried with exponential backoff, every attempt logged, finally failed, and replayable."""

from datetime import timedelta

import pytest

from tests.cases.conftest import GRID_1, point_in
from wangge.cases import services as case_services
from wangge.webhooks import sending, services, signing
from wangge.webhooks.models import Delivery, DeliveryStatus, Event
from wangge.webhooks.tasks import send_due, sweep


@pytest.fixture
def subscription(db, receiver):
    made, secret = services.create_subscription(
        actor=None, name="区平台", url=receiver.url, events=[Event.CASE_TRANSITIONED, Event.CASE_REPORTED]
    )
    made.secret = secret
    return made


def _report():
    lon, lat = point_in(GRID_1)
    case, _created = case_services.report_case(
        actor=None,
        report=case_services.Report(category="0101", description="井盖破损", lon=lon, lat=lat, source="patrol"),
    )
    return case


@pytest.fixture
def case(db):
    return _report()


def test_a_transition_only_queues_the_delivery_and_it_is_sent_after_the_commit(
    subscription, receiver, case, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_services.transition(case, "accept", actor=user("operator"), opinion="受理")
    [delivery] = Delivery.objects.filter(subscription=subscription, event=Event.CASE_TRANSITIONED)
    # Inside the transaction: the delivery row exists, nothing was sent, the send waits for the commit.
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert receiver.requests == []
    assert callbacks, "the send is queued for after the commit"
    assert sending.attempt(delivery) is None
    [request] = receiver.requests
    body = request["body"]
    assert signing.valid(subscription.secret, body, request["headers"]["X-Wangge-Signature"])
    assert not signing.valid("another secret", body, request["headers"]["X-Wangge-Signature"])
    assert request["headers"]["X-Wangge-Event"] == "case.transitioned"
    assert request["headers"]["X-Wangge-Delivery"] == str(delivery.pk)
    sent = receiver.json()
    assert sent["event"] == "case.transitioned"
    assert sent["data"]["number"] == case.number
    assert sent["data"]["step"]["action"] == "accept" and sent["data"]["step"]["opinion"] == "受理"
    assert "contact_phone" not in body.decode() and "reporter" not in sent["data"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    [logged] = delivery.log.all()
    assert logged.status_code == 200 and logged.duration_ms >= 0 and logged.error == ""


def test_no_subscription_no_delivery(case, user):
    case_services.transition(case, "accept", actor=user("operator"))
    assert not Delivery.objects.exists()


def test_an_inactive_subscription_gets_nothing(subscription, case, user):
    services.update_subscription(actor=None, subscription=subscription, is_active=False)
    case_services.transition(case, "accept", actor=user("operator"))
    assert not Delivery.objects.filter(subscription=subscription, event=Event.CASE_TRANSITIONED).exists()


def test_a_500_is_retried_with_growing_waits_logged_and_finally_failed(subscription, receiver, case, user, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_BACKOFF_SECONDS = 10
    receiver.status = 500
    case_services.transition(case, "accept", actor=user("operator"))
    delivery = Delivery.objects.get(subscription=subscription, event=Event.CASE_TRANSITIONED)
    first = delivery.next_attempt_at
    assert sending.attempt(delivery, now=first) == 10
    delivery.refresh_from_db()
    assert sending.attempt(delivery, now=first) is None, "not due yet: nothing sent"
    assert len(receiver.requests) == 1
    assert delivery.next_attempt_at == first + timedelta(seconds=10)
    assert sending.attempt(delivery, now=delivery.next_attempt_at) == 20
    delivery.refresh_from_db()
    assert sending.attempt(delivery, now=delivery.next_attempt_at) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 3, 500)
    assert [(a.number, a.status_code, a.error) for a in delivery.log.all()] == [
        (1, 500, "HTTP 500"),
        (2, 500, "HTTP 500"),
        (3, 500, "HTTP 500"),
    ]
    assert len(receiver.requests) == 3
    assert len({r["body"] for r in receiver.requests}) == 1, "every attempt sends the same signed body"


def test_a_timeout_is_retried_logged_and_finally_failed(subscription, receiver, case, user, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    receiver.delay = 2
    case_services.transition(case, "accept", actor=user("operator"))
    delivery = Delivery.objects.get(subscription=subscription, event=Event.CASE_TRANSITIONED)
    wait = sending.attempt(delivery)
    assert wait == settings.WEBHOOKS_BACKOFF_SECONDS
    delivery.refresh_from_db()
    assert sending.attempt(delivery, now=delivery.next_attempt_at) is None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert [(a.status_code, a.error) for a in delivery.log.all()] == [(None, "timeout"), (None, "timeout")]


def test_a_dead_receiver_is_logged(subscription, case, user, settings, receiver):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.stop()
    case_services.transition(case, "accept", actor=user("operator"))
    delivery = Delivery.objects.get(subscription=subscription, event=Event.CASE_TRANSITIONED)
    sending.attempt(delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None
    assert delivery.last_error  # the error's kind (connection refused)
    receiver.server = type("Stopped", (), {"shutdown": lambda s: None, "server_close": lambda s: None})()


def test_replay_sends_the_same_body_again_as_a_new_delivery(subscription, receiver, case, user, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.status = 500
    case_services.transition(case, "accept", actor=user("operator"))
    failed = Delivery.objects.get(subscription=subscription, event=Event.CASE_TRANSITIONED)
    sending.attempt(failed)
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED
    receiver.status = 204
    again = services.replay(actor=user("admin"), delivery=failed)
    assert again.pk != failed.pk and again.replay_of_id == failed.pk
    send_due.call_local()  # what the queued task does (it sends the report's delivery too, in the same batch)
    again.refresh_from_db()
    assert again.status == DeliveryStatus.DELIVERED and again.last_status_code == 204
    [first] = [r for r in receiver.requests if r["headers"]["X-Wangge-Delivery"] == str(failed.pk)]
    [replayed] = [r for r in receiver.requests if r["headers"]["X-Wangge-Delivery"] == str(again.pk)]
    assert replayed["body"] == first["body"]
    assert signing.valid(subscription.secret, replayed["body"], replayed["headers"]["X-Wangge-Signature"])


def test_a_report_is_an_event_and_each_subscription_gets_its_own_delivery(db, receiver):
    made = [
        services.create_subscription(actor=None, name=name, url=receiver.url, events=[Event.CASE_REPORTED])[0]
        for name in ("a", "b")
    ]
    services.create_subscription(actor=None, name="c", url=receiver.url, events=[Event.DEVICE_ALARM])
    case = _report()
    rows = Delivery.objects.filter(event=Event.CASE_REPORTED)
    assert sorted(rows.values_list("subscription", flat=True)) == sorted(s.pk for s in made)
    assert {r.body for r in rows} == {rows[0].body} and case.number in rows[0].body


def test_the_sweep_sends_deliveries_whose_task_was_lost(subscription, receiver, case, user):
    case_services.transition(case, "accept", actor=user("operator"))  # no commit here: no task was queued
    lost = sorted(Delivery.objects.filter(subscription=subscription).values_list("pk", flat=True))
    assert len(lost) == 2  # the report's and the transition's
    sweep.call_local()
    assert sorted(int(r["headers"]["X-Wangge-Delivery"]) for r in receiver.requests) == lost
    assert set(Delivery.objects.filter(pk__in=lost).values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
