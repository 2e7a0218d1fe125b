"""The bench's record of what it generated survives a wipe (a smaller --cases drops the database)."""

from django.db import connection

from bench import prepare


def test_the_record_is_written_after_a_wipe_dropped_its_table(db):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {prepare.META}")
    prepare._save({"scale": 1, "cases": 10})
    assert prepare._meta() == {"scale": 1, "cases": 10}
