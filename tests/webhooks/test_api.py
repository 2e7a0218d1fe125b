"""/api/v1/webhooks: administrators only; the secret is answered once; the log pages; replay queues."""

from wangge.webhooks import services
from wangge.webhooks.models import Delivery, Subscription


def test_only_administrators_manage_subscriptions(api):
    assert api("leader").get("/webhooks/subscriptions").status_code == 403
    assert (
        api("resident1")
        .post("/webhooks/subscriptions", {"name": "x", "url": "http://x", "events": ["case.closed"]})
        .status_code
        == 403
    )


def test_the_secret_is_shown_once(api):
    admin = api("admin")
    made = admin.post(
        "/webhooks/subscriptions", {"name": "区平台", "url": "http://127.0.0.1:9/hook", "events": ["case.closed"]}
    )
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    assert secret.startswith("whsec_") and made.json()["secret_hint"] == secret[-4:]
    stored = Subscription.objects.get(pk=made.json()["id"])
    assert secret not in stored.secret_encrypted
    read = admin.get(f"/webhooks/subscriptions/{stored.pk}").json()
    assert "secret" not in read
    listed = admin.get("/webhooks/subscriptions").json()
    assert secret not in str(listed) and stored.pk in [s["id"] for s in listed["items"]]
    rotated = admin.post(f"/webhooks/subscriptions/{stored.pk}/rotate-secret").json()["secret"]
    assert rotated != secret


def test_bad_input_names_the_field(api):
    admin = api("admin")
    bad_url = admin.post("/webhooks/subscriptions", {"name": "x", "url": "ftp://x", "events": ["case.closed"]})
    assert bad_url.status_code == 400 and bad_url.json()["errors"][0]["field"] == "url"
    bad_event = admin.post("/webhooks/subscriptions", {"name": "x", "url": "http://x", "events": ["case.eaten"]})
    assert bad_event.status_code == 422


def test_change_delete_deliveries_and_replay(api, db):
    admin = api("admin")
    subscription, _secret = services.create_subscription(
        actor=None, name="x", url="http://127.0.0.1:9/", events=["case.closed"]
    )
    changed = admin.patch(f"/webhooks/subscriptions/{subscription.pk}", {"is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    delivery = services.send_to(Subscription.objects.get(pk=subscription.pk), "case.closed", {"n": 1})
    assert delivery is None  # inactive
    services.update_subscription(actor=None, subscription=subscription, is_active=True)
    delivery = services.send_to(subscription, "case.closed", {"n": 1})
    page = admin.get("/webhooks/deliveries", {"subscription": subscription.pk, "size": 1})
    assert page.status_code == 200 and [d["id"] for d in page.json()["items"]] == [delivery.pk]
    detail = admin.get(f"/webhooks/deliveries/{delivery.pk}").json()
    assert detail["log"] == [] and '"n":1' in detail["body"]
    replayed = admin.post(f"/webhooks/deliveries/{delivery.pk}/replay")
    assert replayed.status_code == 202 and replayed.json()["replay_of"] == delivery.pk
    assert admin.get("/webhooks/deliveries/99999999").status_code == 404
    removed = admin.client.delete(f"/api/v1/webhooks/subscriptions/{subscription.pk}", **admin.headers)
    assert removed.status_code == 204
    assert not Delivery.objects.filter(subscription_id=subscription.pk).exists()
