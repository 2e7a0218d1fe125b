"""`wangge serve` starts the device subscriber when a broker answers at MQTT_URL, and says so when none does."""

import io

import pytest
from django.core.management import call_command

from wangge.core.management.commands import serve


@pytest.fixture
def launched(monkeypatch):
    calls = {}
    monkeypatch.setattr(serve.shutil, "which", lambda *a, **k: "/opt/bin/granian")
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: calls.setdefault("execv", (path, argv)))

    def run_with_consumer(server, consumer, also=()):
        calls.update(server=server, consumer=consumer, also=also)
        return 0

    monkeypatch.setattr(serve, "run_with_consumer", run_with_consumer)
    return calls


def test_with_a_broker_the_subscriber_starts_beside_the_server(launched, monkeypatch, settings):
    monkeypatch.setattr(serve, "mqtt_problem", lambda url: "")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("serve", "--no-tasks", stdout=out)
    assert launched["also"] == [serve.mqtt_argv()] and launched["consumer"] is None
    assert serve.mqtt_argv()[-1] == "mqtt"
    assert "device subscriber" in out.getvalue()


def test_without_a_broker_serve_says_so_and_carries_on(launched, settings):
    settings.MQTT_URL = "mqtt://127.0.0.1:1"  # nothing listens there
    out = io.StringIO()
    call_command("serve", "--no-tasks", stdout=out)
    assert "execv" in launched and "also" not in launched
    assert "No device subscriber" in out.getvalue() and "127.0.0.1:1" in out.getvalue()


def test_the_broker_check_answers_for_a_real_broker():
    from tests import services

    if problem := services.mqtt_problem(services.MQTT_URL):
        services.require("an MQTT broker", problem)
    assert serve.mqtt_problem(services.MQTT_URL) == ""
