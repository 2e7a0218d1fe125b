"""`wangge serve` starts the huey consumer that runs the deadline scan, and stops it with the server."""

import os
import signal
import subprocess
import sys

import pytest
from django.core.management import call_command

from wangge.core.management.commands import serve


def test_the_consumer_command_line(settings):
    argv = serve.consumer_argv(workers=3)
    manage = str(settings.BASE_DIR / "manage.py")
    assert argv == [sys.executable, manage, "run_huey", "--workers", "3", "--worker-type", "thread"]


def test_without_manage_py_the_consumer_runs_the_package(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    assert serve.consumer_argv(workers=1)[:4] == [sys.executable, "-m", "wangge", "run_huey"]


def test_the_consumer_command_line_is_understood():
    """From any working directory, run_huey takes these options (--help parses them, starts nothing)."""
    argv = serve.consumer_argv(workers=2)
    done = subprocess.run([*argv[:3], "--help"], capture_output=True, text=True, timeout=60, cwd="/")  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert "--workers" in done.stdout and "--worker-type" in done.stdout


@pytest.fixture
def launched(monkeypatch):
    calls = {}
    monkeypatch.setattr(serve.shutil, "which", lambda *a, **k: "/opt/bin/granian")
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: calls.setdefault("execv", (path, argv)))

    def run_with_consumer(server, consumer):
        calls["server"], calls["consumer"] = server, consumer
        return 0

    monkeypatch.setattr(serve, "run_with_consumer", run_with_consumer)
    monkeypatch.setattr(serve, "mqtt_problem", lambda url: "no broker in this test")  # see tests/devices
    return calls


def test_serve_starts_the_consumer(launched, settings):
    settings.HUEY = {**settings.HUEY, "immediate": False}
    with pytest.raises(SystemExit) as stopped:
        call_command("serve", "--port", "8123", "--task-workers", "4", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert stopped.value.code == 0
    assert "execv" not in launched
    assert launched["consumer"] == serve.consumer_argv(workers=4)
    assert launched["server"][0] == "/opt/bin/granian" and "8123" in launched["server"]
    assert launched["server"][-1] == "wangge.wsgi:application"


@pytest.mark.parametrize("why", ["--no-tasks", "immediate"])
def test_serve_without_the_consumer(launched, settings, why):
    settings.HUEY = {**settings.HUEY, "immediate": why == "immediate"}
    args = ["--no-tasks"] if why == "--no-tasks" else []
    call_command("serve", *args, stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert "consumer" not in launched
    path, argv = launched["execv"]
    assert path == "/opt/bin/granian" and argv[0] == path and "wangge.wsgi:application" in argv


@pytest.mark.timeout(60)  # a stop that hangs fails here; one that only kills after 10 s fails on the marker
def test_the_consumer_stops_with_the_server(tmp_path):
    """Real child processes: when the server exits, the consumer is stopped (SIGINT, as huey wants)."""
    ready, marker = tmp_path / "consumer-ready", tmp_path / "consumer-stopped"
    consumer = [
        sys.executable,
        "-c",
        "import signal, sys, time, pathlib\n"
        "def bye(*_):\n"
        f"    pathlib.Path({str(marker)!r}).write_text('SIGINT')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGINT, bye)\n"
        f"pathlib.Path({str(ready)!r}).touch()\n"
        "time.sleep(600)\n",
    ]
    # The server stops once the consumer listens for SIGINT, so the signal cannot come before its handler.
    server = [
        sys.executable,
        "-c",
        f"import pathlib, time\nwhile not pathlib.Path({str(ready)!r}).exists(): time.sleep(0.02)\nraise SystemExit(3)",
    ]
    assert serve.run_with_consumer(server, consumer) == 3
    assert marker.read_text() == "SIGINT"


def test_a_stubborn_consumer_is_killed():
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import signal, sys, time\n"
            "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "print('ignoring SIGINT', flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline() == "ignoring SIGINT\n"  # the handler is in place before the signal
        serve.stop(process, signal.SIGINT, timeout=0.5)
        assert process.returncode == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
