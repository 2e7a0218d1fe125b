import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

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


def tasks_run_in_process() -> bool:
    """Immediate mode (WANGGE_TASKS_IMMEDIATE=1) runs tasks inside the request: no consumer to start."""
    huey = settings.HUEY if isinstance(settings.HUEY, dict) else {}
    return bool(huey.get("immediate"))


class Command(BaseCommand):
    help = (
        "Serve Wangge with granian over WSGI (measured 3-7x faster than ASGI for Django here), with the huey "
        "consumer for background tasks beside it unless --no-tasks."
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

    def handle(self, *args, host, port, workers, threads, no_tasks, task_workers, **options):
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
        argv = server_argv(granian, host=host, port=port, workers=workers, threads=threads)
        with_tasks = not no_tasks and not tasks_run_in_process()
        tasks_note = f", task consumer × {task_workers}" if with_tasks else ""
        self.stdout.write(
            f"Wangge on http://{host}:{port}/ (granian WSGI, {workers} workers × {threads} threads{tasks_note})"
        )
        sys.stdout.flush()
        if not with_tasks:
            os.execv(granian, argv)  # noqa: S606 (replace this process with the server)
            return
        sys.exit(run_with_consumer(argv, consumer_argv(workers=task_workers)))


def run_with_consumer(server: list[str], consumer: list[str]) -> int:
    """Run the server and the consumer as children; when the server stops (or we are told to), stop both."""
    consumer_process = subprocess.Popen(consumer)  # noqa: S603 (our own interpreter and arguments)
    try:
        server_process = subprocess.Popen(server)  # noqa: S603
    except BaseException:
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
