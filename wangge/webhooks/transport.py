"""The HTTP side of sending: signed POSTs over pooled keep-alive connections (urllib3), a batch of them
at once on a small pool of threads per process.

- One ``PoolManager`` per process keeps up to ``WEBHOOKS_CONCURRENCY`` open connections per receiver, so
  a receiver that keeps connections alive is not paid a TCP (and TLS) handshake per delivery; as many
  threads per process carry the POSTs of every batch it sends (more in flight only fought over the
  interpreter's lock in the bench: local receivers, two cores).
- No retries here and no redirects followed: a retry is a new logged attempt after the backoff, and a
  redirect is an answer (a failed attempt), so a receiver cannot bounce the signed body elsewhere.
- Each attempt has the same timeout to connect and to wait for the answer (``WEBHOOKS_TIMEOUT_SECONDS``);
  no database connection is used by the sending threads.
- The answer's body is never used: at most ``MAX_ANSWER`` bytes are read, undecoded, and a connection with
  more unread is closed rather than returned to the pool.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from wangge.webhooks import conf

MAX_ANSWER = 65536


@dataclass(frozen=True)
class Post:
    url: str
    body: bytes
    headers: dict


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str  # "" when answered 2xx; else "HTTP <code>", "timeout" or the failure's kind
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


_lock = threading.Lock()
_connections: urllib3.PoolManager | None = None
_threads: ThreadPoolExecutor | None = None


def _pool() -> urllib3.PoolManager:
    global _connections
    with _lock:
        if _connections is None:
            _connections = urllib3.PoolManager(num_pools=64, maxsize=conf.concurrency(), block=False)
        return _connections


def _executor() -> ThreadPoolExecutor:
    global _threads
    with _lock:
        if _threads is None:
            _threads = ThreadPoolExecutor(max_workers=conf.concurrency(), thread_name_prefix="webhooks")
        return _threads


def post(request: Post, timeout: float) -> Answer:
    """POST once and time it. Never raises."""
    started = time.monotonic()
    code, error = _post(request, timeout)
    return Answer(code, error, int((time.monotonic() - started) * 1000))


def post_all(requests: list[Post], timeout: float) -> list[Answer]:
    """Every request POSTed on the process's sending threads (``WEBHOOKS_CONCURRENCY`` at most in flight,
    whatever the number of batches being sent); the answers in the requests' order."""
    if len(requests) <= 1:
        return [post(r, timeout) for r in requests]
    return list(_executor().map(lambda r: post(r, timeout), requests))


def _post(request: Post, timeout: float) -> tuple[int | None, str]:
    if urlsplit(request.url).scheme not in ("http", "https"):
        return None, "scheme"
    try:
        response = _pool().request(
            "POST",
            request.url,
            body=request.body,
            headers=request.headers,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            retries=False,
            redirect=False,
            preload_content=False,
            decode_content=False,
        )
    except NewConnectionError as exc:  # refused, unreachable, unknown host (before the timeouts: a subclass)
        return None, _cause(exc)
    except Urllib3Timeout:
        return None, "timeout"
    except ProtocolError as exc:  # the connection broke before an answer
        return None, _cause(exc)
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        return None, type(exc).__name__[:200]
    try:
        if len(response.read(MAX_ANSWER + 1, decode_content=False)) > MAX_ANSWER:
            response.close()  # not read to its end: the connection cannot carry another request
    except (urllib3.exceptions.HTTPError, OSError):
        response.close()  # the status line came; a body cut short does not change the answer
    finally:
        response.release_conn()
    code = response.status
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


def _cause(exc: BaseException) -> str:
    """The kind of the underlying failure (``ConnectionRefusedError``, ``gaierror``, …)."""
    while exc.__cause__ is not None or (exc.__context__ is not None and not exc.__suppress_context__):
        exc = exc.__cause__ or exc.__context__
    for arg in getattr(exc, "args", ()):
        if isinstance(arg, BaseException):
            exc = arg
    return type(exc).__name__[:200]
