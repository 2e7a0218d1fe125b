"""huey on SQLite without an ``fsync`` per queued task.

huey's SQLite storage leaves SQLite's default ``synchronous=FULL``: every task queued (a message to
deliver after each report) waits for an ``fsync`` of the queue file, and under load the server's threads
queue on that file's single write lock. In WAL mode ``synchronous=NORMAL`` cannot corrupt the file; a
power cut (not a crash of the process) may lose the tasks queued in the last moments before it. What
those tasks do is re-derivable: the inbox rows are in the main database, the roll-up fold runs every
minute anyway.
"""

import huey
from huey.storage import SqliteStorage


class NormalSyncSqliteStorage(SqliteStorage):
    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


class SqliteHuey(huey.SqliteHuey):
    storage_class = NormalSyncSqliteStorage
