"""The MQTT broker (Mosquitto) as the coming device modules will use it: each test run publishes and
subscribes under a topic prefix of its own (``WANGGE_TEST_MQTT_PREFIX``, set per run by ``make test``),
so two runs on one broker never hear each other. A missing broker skips this locally and fails it
under CI (``tests/services.py``)."""

import os
import queue
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
import pytest

from tests import services

WAIT = 30  # seconds for a message to arrive; only reached when it does not


@pytest.fixture
def broker():
    url = os.environ.get("TEST_MQTT_URL") or services.MQTT_URL
    if problem := services.mqtt_problem(url):
        services.require("an MQTT broker", f"{problem} (Mosquitto: apt-get install mosquitto)")
    parts = urlparse(url)
    clients = []

    def connect(name: str, *topics: str) -> tuple[mqtt.Client, queue.Queue]:
        """A connected client subscribed to ``topics``, and the queue of (topic, payload) it hears."""
        heard: queue.Queue = queue.Queue()
        subscribed = queue.Queue()
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{name}-{os.getpid()}")
        client.on_message = lambda _c, _u, message: heard.put((message.topic, message.payload))
        client.on_subscribe = lambda *_args: subscribed.put(True)
        client.connect(parts.hostname, parts.port or 1883, keepalive=30)
        client.loop_start()
        clients.append(client)
        for topic in topics:
            client.subscribe(topic, qos=1)
            subscribed.get(timeout=WAIT)
        return client, heard

    yield connect
    for client in clients:
        client.loop_stop()
        client.disconnect()


def test_a_run_hears_its_own_topics_and_no_other_runs(broker):
    ours = services.mqtt_topic_prefix()
    theirs = f"{ours}-another-run"
    our_client, mine = broker("ours", f"{ours}/#")
    their_client, other = broker("theirs", f"{theirs}/#")
    our_client.publish(f"{ours}/devices/smoke-1/alarm", b'{"smoke": true}', qos=1).wait_for_publish(WAIT)
    their_client.publish(f"{theirs}/devices/smoke-1/alarm", b'{"smoke": false}', qos=1).wait_for_publish(WAIT)
    assert mine.get(timeout=WAIT) == (f"{ours}/devices/smoke-1/alarm", b'{"smoke": true}')
    assert other.get(timeout=WAIT) == (f"{theirs}/devices/smoke-1/alarm", b'{"smoke": false}')
    assert mine.empty() and other.empty()  # each heard exactly one message: its own
