"""SQLite writers queue on a lock that wakes the next one at release (``core.writelock``)."""

import fcntl
import os
import threading
import time

import pytest

from wangge.core.writelock import serialized_writes


class Database:
    """What ``serialized_writes`` reads of a connection."""

    def __init__(self, name: str, vendor: str = "sqlite", in_atomic_block: bool = False):
        self.vendor = vendor
        self.in_atomic_block = in_atomic_block
        self.settings_dict = {"NAME": name}


@pytest.fixture
def database(tmp_path):
    return Database(str(tmp_path / "wangge.sqlite3"))


def test_another_process_waits_for_the_file_lock(database):
    other = os.open(database.settings_dict["NAME"] + ".writelock", os.O_RDWR | os.O_CREAT)
    try:
        with serialized_writes(database), pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another open file, as another process has
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once released
        fcntl.flock(other, fcntl.LOCK_UN)
    finally:
        os.close(other)


def test_a_second_thread_waits_until_the_first_is_done(database):
    order = []
    inside = threading.Event()

    def second():
        inside.wait(5)
        with serialized_writes(database):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    with serialized_writes(database):
        inside.set()
        time.sleep(0.1)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]


def test_reentrant_in_a_thread(database):
    with serialized_writes(database), serialized_writes(database):
        pass
    with serialized_writes(database):  # released by the outer block
        pass


def test_never_waits_inside_an_open_transaction_or_off_sqlite(database):
    busy = threading.Event()
    done = threading.Event()

    def holder():
        with serialized_writes(database):
            busy.set()
            done.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    busy.wait(5)
    try:
        started = time.monotonic()
        with serialized_writes(Database(database.settings_dict["NAME"], in_atomic_block=True)):
            pass
        with serialized_writes(Database(database.settings_dict["NAME"], vendor="postgresql")):
            pass
        assert time.monotonic() - started < 1
    finally:
        done.set()
        thread.join(5)


def test_an_in_memory_database_has_only_the_thread_lock():
    with serialized_writes(Database(":memory:")), serialized_writes(Database("file:memorydb?mode=memory&cache=shared")):
        pass
