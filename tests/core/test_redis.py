"""The cache and the task queue on the real Redis server (the PostgreSQL run of ``make test`` sets
REDIS_URL; the SQLite run is the set-up without a broker). Each run keeps to its own prefix."""

import json
import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from huey.contrib.djhuey import HUEY

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs REDIS_URL: runs in the PostgreSQL run of make test, which has Redis"
)


@pytest.fixture
def server():
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def test_cached_values_live_on_the_server_under_the_runs_prefix(server):
    cache.set("redis-check", {"grid": "329901001001001", "n": 3}, 60)
    try:
        assert server.exists(f"{settings.REDIS_PREFIX}:1:redis-check") == 1
        # Another process builds its own client from the same settings and reads the same value.
        other = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": settings.REDIS_PREFIX})
        assert other.get("redis-check") == {"grid": "329901001001001", "n": 3}
        assert RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "another-site"}).get("redis-check") is None
    finally:
        cache.delete("redis-check")
    assert server.exists(f"{settings.REDIS_PREFIX}:1:redis-check") == 0


def test_clearing_the_cache_in_a_test_run_keeps_to_the_runs_keys(server):
    """The server is shared by other runs: the session turns ``clear()`` (FLUSHDB) into a delete of the prefix."""
    server.set("another-site:1:kept", "1", ex=60)
    caches["default"].set("gone", 1, 60)
    try:
        cache.clear()
        assert cache.get("gone") is None
        assert server.get("another-site:1:kept") == b"1"
    finally:
        server.delete("another-site:1:kept")


def test_the_throttle_counts_one_window_across_processes():
    """The anonymous-report limit holds for the whole site, not per server process."""
    from wangge.core import throttle

    ident, period = f"198.51.100.{os.getpid() % 250}", 10**8  # one window for the whole test
    assert [throttle.allow("redis-check", ident, limit=3, period=period) for _ in range(2)] == [True, True]
    # Another process, at this process's instant (the run may be pinned to another day: tests/clock.py).
    child = (
        "import django, json, time_machine\n"
        f"time_machine.travel({time.time()!r}, tick=True).start()\n"
        "django.setup()\n"
        "from wangge.core import throttle\n"
        f"print(json.dumps([throttle.allow('redis-check', {ident!r}, limit=3, period={period}) for _ in range(2)]))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wangge.settings"}
    done = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [True, False]  # the third hit of the window, then over
    assert throttle.allow("redis-check", ident, limit=3, period=period) is False
    cache.delete(f"wangge:throttle:redis-check:{ident}:{int(time.time() // period)}")


def test_a_queued_task_waits_in_the_runs_redis_queue(server):
    from wangge.inbox.tasks import deliver_messages

    HUEY.flush()
    try:
        deliver_messages([123456789])
        assert server.llen(HUEY.storage.queue_key) == 1
        assert HUEY.storage.queue_key == f"huey.redis.{HUEY.storage.clean_name(settings.REDIS_PREFIX)}"
        task = HUEY.dequeue()
        assert task.name.endswith("deliver_messages") and task.args == ([123456789],)
    finally:
        HUEY.flush()
    assert server.llen(HUEY.storage.queue_key) == 0
