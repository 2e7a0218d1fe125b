"""Fixtures for the device tests: a vendor with its key, devices in demo grids, a real MQTT broker (skipped
locally, failed under CI, when none answers) with a subscriber under this run's own topic prefix."""

import json
import os
import queue
import uuid
from datetime import datetime
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
import pytest

from tests import services as test_services
from tests.cases.conftest import point_in
from tests.common import _english, _plain_static_files  # noqa: F401
from wangge.devices import services
from wangge.devices.models import Device
from wangge.devices.subscriber import Subscriber

GRID_1 = "329901001001001"  # gridworker1
GRID_2 = "329901001001002"  # gridworker2
WAIT = 30


@pytest.fixture
def vendor(db):
    vendor, secret = services.create_vendor(actor=None, code="acme", name="Acme IoT")
    vendor.secret = secret
    return vendor


@pytest.fixture
def make_device(vendor):
    made = []

    def make(kind="smoke", grid=GRID_1, *, serial=None, person=None, heartbeat=60) -> Device:
        lon, lat = point_in(grid)
        device = services.register_device(
            actor=None,
            data=services.DeviceIn(
                vendor=vendor.code,
                serial=serial or f"T-{kind}-{len(made) + 1}-{uuid.uuid4().hex[:6]}",
                kind=kind,
                lon=lon,
                lat=lat,
                name=f"test {kind}",
                protected_person_id=person,
                heartbeat_seconds=heartbeat,
            ),
        )
        made.append(device)
        return device

    return make


def body(message_id=None, *, ts=None, type="", value=None, snapshot_url="", **extra) -> bytes:
    data = {
        "message_id": message_id or uuid.uuid4().hex,
        "ts": ts or datetime.now().astimezone().isoformat(),
        "type": type,
        "value": value,
        "snapshot_url": snapshot_url,
        **extra,
    }
    return json.dumps(data).encode()


@pytest.fixture
def broker_url():
    url = os.environ.get("TEST_MQTT_URL") or test_services.MQTT_URL
    if problem := test_services.mqtt_problem(url):
        test_services.require("an MQTT broker", f"{problem} (Mosquitto: apt-get install mosquitto)")
    return url


@pytest.fixture
def topics():
    """This test's own topic prefix under the run's (``WANGGE_TEST_MQTT_PREFIX``)."""
    return f"{test_services.mqtt_topic_prefix()}/devices-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def publisher(broker_url):
    parts = urlparse(broker_url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-pub-{uuid.uuid4().hex[:8]}")
    client.connect(parts.hostname, parts.port or 1883, keepalive=30)
    client.loop_start()

    def publish(topic: str, payload: bytes):
        client.publish(topic, payload, qos=1).wait_for_publish(WAIT)

    yield publish
    client.loop_stop()
    client.disconnect()


@pytest.fixture
def subscriber(broker_url, topics):
    """A started subscriber on this test's prefix; its session is removed when the test ends."""
    client_id = f"test-sub-{uuid.uuid4().hex[:8]}"
    started = []

    def start() -> Subscriber:
        sub = Subscriber(broker_url, prefix=topics, client_id=client_id, batch_wait=0.02).start(wait=WAIT)
        started.append(sub)
        return sub

    yield start
    for sub in started:
        sub.stop()
    # Forget the persistent session on the broker: connect once with a clean session.
    parts = urlparse(broker_url)
    cleaner = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    cleaner.connect(parts.hostname, parts.port or 1883)
    cleaner.disconnect()


def drain(sub: Subscriber, seconds: float = 0.3) -> None:
    """Take in whatever arrives within ``seconds``."""
    sub.pump_until(lambda: False, timeout=seconds)


__all__ = ["WAIT", "body", "drain", "queue"]
