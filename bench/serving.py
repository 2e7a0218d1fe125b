"""Run a server on 127.0.0.1 for a benchmark: by default the production command (``manage.py serve``,
granian over WSGI) with the bench site's settings; or any other command line for comparisons. Stopped
by process group, always; worker memory read from /proc."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SETTINGS = "bench.site.settings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def serve_command(
    port: int, *, workers: int | None = None, threads: int | None = None, tasks: bool = True
) -> list[str]:
    """``wangge serve`` as production runs it: its own defaults unless ``workers`` / ``threads`` are given,
    with the task consumer beside it unless ``tasks`` is false. Never the MQTT subscriber: the web figures
    measure the server's processes alone (the devices figure runs its own subscriber)."""
    command = [sys.executable, str(ROOT / "manage.py"), "serve", "--host", HOST, "--port", str(port), "--no-mqtt"]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    return command + ([] if tasks else ["--no-tasks"])


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    label: str
    log: Path
    started_at: float = field(default_factory=time.monotonic)

    def pids(self) -> list[int]:
        """The server's process and all its descendants (granian's workers, the task consumer)."""
        out, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError):
                    todo += [int(p) for p in (task / "children").read_text().split()]
        return out

    def worker_pids(self) -> list[int]:
        """Processes that serve requests: the leaves running granian / gunicorn workers."""
        pids = self.pids()
        parents = set()
        for pid in pids:
            with contextlib.suppress(OSError, ValueError, IndexError):
                parents.add(int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]))
        leaves = [p for p in pids if p not in parents]
        return [p for p in leaves if "run_huey" not in _cmdline(p)]

    def peak_rss_mb(self) -> dict[int, float]:
        """Peak resident memory (VmHWM) of each worker, in MB."""
        return {pid: _status_kb(pid, "VmHWM") / 1024 for pid in self.worker_pids()}

    def rss_mb(self) -> dict[int, float]:
        return {pid: _status_kb(pid, "VmRSS") / 1024 for pid in self.worker_pids()}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _status_kb(pid: int, key: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def start(
    command: list[str], *, port: int, env: dict, label: str, log_dir: Path, ready_path: str = "/bench/ping"
) -> Server:
    """Start ``command`` (which must listen on ``port``) and wait until ``ready_path`` answers."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"server-{port}.log"
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(ROOT), **env}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter / the venv's server)
            command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, port, label, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{label} stopped at start: {log.read_text(errors='replace')[-2000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", ready_path)
            if connection.getresponse().status < 500:
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{label} did not answer on {HOST}:{port} within 60 s")


def stop(server: Server, timeout: float = 15.0) -> None:
    """SIGTERM to the whole process group, then SIGKILL if it is still there."""
    if server.process.poll() is None:
        try:
            os.killpg(server.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()


def ensure_static() -> None:
    """Pages need the collected static files (hashed names) in the run's var dir; collect them once."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    if not hasattr(staticfiles_storage, "manifest_name"):
        return  # plain storage (DEBUG, tests): nothing to look names up in
    if not (Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name).exists():
        call_command("collectstatic", interactive=False, verbosity=0)
