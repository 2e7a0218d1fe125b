"""The task queue and the cache as the settings build them: huey on a SQLite file without an fsync per
task (WAL, synchronous=NORMAL) and the cache in memory by default; with REDIS_URL both on Redis, under
the site's prefix. Both set-ups are read from the settings module in every run; the run's own set-up
(SQLite run: the default; PostgreSQL run: Redis) is checked against its environment."""

import runpy

import pytest
from django.conf import settings

SETTINGS = settings.BASE_DIR / "wangge" / "settings.py"


def test_the_queue_file_is_wal_with_normal_sync(tmp_path):
    from wangge.core.huey_storage import SqliteHuey

    huey = SqliteHuey("test", filename=str(tmp_path / "huey.sqlite3"))
    conn = huey.storage._create_connection()
    try:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert conn.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        conn.close()


@pytest.fixture
def settings_with(monkeypatch, tmp_path):
    """settings_with(REDIS_URL=…) → the settings module's names as it builds them in that environment."""

    def build(**env) -> dict:
        for name in ("REDIS_URL", "WANGGE_REDIS_PREFIX", "WANGGE_TASKS_IMMEDIATE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("WANGGE_VAR_DIR", str(tmp_path))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return build


def test_without_redis_the_queue_is_a_sqlite_file_and_the_cache_local_memory(settings_with, tmp_path):
    built = settings_with()
    assert built["HUEY"] == {
        "huey_class": "wangge.core.huey_storage.SqliteHuey",
        "name": "wangge",
        "filename": str(tmp_path / "huey.sqlite3"),
        "immediate": False,
    }
    assert built["CACHES"] == {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_with_redis_the_queue_and_the_cache_use_it_under_the_sites_prefix(settings_with):
    built = settings_with(REDIS_URL="redis://cache.internal:6380/2", WANGGE_REDIS_PREFIX="district-a")
    assert built["HUEY"] == {
        "huey_class": "huey.RedisHuey",
        "name": "district-a",
        "url": "redis://cache.internal:6380/2",
        "immediate": False,
    }
    assert built["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6380/2",
        "KEY_PREFIX": "district-a",
    }
    # A site that sets no prefix keeps the queue name it always had.
    assert settings_with(REDIS_URL="redis://127.0.0.1:6379/0")["HUEY"]["name"] == "wangge"


def test_this_run_uses_the_set_up_its_environment_asks_for():
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache
    from huey import RedisHuey
    from huey.contrib.djhuey import HUEY

    from wangge.core.huey_storage import SqliteHuey

    cache = caches["default"]
    if settings.REDIS_URL:  # the PostgreSQL run
        assert type(HUEY) is RedisHuey and HUEY.name == settings.REDIS_PREFIX
        assert isinstance(cache, RedisCache) and cache.key_prefix == settings.REDIS_PREFIX
    else:  # the SQLite run
        assert type(HUEY) is SqliteHuey
        assert HUEY.storage.filename == str(settings.VAR_DIR / "huey.sqlite3")
        assert isinstance(cache, LocMemCache)
