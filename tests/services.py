"""The outside things the suite needs, whether they answer, and what a test does when one is missing.

PostgreSQL, Redis and Mosquitto (services), Chromium and GNU gettext (programs). On a developer's
machine a missing one skips the tests that need it, with the reason printed (``-ra``); under CI
(``CI=true``) it fails them: a build whose tests did not run must not pass. ``python -m tests.run``
(``make test``) asks the same questions before it starts any run (``preflight``).

Each run of the suite keeps to its own keys: the Redis cache and task queue under
``WANGGE_REDIS_PREFIX``, MQTT topics under ``WANGGE_TEST_MQTT_PREFIX``, its own PostgreSQL database
(``DATABASE_URL``, from which pytest-django makes ``test_<name>``) and its own ``WANGGE_VAR_DIR``.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
ON_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

REDIS_URL = "redis://127.0.0.1:6379/0"
MQTT_URL = "mqtt://127.0.0.1:1883"


def require(what: str, how: str) -> None:
    """Skip the calling test (locally) or fail it (under CI) because ``what`` is missing; ``how`` says
    how to get it."""
    import pytest

    message = f"{what} is missing: {how}"
    if ON_CI:
        pytest.fail(f"{message} (CI=true: a missing service or program fails the run)", pytrace=False)
    pytest.skip(message)


# --- programs ------------------------------------------------------------------------------------------


def chromium() -> str | None:
    """The path of Debian's Chromium on PATH, or None."""
    return shutil.which("chromium")


def xgettext() -> str | None:
    return shutil.which("xgettext")


def cjk_font() -> bool:
    """Whether screenshots can show Chinese (without a CJK font it renders as boxes; tests still pass)."""
    fonts = Path("/usr/share/fonts")
    return any(fonts.rglob("wqy-*")) or any(fonts.rglob("Noto*CJK*")) if fonts.exists() else False


# --- services --------------------------------------------------------------------------------------------


def postgres_problem(url: str) -> str:
    """Why PostgreSQL at ``url`` cannot be used, or "" when it answers (asked through the server's
    maintenance database: the test database is made by the run itself)."""
    import psycopg

    parts = urlparse(url)
    try:
        psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        return (
            f"PostgreSQL does not answer at {parts.hostname}:{parts.port or 5432} ({str(exc).strip().splitlines()[0]})"
        )
    return ""


def redis_problem(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return f"Redis does not answer at {url} ({exc})"
    return ""


def delete_redis_keys(url: str, pattern: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=pattern, count=1000))
        return client.delete(*keys) if keys else 0
    finally:
        client.close()


def clear_prefixed(cache) -> None:
    """``RedisCache.clear`` for a shared server: only the keys under this cache's prefix."""
    client = cache._cache.get_client(None, write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def mqtt_problem(url: str) -> str:
    """Why the MQTT broker at ``url`` cannot be used: a CONNECT must be answered by a CONNACK."""
    parts = urlparse(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 1883
    client_id = f"wangge-check-{os.getpid()}".encode()
    variable = bytes([0, 4]) + b"MQTT" + bytes([4, 2, 0, 10])  # MQTT 3.1.1, clean session, keep-alive 10 s
    payload = len(client_id).to_bytes(2, "big") + client_id
    connect = bytes([0x10, len(variable) + len(payload)]) + variable + payload
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            sock.sendall(connect)
            answer = sock.recv(4)
    except OSError as exc:
        return f"no MQTT broker answers at {host}:{port} ({exc})"
    if answer[:1] != b"\x20" or answer[3:4] != b"\x00":
        return f"the MQTT broker at {host}:{port} refused a connection ({answer!r})"
    return ""


def mqtt_topic_prefix() -> str:
    """Where this run publishes and subscribes (set per run by ``tests.run``), so runs never hear each other."""
    return os.environ.get("WANGGE_TEST_MQTT_PREFIX") or f"wangge-test/{os.getpid()}"
