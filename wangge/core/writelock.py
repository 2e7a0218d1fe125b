"""One writer at a time on SQLite, queued in the operating system instead of on SQLite's busy back-off.

SQLite has a single write lock. A writer that finds it taken sleeps in SQLite's busy handler (1, 2, 5,
10, 15, 20, 25, … ms) and tries again, whatever the time the lock is really held: under load most of a
report's latency was that sleeping. ``serialized_writes()`` queues the busy write transactions (intake,
the workflow, the roll-up fold) on a lock that wakes the next writer as soon as it is released: a
thread lock inside the process and an ``flock`` on a file beside the database across processes (the
server's workers and the task consumer). It is taken *before* ``BEGIN IMMEDIATE``, never inside an
open transaction (that order could wait on a writer that waits on us), and is reentrant in a thread.

On PostgreSQL (row locks, many writers) it does nothing.
"""

import fcntl
import os
import threading
from contextlib import contextmanager

from django.db import connection

_thread_lock = threading.Lock()
_held = threading.local()
_files: dict[str, int] = {}  # lock file path → file descriptor, one per process (flock is per open file)
_files_lock = threading.Lock()


def _lock_file(name: str) -> int | None:
    """A descriptor of ``<database>.writelock``; None for an in-memory database."""
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    path = f"{name}.writelock"
    with _files_lock:
        if path not in _files:
            _files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return _files[path]


@contextmanager
def serialized_writes(using=None):
    """Around a write transaction: on SQLite, wait for the other writers of this database first."""
    db = connection if using is None else using
    if db.vendor != "sqlite" or getattr(_held, "depth", 0) or db.in_atomic_block:
        # Not SQLite; or already held by this thread; or inside a transaction that holds SQLite's lock
        # already (waiting here could deadlock with a thread that holds this lock and waits for SQLite).
        yield
        return
    descriptor = _lock_file(str(db.settings_dict.get("NAME") or ""))
    with _thread_lock:
        if descriptor is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # blocks in the kernel, without the GIL
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            if descriptor is not None:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
