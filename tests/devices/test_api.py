"""The device API: scoped lists and details, alarms, the signed webhook (401 counted per vendor), and the
administrators' unknown-device and dead-letter lists."""

import json

import pytest

from tests.conftest import ApiClient
from tests.devices.conftest import GRID_2, body
from wangge.accounts.services import issue_token
from wangge.cases.models import Case
from wangge.devices import services
from wangge.devices.models import DeadLetter, DeviceMessage, UnknownDevice, Vendor


@pytest.fixture
def api(user):
    def make(username: str) -> ApiClient:
        key, _token = issue_token(user=user(username))
        return ApiClient(key)

    return make


def webhook(client, vendor_code, payload: bytes, signature: str | None):
    headers = {"HTTP_X_SIGNATURE": signature} if signature is not None else {}
    return client.post(f"/api/v1/iot/webhook/{vendor_code}", payload, content_type="application/json", **headers)


def signed(vendor, **fields) -> tuple[bytes, str]:
    payload = body(**fields)
    return payload, services.sign(vendor.secret, payload)


def test_a_grid_worker_sees_their_grids_devices_only(make_device, api):
    mine, theirs = make_device("smoke"), make_device("gas", GRID_2)
    serials = {d["serial"] for d in api("gridworker1").get("/devices?size=100&q=T-").json()["items"]}
    assert mine.serial in serials and theirs.serial not in serials
    assert api("gridworker1").get(f"/devices/{theirs.pk}").status_code == 404
    assert api("gridworker2").get(f"/devices/{theirs.pk}").status_code == 200
    leader = {d["serial"] for d in api("leader").get("/devices?size=100&q=T-").json()["items"]}
    assert {mine.serial, theirs.serial} <= leader
    assert api("resident1").get("/devices").json()["items"] == []


def test_device_filters_and_detail_with_recent_messages(make_device, api):
    from wangge.devices import ingest

    device = make_device("elevator")
    ingest.ingest([ingest.Incoming(device.serial, "reading", body(type="load", value=7), "mqtt")])
    client = api("gridworker1")
    kinds = {d["kind"] for d in client.get("/devices?kind=elevator&size=100").json()["items"]}
    assert kinds == {"elevator"}
    assert client.get("/devices?kind=toaster").status_code == 422
    assert client.get("/devices?region=329901001001002").status_code == 404  # outside the worker's reach
    detail = client.get(f"/devices/{device.pk}").json()
    assert detail["messages"][0]["type"] == "load" and detail["messages"][0]["value"] == 7
    assert detail["protects_person"] is False and "protected_person" not in detail


def test_a_signed_webhook_alarm_opens_a_case(make_device, vendor, client):
    device = make_device("throw_camera")
    payload, signature = signed(
        vendor, serial=device.serial, kind="alarm", type="throw", snapshot_url="https://cam.example/s.jpg"
    )
    answer = webhook(client, vendor.code, payload, signature)
    assert answer.status_code == 200, answer.content
    number = answer.json()["case"]
    assert answer.json()["status"] == "case" and Case.objects.get(number=number).category.code == "1207"
    again = webhook(client, vendor.code, payload, signature)
    assert again.json()["status"] == "duplicate"


@pytest.mark.parametrize("signature", [None, "", "sha256=00", "md5=abc", "WRONG"])
def test_unsigned_or_wrongly_signed_webhooks_are_401_and_counted(make_device, vendor, client, signature):
    device = make_device("smoke")
    payload = body(serial=device.serial, kind="alarm", type="smoke")
    answer = webhook(client, vendor.code, payload, signature)
    assert answer.status_code == 401 and answer.json()["errors"][0]["field"] == "X-Signature"
    assert Vendor.objects.get(pk=vendor.pk).rejected_count == 1
    assert not DeviceMessage.objects.filter(device=device).exists()


def test_a_body_signed_with_another_vendors_key_or_altered_is_refused(make_device, vendor, client):
    other, other_secret = services.create_vendor(actor=None, code="other", name="Other")
    device = make_device("smoke")
    payload = body(serial=device.serial, kind="alarm", type="smoke")
    assert webhook(client, vendor.code, payload, services.sign(other_secret, payload)).status_code == 401
    signature = services.sign(vendor.secret, payload)
    assert webhook(client, vendor.code, payload + b" ", signature).status_code == 401
    assert webhook(client, "no-such-vendor", payload, signature).status_code == 401


def test_rotated_keys_work_until_the_old_one_is_retired(make_device, vendor, client):
    device = make_device("smoke")
    new_secret = services.rotate_key(actor=None, vendor=vendor)
    for secret in (vendor.secret, new_secret):
        payload = body(serial=device.serial, kind="heartbeat")
        assert webhook(client, vendor.code, payload, services.sign(secret, payload)).status_code == 200
    services.rotate_key(actor=None, vendor=vendor, retire_others=True)
    payload = body(serial=device.serial, kind="heartbeat")
    assert webhook(client, vendor.code, payload, services.sign(new_secret, payload)).status_code == 401
    assert vendor.secret not in json.dumps(list(vendor.keys.values_list("secret_encrypted", flat=True)))


def test_a_device_of_another_vendor_posted_through_this_webhook_is_unknown(vendor, client, make_device):
    other, other_secret = services.create_vendor(actor=None, code="other", name="Other")
    device = make_device("smoke")  # acme's
    payload = body(serial=device.serial, kind="alarm", type="smoke")
    answer = webhook(client, "other", payload, services.sign(other_secret, payload))
    assert answer.json()["status"] == "unknown"
    assert UnknownDevice.objects.filter(serial=device.serial, vendor=other).exists()


def test_a_malformed_signed_body_is_400_and_dead_lettered(vendor, client, make_device):
    device = make_device("smoke")
    payload = json.dumps({"serial": device.serial, "kind": "alarm", "message_id": "x", "ts": "noon"}).encode()
    answer = webhook(client, vendor.code, payload, services.sign(vendor.secret, payload))
    assert answer.status_code == 400 and "ISO 8601" in answer.json()["detail"]
    assert DeadLetter.objects.filter(serial=device.serial, transport="webhook").exists()


def test_alarms_are_scoped(make_device, api):
    from wangge.devices import ingest

    mine, theirs = make_device("smoke"), make_device("smoke", GRID_2)
    for device in (mine, theirs):
        ingest.ingest([ingest.Incoming(device.serial, "alarm", body(type="smoke"), "mqtt")])
    serials = {a["serial"] for a in api("gridworker1").get("/alarms?size=100").json()["items"]}
    assert mine.serial in serials and theirs.serial not in serials
    [alarm] = api("gridworker1").get(f"/alarms?device={mine.pk}").json()["items"]
    assert alarm["case"] and alarm["device_kind"] == "smoke"


def test_unknown_devices_and_dead_letters_are_for_administrators(db, api):
    from wangge.devices import ingest

    ingest.ingest(
        [ingest.Incoming("GHOST-1", "heartbeat", body(), "mqtt"), ingest.Incoming("X", "alarm", b"{", "mqtt")]
    )
    assert api("gridworker1").get("/iot/unknown-devices").status_code == 403
    assert api("gridworker1").get("/iot/dead-letters").status_code == 403
    assert "GHOST-1" in {u["serial"] for u in api("admin").get("/iot/unknown-devices").json()["items"]}
    assert "X" in {d["serial"] for d in api("admin").get("/iot/dead-letters").json()["items"]}


def test_administrators_register_devices(vendor, api):
    from tests.cases.conftest import point_in

    lon, lat = point_in("329901001001001")
    payload = {"vendor": vendor.code, "serial": "API-1", "kind": "gas", "lon": lon, "lat": lat}
    assert api("gridworker1").post("/devices", payload).status_code == 403
    created = api("admin").post("/devices", payload)
    assert created.status_code == 201 and created.json()["region"]["code"].startswith("329901001001001")
    assert api("admin").post("/devices", {**payload, "lon": 0, "lat": 0, "serial": "API-2"}).status_code == 400


def test_the_webhook_needs_no_csrf_token(make_device, vendor):
    from django.test import Client

    device = make_device("smoke")
    payload, signature = signed(vendor, serial=device.serial, kind="heartbeat")
    strict = Client(enforce_csrf_checks=True)
    answer = webhook(strict, vendor.code, payload, signature)
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
