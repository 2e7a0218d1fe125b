"""Smoke run of the devices figure on the real broker, inside the test database (small numbers: it checks the
figure's shape, not the targets). The subscribers run in this process (``InProcessWorkers``): no other process
sees the test's transaction; the real run starts ``wangge mqtt --workers N``."""

import os

from bench.figures import devices
from bench.measure import Row
from tests import services


def test_the_devices_figure_measures_heartbeats_against_a_counting_subscriber_and_alarm_latency(db, monkeypatch):
    url = os.environ.get("TEST_MQTT_URL") or services.MQTT_URL
    if problem := services.mqtt_problem(url):
        services.require("an MQTT broker", problem)
    monkeypatch.setenv("MQTT_URL", url)
    rows = devices.measure(
        heartbeats=1500, devices=30, alarms=4, seconds=1.0, workers=2, runner=devices.InProcessWorkers
    )
    assert [type(r) for r in rows] == [Row, Row]
    throughput, latency = rows
    assert "heartbeats/s (1,500 stored" in throughput.value, throughput.value
    assert "2 bare counting subscriber(s)" in throughput.baseline and "--workers 2" in throughput.figure
    assert throughput.passed is not None and latency.target == "< 200 ms"
    assert "(4 alarms" in latency.figure and "without" not in latency.value, (latency.figure, latency.value)
