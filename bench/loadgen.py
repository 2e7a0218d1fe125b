"""A small HTTP load generator for 127.0.0.1 only: threads with keep-alive ``http.client`` connections,
spread over a few processes so that the client is not held back by one interpreter lock.

Bounded twice: it stops after ``seconds`` or after ``max_requests``, whichever comes first, and every
socket has a timeout. ``load(spec)`` runs it from a benchmark; ``python -m bench.loadgen`` is the worker
process (a JSON spec on stdin, a JSON result on stdout).

A spec: ``port``; ``requests`` (a list of ``{"method", "path", "body", "headers"}``, cycled, each
connection starting at a different offset); ``connections``; ``seconds``; ``max_requests``;
``unique_header`` (a header name that gets a value unique to each request, e.g. ``Idempotency-Key``).
"""

import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # the only address this ever talks to
ROOT = Path(__file__).resolve().parent.parent
SOCKET_TIMEOUT = 30.0


@dataclass
class LoadResult:
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # milliseconds, successful requests
    statuses: dict[str, int] = field(default_factory=dict)
    sample_error: str = ""

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=1000, method="inclusive")[round(p * 10) - 1]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(99)

    def summary(self) -> str:
        return f"{self.rate:,.0f} req/s · p50 {self.p50:.1f} ms · p99 {self.p99:.1f} ms"


def _worker(spec: dict) -> dict:
    """One process: ``spec['connections']`` threads until the deadline or the request budget."""
    requests = spec["requests"]
    deadline = time.monotonic() + float(spec["seconds"])
    budget = itertools.count()
    max_requests = int(spec["max_requests"])
    unique = spec.get("unique_header") or ""
    tag = f"{os.getpid()}-{time.time_ns()}"
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = [0, ""]

    def run(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, int(spec["port"]), timeout=SOCKET_TIMEOUT)
        local_lat, local_status, sent = [], {}, 0
        position = index * 7919
        try:
            while time.monotonic() < deadline and next(budget) < max_requests:
                request = requests[position % len(requests)]
                position += 1
                headers = dict(request.get("headers") or {})
                if unique:
                    headers[unique] = f"{tag}-{index}-{sent}"
                body = request.get("body")
                payload = body.encode() if isinstance(body, str) else body
                started = time.perf_counter()
                try:
                    connection.request(request.get("method", "GET"), request["path"], body=payload, headers=headers)
                    response = connection.getresponse()
                    content = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        errors[0] += 1
                        errors[1] = errors[1] or f"{type(exc).__name__}: {exc}"
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, int(spec["port"]), timeout=SOCKET_TIMEOUT)
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                sent += 1
                status = str(response.status)
                local_status[status] = local_status.get(status, 0) + 1
                if 200 <= response.status < 300:
                    local_lat.append(elapsed)
                else:
                    with lock:
                        errors[0] += 1
                        errors[1] = errors[1] or f"{status} {request['path']}: {content[:200]!r}"
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, int(spec["port"]), timeout=SOCKET_TIMEOUT)
        finally:
            connection.close()
            with lock:
                latencies.extend(local_lat)
                for key, value in local_status.items():
                    statuses[key] = statuses.get(key, 0) + value

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(int(spec["connections"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=float(spec["seconds"]) + SOCKET_TIMEOUT + 5)
    return {
        "ok": len(latencies),
        "errors": errors[0],
        "sample_error": errors[1],
        "seconds": time.monotonic() - started,
        "latencies": latencies,
        "statuses": statuses,
    }


def load(
    *,
    port: int,
    requests: list[dict],
    connections: int = 8,
    seconds: float = 10.0,
    max_requests: int = 200_000,
    unique_header: str = "",
    processes: int = 2,
) -> LoadResult:
    """Run the load from ``processes`` client processes (``connections`` in total) and merge the results."""
    processes = max(1, min(processes, connections))
    shares = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    children = []
    for index, share in enumerate(shares):
        spec = {
            "port": port,
            "requests": requests[index::processes] or requests,
            "connections": share,
            "seconds": seconds,
            "max_requests": max_requests // processes + (1 if index < max_requests % processes else 0),
            "unique_header": unique_header,
        }
        child = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "bench.loadgen"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        child.stdin.write(json.dumps(spec).encode())
        child.stdin.close()
        children.append(child)
    result = LoadResult()
    for child in children:
        try:
            out = child.stdout.read()
            child.wait(timeout=seconds + SOCKET_TIMEOUT + 30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise RuntimeError("the load generator did not stop in time") from None
        part = json.loads(out)
        result.ok += part["ok"]
        result.errors += part["errors"]
        result.sample_error = result.sample_error or part["sample_error"]
        result.seconds = max(result.seconds, part["seconds"])
        result.latencies += part["latencies"]
        for key, value in part["statuses"].items():
            result.statuses[key] = result.statuses.get(key, 0) + value
    return result


if __name__ == "__main__":
    json.dump(_worker(json.load(sys.stdin)), sys.stdout)
