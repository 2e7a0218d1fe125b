"""The task consumer `wangge serve` starts beside the web server (manage.py run_huey) prints each of its
log lines once: huey's own handler and the root logger's must not both print them."""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from wangge.core.management.commands.serve import consumer_argv

STARTED = "Huey consumer started with"
READY = "Periodic tasks are disabled."


def _handles(pid: int, signum: int) -> bool:
    """Whether the process has installed a handler for ``signum`` (Linux: SigCgt in /proc/<pid>/status)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signum - 1)))


def _wait_for_handler(process: subprocess.Popen, signum: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if _handles(process.pid, signum):
            return True
        time.sleep(0.05)
    return False


def test_the_consumer_prints_each_log_line_once(tmp_path):
    env = {**os.environ, "WANGGE_VAR_DIR": str(tmp_path), "WANGGE_TASKS_IMMEDIATE": "0"}
    env.pop("REDIS_URL", None)  # its own SQLite queue in tmp_path: never consume another run's tasks
    # The same command line `serve` starts (no periodic tasks: nothing may touch a database here).
    consumer = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [*consumer_argv(workers=1), "--no-periodic"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in consumer.stdout:
            lines.append(line)
            if READY in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(timeout=120), "the consumer did not start:\n" + "".join(lines)
        # huey installs its SIGTERM handler last, once started: a SIGINT before it would only be a traceback.
        assert _wait_for_handler(consumer, signal.SIGTERM, timeout=60), "".join(lines)
    finally:
        consumer.send_signal(signal.SIGINT)
        consumer.wait(timeout=60)
        reader.join(timeout=10)

    output = "".join(lines)
    assert output.count(STARTED) == 1, output
    assert output.count(READY) == 1, output
    assert output.count("Received SIGINT") == 1, output
    started = next(line for line in lines if STARTED in line)
    assert " INFO huey.consumer " in started  # the project's format (settings.LOGGING), not huey's own
