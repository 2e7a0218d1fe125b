"""SQLite writers queue on a lock that wakes the next one at release (``core.writelock``).

Blocking is checked with events and bounded waits that fail, never with durations: a test whose lock
misbehaves fails (it does not pass slowly, nor hang until the suite's timeout).
"""

import fcntl
import os
import threading

import pytest

from wangge.core.writelock import serialized_writes

BOUND = 30  # seconds: how long a thread may take to do what it must; only reached when something is wrong


class Database:
    """What ``serialized_writes`` reads of a connection."""

    def __init__(self, name: str, vendor: str = "sqlite", in_atomic_block: bool = False):
        self.vendor = vendor
        self.in_atomic_block = in_atomic_block
        self.settings_dict = {"NAME": name}


@pytest.fixture
def database(tmp_path):
    return Database(str(tmp_path / "wangge.sqlite3"))


def held_by_another_process(database) -> bool:
    """Whether the database's lock file is locked, as another process (another open file) sees it."""
    other = os.open(database.settings_dict["NAME"] + ".writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(other, fcntl.LOCK_UN)
        return False
    finally:
        os.close(other)


def finishes(work, what: str) -> None:
    """Run ``work`` in a thread; fail (instead of hanging) if it does not return within ``BOUND`` seconds."""
    failure: list[BaseException] = []

    def run():
        try:
            work()
        except BaseException as exc:  # reported in the test's own thread
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BOUND)
    assert not thread.is_alive(), f"{what}: still blocked after {BOUND} s"
    if failure:
        raise failure[0]


def test_another_process_waits_for_the_file_lock(database):
    with serialized_writes(database):
        assert held_by_another_process(database)
    assert not held_by_another_process(database)


def test_a_second_thread_waits_until_the_first_is_done(database):
    order = []
    trying, entered = threading.Event(), threading.Event()

    def second():
        trying.set()
        with serialized_writes(database):
            entered.set()
            order.append("second")

    thread = threading.Thread(target=second, daemon=True)
    with serialized_writes(database):
        thread.start()
        assert trying.wait(BOUND), "the second thread never started"
        # Held here: the second thread must not get in, however long it is given.
        assert not entered.wait(0.5), "the second thread got in while the first held the lock"
        order.append("first")
    assert entered.wait(BOUND), "the second thread was not woken when the first released the lock"
    thread.join(BOUND)
    assert order == ["first", "second"]


def test_reentrant_in_a_thread(database):
    def nested():
        with serialized_writes(database):
            with serialized_writes(database):
                assert held_by_another_process(database)
            assert held_by_another_process(database), "the inner block released the outer block's lock"
        assert not held_by_another_process(database)
        with serialized_writes(database):  # and it can be taken again
            assert held_by_another_process(database)

    finishes(nested, "a nested serialized_writes() in the same thread")
    assert not held_by_another_process(database)


def write_inside(database):
    """A service that takes the lock itself, called where the lock is held already."""
    with serialized_writes(database):
        raise RuntimeError("a failed write")


def test_reentrant_through_three_levels_and_an_exception(database):
    def nested():
        with pytest.raises(RuntimeError), serialized_writes(database), serialized_writes(database):
            write_inside(database)
        assert not held_by_another_process(database), "an exception left the lock held"

    finishes(nested, "serialized_writes() nested three deep")


def test_never_waits_inside_an_open_transaction_or_off_sqlite(database):
    busy, done = threading.Event(), threading.Event()

    def holder():
        with serialized_writes(database):
            busy.set()
            done.wait(60)

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    assert busy.wait(BOUND), "the holder never took the lock"
    try:

        def pass_through():
            with serialized_writes(Database(database.settings_dict["NAME"], in_atomic_block=True)):
                pass
            with serialized_writes(Database(database.settings_dict["NAME"], vendor="postgresql")):
                pass

        finishes(pass_through, "serialized_writes() inside a transaction or on PostgreSQL waited for the holder")
    finally:
        done.set()
        thread.join(BOUND)


def test_an_in_memory_database_has_only_the_thread_lock(database):
    def memory():
        with (
            serialized_writes(Database(":memory:")),
            serialized_writes(Database("file:memorydb?mode=memory&cache=shared")),
        ):
            pass

    finishes(memory, "serialized_writes() on an in-memory database")
