import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CONSUMER_STOP_SECONDS = 10


def server_argv(granian: str, *, host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        granian,
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--log-level",
        "warning",
        "wangge.wsgi:application",
    ]


def consumer_argv(*, workers: int) -> list[str]:
    """``manage.py run_huey`` for the background tasks (deadline scan, message delivery), as a child process.

    The project's manage.py by its absolute path, so the consumer finds the ``wangge`` package from any
    working directory; ``python -m wangge`` (the same command) where there is no manage.py (an installed
    package). Thread workers: the tasks wait on the database, not on the CPU.
    """
    manage = Path(settings.BASE_DIR) / "manage.py"
    command = [str(manage)] if manage.is_file() else ["-m", "wangge"]
    return [sys.executable, *command, "run_huey", "--workers", str(workers), "--worker-type", "thread"]


def mqtt_argv() -> list[str]:
    """``manage.py mqtt``: the device subscriber (wangge.devices), as a child process."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    command = [str(manage)] if manage.is_file() else ["-m", "wangge"]
    return [sys.executable, *command, "mqtt"]


def mqtt_problem(url: str) -> str:
    """Why no MQTT broker can be used at ``url`` ("" when one answers a CONNECT with a CONNACK)."""
    parts = urlparse(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 1883
    client_id = f"wangge-serve-check-{os.getpid()}".encode()
    variable = bytes([0, 4]) + b"MQTT" + bytes([4, 2, 0, 10])  # MQTT 3.1.1, clean session, keep-alive 10 s
    payload = len(client_id).to_bytes(2, "big") + client_id
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(bytes([0x10, len(variable) + len(payload)]) + variable + payload)
            answer = sock.recv(4)
    except OSError as exc:
        return f"no MQTT broker answers at {host}:{port} ({exc})"
    if answer[:1] != b"\x20" or answer[3:4] != b"\x00":
        return f"the MQTT broker at {host}:{port} refused a connection"
    return ""


def tasks_run_in_process() -> bool:
    """Immediate mode (WANGGE_TASKS_IMMEDIATE=1) runs tasks inside the request: no consumer to start."""
    huey = settings.HUEY if isinstance(settings.HUEY, dict) else {}
    return bool(huey.get("immediate"))


class Command(BaseCommand):
    help = (
        "Serve Wangge with granian over WSGI (measured 3-7x faster than ASGI for Django here), with the huey "
        "consumer for background tasks beside it unless --no-tasks, and the device subscriber (`mqtt`) when a "
        "broker answers at MQTT_URL unless --no-mqtt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("WANGGE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("WANGGE_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WANGGE_WORKERS", "2")))
        # 8 threads per worker on SQLite and PostgreSQL alike, as measured (bench figure `server`, docs/decisions.md):
        # on SQLite 1.1-4.6x the case-list and intake requests of 2 threads, on PostgreSQL the same. A saturated
        # SQLite intake's p99 is longer with 8 (every writer queues on one lock): WANGGE_THREADS=2 for write-heavy sites.
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WANGGE_THREADS", "8")))
        parser.add_argument(
            "--no-tasks",
            action="store_true",
            default=os.environ.get("WANGGE_NO_TASKS", "") == "1",
            help="Do not start the huey consumer (run `wangge run_huey` elsewhere, or not at all).",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ.get("WANGGE_TASK_WORKERS", "2")),
            help="Consumer threads.",
        )
        parser.add_argument(
            "--no-mqtt",
            action="store_true",
            default=os.environ.get("WANGGE_NO_MQTT", "") == "1",
            help="Do not start the device subscriber (run `wangge mqtt` elsewhere, or not at all).",
        )

    def handle(self, *args, host, port, workers, threads, no_tasks, task_workers, no_mqtt, **options):
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
        argv = server_argv(granian, host=host, port=port, workers=workers, threads=threads)
        with_tasks = not no_tasks and not tasks_run_in_process()
        tasks_note = f", task consumer × {task_workers}" if with_tasks else ""
        mqtt = []
        if not no_mqtt:
            problem = mqtt_problem(settings.MQTT_URL)
            if problem:
                self.stdout.write(f"No device subscriber: {problem} (set MQTT_URL; devices can still use the webhook)")
            else:
                mqtt = [mqtt_argv()]
                tasks_note += f", device subscriber on {settings.MQTT_URL}"
        self.stdout.write(
            f"Wangge on http://{host}:{port}/ (granian WSGI, {workers} workers × {threads} threads{tasks_note})"
        )
        sys.stdout.flush()
        if not with_tasks and not mqtt:
            os.execv(granian, argv)  # noqa: S606 (replace this process with the server)
            return
        consumer = consumer_argv(workers=task_workers) if with_tasks else None
        if mqtt:
            sys.exit(run_with_consumer(argv, consumer, also=mqtt))
        sys.exit(run_with_consumer(argv, consumer))


def run_with_consumer(server: list[str], consumer: list[str] | None, also: list[list[str]] = ()) -> int:
    """Run the server, the consumer (if any) and the ``also`` processes (the device subscriber) as children;
    when the server stops (or we are told to), stop them all."""
    helpers = [subprocess.Popen(argv) for argv in also]  # noqa: S603 (our own interpreter and arguments)
    consumer_process = subprocess.Popen(consumer) if consumer else None  # noqa: S603
    try:
        server_process = subprocess.Popen(server)  # noqa: S603
    except BaseException:
        for process in helpers:
            stop(process)
        if consumer_process:
            stop(consumer_process)
        raise

    def forward(signum, _frame):
        if server_process.poll() is None:
            server_process.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in STOP_SIGNALS}
    try:
        return server_process.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        stop(server_process)
        for process in helpers:
            stop(process)
        if consumer_process:
            stop(consumer_process, signal.SIGINT)  # huey: SIGINT lets running tasks finish, SIGTERM does not


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = CONSUMER_STOP_SECONDS) -> None:
    """Send ``sig``, wait up to ``timeout`` seconds, then kill."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
