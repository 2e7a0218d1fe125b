"""The task queue's SQLite file commits without an fsync per task (WAL, synchronous=NORMAL)."""

from django.conf import settings


def test_the_queue_file_is_wal_with_normal_sync(tmp_path):
    from wangge.core.huey_storage import SqliteHuey

    huey = SqliteHuey("test", filename=str(tmp_path / "huey.sqlite3"))
    conn = huey.storage._create_connection()
    try:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert conn.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        conn.close()


def test_the_settings_use_it_without_redis():
    if settings.HUEY.get("url"):  # Redis: not ours to tune
        return
    assert settings.HUEY["huey_class"] == "wangge.core.huey_storage.SqliteHuey"
