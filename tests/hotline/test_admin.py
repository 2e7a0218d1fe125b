"""The admin pages: a subscription made there shows its secret once; the hotline import page checks and
imports a file; a delivery is replayed by the admin action."""

from tests.hotline.conftest import order, xlsx
from wangge.hotline.models import HotlineOrder
from wangge.webhooks import services as webhooks
from wangge.webhooks.models import Delivery, Subscription


def test_a_subscription_made_in_the_admin_shows_its_secret_once(browser_client):
    admin = browser_client("admin", language="en")
    response = admin.post(
        "/admin/webhooks/subscription/add/",
        {
            "name": "区平台",
            "url": "http://127.0.0.1:9/hook",
            "events": ["case.closed", "device.alarm"],
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    made = Subscription.objects.get(name="区平台")
    assert made.events == ["case.closed", "device.alarm"]
    assert "whsec_" in response.content.decode() and made.secret_hint in response.content.decode()
    again = admin.get(f"/admin/webhooks/subscription/{made.pk}/change/").content.decode()
    assert "whsec_" not in again


def test_replay_from_the_admin(browser_client, db):
    subscription, _secret = webhooks.create_subscription(
        actor=None, name="x", url="http://127.0.0.1:9/", events=["case.closed"]
    )
    delivery = webhooks.send_to(subscription, "case.closed", {"n": 1})
    admin = browser_client("admin", language="en")
    response = admin.post(
        "/admin/webhooks/delivery/", {"action": "replay", "_selected_action": [delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Delivery.objects.filter(replay_of=delivery).count() == 1


def test_the_import_page_checks_then_imports(browser_client, mapping):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = browser_client("admin", language="en")
    assert admin.get("/admin/hotline/hotlineorder/import/").status_code == 200
    data = xlsx([order("HLA1"), order("HLA2", category="NOPE")])
    checked = admin.post(
        "/admin/hotline/hotlineorder/import/", {"file": SimpleUploadedFile("o.xlsx", data), "dry_run": "on"}
    )
    assert checked.status_code == 200 and "NOPE" in checked.content.decode() and not HotlineOrder.objects.exists()
    done = admin.post(
        "/admin/hotline/hotlineorder/import/", {"file": SimpleUploadedFile("o.xlsx", xlsx([order("HLA1")]))}
    )
    assert done.status_code == 200 and HotlineOrder.objects.filter(number="HLA1").exists()
    assert browser_client("leader").get("/admin/hotline/hotlineorder/import/").status_code in (302, 403)
