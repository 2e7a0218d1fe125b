"""Smoke run of the devices figure on the real broker, inside the test database (small numbers: it checks the
figure's shape, not the targets)."""

import os

from bench.figures import devices
from bench.measure import Row
from tests import services


def test_the_devices_figure_measures_heartbeats_against_a_counting_subscriber_and_alarm_latency(db, monkeypatch):
    url = os.environ.get("TEST_MQTT_URL") or services.MQTT_URL
    if problem := services.mqtt_problem(url):
        services.require("an MQTT broker", problem)
    monkeypatch.setenv("MQTT_URL", url)
    rows = devices.measure(heartbeats=1500, devices=30, alarms=4, seconds=1.0)
    assert [type(r) for r in rows] == [Row, Row]
    throughput, latency = rows
    assert throughput.value.endswith("heartbeats/s") and "counting subscriber" in throughput.baseline
    assert throughput.passed is not None and latency.target == "< 200 ms"
    assert "(4 alarms" in latency.figure, latency.figure
