"""A real HTTP receiver on the loopback address, started by the test in a thread (http.server)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.devices.conftest import make_device, vendor  # noqa: F401 — the device fixtures, for alarms


class Receiver:
    """Records every request (with the sender's port: one per connection); answers ``status`` after
    ``delay`` seconds, or once ``together`` (a barrier) has as many requests waiting as it counts.
    ``keep_alive``: HTTP/1.1, connections left open between requests."""

    def __init__(self, keep_alive: bool = False):
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.together: threading.Barrier | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": body, "path": self.path, "port": self.client_address[1]}
                )
                if receiver.delay:
                    time.sleep(receiver.delay)
                if receiver.together is not None:
                    try:
                        receiver.together.wait()
                    except threading.BrokenBarrierError:  # not sent at the same time: the sender hears 503
                        self.send_response(503)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender gave up (timeout) and closed the connection
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json(self, index: int = -1) -> dict:
        return json.loads(self.requests[index]["body"])

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    started = Receiver()
    yield started
    started.stop()


@pytest.fixture
def keep_alive_receiver():
    started = Receiver(keep_alive=True)
    yield started
    started.stop()
