"""The hotline link: orders posted by the hotline's signed webhook, and status, opinion and closure sent
back as signed webhooks through the webhooks' delivery (retries, log, replay)."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.hotline.conftest import order
from wangge.cases import events
from wangge.cases import services as case_services
from wangge.hotline import services, status_push
from wangge.hotline.models import Channel, HotlineOrder
from wangge.webhooks import sending, signing
from wangge.webhooks.models import Delivery


@pytest.fixture
def link(db, receiver):
    subscription, secret = services.set_link(actor=None, url=receiver.url)
    subscription.secret = secret
    return subscription


def _post(body: dict, secret: str | None):
    raw = json.dumps(body).encode()
    headers = {"HTTP_X_SIGNATURE": signing.sign(secret, raw)} if secret else {}
    return Client().post("/api/v1/hotline/orders", raw, content_type="application/json", **headers)


def test_the_hotline_posts_signed_orders(mapping, link):
    body = {"orders": [order("HL20261206001"), order("HL20261206002")]}
    assert _post(body, None).status_code == 401
    assert _post(body, "not the secret").status_code == 401
    dry = _post({**body, "dry_run": True}, link.secret)
    assert dry.status_code == 200 and dry.json()["created"] == 0 and not HotlineOrder.objects.exists()
    done = _post(body, link.secret)
    assert done.status_code == 200 and done.json()["created"] == 2
    assert HotlineOrder.objects.get(number="HL20261206001").channel == Channel.WEBHOOK
    again = _post(body, link.secret)
    assert again.status_code == 200 and again.json()["duplicates"] == 2 and HotlineOrder.objects.count() == 2
    broken = _post({"orders": [order("HL20261206003", category="NOPE")]}, link.secret)
    assert broken.status_code == 400 and broken.json()["rows"][0]["errors"][0]["field"] == "category"


def _post_raw(raw: bytes, secret: str | None):
    headers = {"HTTP_X_SIGNATURE": signing.sign(secret, raw)} if secret else {}
    return Client().post("/api/v1/hotline/orders", raw, content_type="application/json", **headers)


def test_the_signature_is_checked_before_the_body(mapping, link):
    """An unsigned or wrongly signed body is 401 whatever it holds: nothing about its shape is answered."""
    malformed = [b'{"orders": "not a list"}', b'{"orders": [1, 2]}', b'{"dry_run": "maybe"}', b"{not json"]
    for raw in malformed:
        assert _post_raw(raw, None).status_code == 401, raw
        assert _post_raw(raw, "not the secret").status_code == 401, raw
    # Signed, the same bodies are judged: a schema mismatch is 422 naming the field, broken JSON 400.
    wrong = _post_raw(b'{"orders": "not a list"}', link.secret)
    assert wrong.status_code == 422 and "orders" in json.dumps(wrong.json())
    assert _post_raw(b"{not json", link.secret).status_code == 400
    assert not HotlineOrder.objects.exists()


def test_no_link_no_orders(mapping, db):
    assert _post({"orders": [order("HL20261206009")]}, "anything").status_code == 401


def test_status_and_opinion_go_back_signed_after_the_commit(
    mapping, link, receiver, user, django_capture_on_commit_callbacks
):
    assert _post({"orders": [order("HL20261207001")]}, link.secret).status_code == 200
    hotline_order = HotlineOrder.objects.get(number="HL20261207001")
    with django_capture_on_commit_callbacks(execute=False):
        case_services.transition(hotline_order.case, "accept", actor=user("operator"), opinion="已受理，转街道")
    [delivery] = Delivery.objects.filter(subscription=link, event=status_push.EVENT)
    assert receiver.requests == []  # only queued in the transition
    sending.attempt(delivery)
    [request] = receiver.requests
    assert signing.valid(link.secret, request["body"], request["headers"]["X-Wangge-Signature"])
    sent = json.loads(request["body"])["data"]
    assert sent["hotline_number"] == "HL20261207001" and sent["status"] == "accepted"
    assert sent["opinion"] == "已受理，转街道" and sent["closed"] is False
    hotline_order.refresh_from_db()
    assert hotline_order.last_pushed_status == "accepted"


def test_closure_is_sent_as_closed(mapping, link):
    assert _post({"orders": [order("HL20261207002")]}, link.secret).status_code == 200
    hotline_order = HotlineOrder.objects.get(number="HL20261207002")
    case = hotline_order.case
    case.status, case.closed_at = "closed", timezone.now()
    event = type("E", (), {"action": "close", "opinion": "已办结", "at": timezone.now()})()
    status_push.case_moved(events.Moved(case, event, events.Before.of(case), timezone.now()))
    sent = json.loads(Delivery.objects.get(subscription=link, body__contains="已办结").body)["data"]
    assert sent["closed"] is True and sent["hotline_number"] == "HL20261207002"


def test_other_cases_send_nothing_to_the_hotline(link, user):
    from tests.webhooks.test_delivery import _report

    case_services.transition(_report(), "accept", actor=user("operator"))
    assert not Delivery.objects.filter(subscription=link).exists()


def test_the_link_is_set_by_administrators_and_its_secret_shown_once(api, db):
    assert api("leader").client.put(
        "/api/v1/hotline/link", "{}", content_type="application/json", **api("leader").headers
    ).status_code in (403, 422)
    admin = api("admin")
    body = json.dumps({"url": "http://127.0.0.1:9/12345"})
    made = admin.client.put("/api/v1/hotline/link", body, content_type="application/json", **admin.headers)
    assert made.status_code == 200 and made.json()["secret"].startswith("whsec_")
    changed = admin.client.put("/api/v1/hotline/link", body, content_type="application/json", **admin.headers)
    assert changed.status_code == 200 and changed.json()["secret"] == ""
    assert changed.json()["subscription"] == made.json()["subscription"]
