"""Journey: a smoke detector in gridworker1's grid raises an alarm over the real broker; the subscriber that
`wangge serve` started takes it in; the grid worker, on a phone, finds it in the inbox and opens the case,
the device shows as alarming on its page, and the street's wall screen lists it in its live feed. Skipped
with the reason where no broker answers."""

import json
import time
import uuid
from datetime import datetime
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
import pytest

from tests import services
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


def publish(topic: str, payload: bytes) -> None:
    parts = urlparse(services.MQTT_URL)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"e2e-device-{uuid.uuid4().hex[:8]}")
    client.connect(parts.hostname, parts.port or 1883)
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(30)
    client.loop_stop()
    client.disconnect()


def test_an_alarm_reaches_the_grid_workers_inbox_on_a_phone(page_for, server):
    if problem := services.mqtt_problem(services.MQTT_URL):
        services.require("an MQTT broker", problem)
    page = page_for(390, 844)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server, "gridworker1")
    page.goto(f"{server}/devices/?kind=smoke")
    first = page.locator("[data-testid=device-table] tbody tr").first
    serial = first.locator("span.small").inner_text().strip()
    assert serial.startswith("DEMO-")

    body = {
        "message_id": uuid.uuid4().hex,
        "ts": datetime.now().astimezone().isoformat(),
        "type": "smoke",
        "value": {"obscuration_db_m": 0.3},
        "snapshot_url": "",
    }
    publish(f"{services.mqtt_topic_prefix()}/e2e-devices/{serial}/alarm", json.dumps(body).encode())

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.goto(f"{server}/inbox/")
        if serial in page.content() or "设备报警" in page.content():
            break
        time.sleep(0.5)
    assert "设备报警" in page.content(), "the alarm did not reach the inbox within 30 s"
    page.locator("[data-testid=message]", has_text="设备报警").first.locator("button").click()
    page.wait_for_url(f"{server}/cases/**")
    assert serial in page.content()
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    shot(page, "gridworker1-device-alarm-case-390")

    page.goto(f"{server}/devices/?q={serial}")
    page.locator("[data-testid=device-table] tbody a").first.click()
    assert page.inner_text("[data-testid=device-state]") == "报警中"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    assert errors == []
    shot(page, "gridworker1-device-alarming-390")

    # The street's wall screen shows it in its live feed, as an alarm.
    wall = page_for(1920, 1080)
    login(wall, server, "leader")
    wall.goto(server + "/dashboard/")
    item = wall.locator("[data-testid=feed-item]", has_text=number)
    item.first.wait_for(timeout=30000)
    shot(wall, "leader-screen-device-alarm-1920")
