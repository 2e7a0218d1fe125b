"""The answer's times: written from what the database gives (on SQLite its UTC text) exactly as Django's
own reading and ``iso`` write them, ISO 8601 in Asia/Shanghai without microseconds."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from wangge.open311 import formats

STORED = [
    "2026-12-06 17:06:21.430829",  # the evening in UTC: the next day in Shanghai
    "2026-12-06 15:59:59",  # no microseconds: stored without them
    "2026-02-28 16:00:00.000001",
    "2024-02-28 23:30:00.5",  # into a leap day
    "2025-12-31 16:00:00",  # into the new year
    "1991-06-01 12:00:00",  # Shanghai's last summer time: +09:00
    "1950-01-01 00:00:00",
]


@pytest.mark.parametrize("stored", STORED)
def test_sqlite_text_is_written_as_djangos_reading_of_it(stored):
    expected = formats.iso(timezone.make_aware(parse_datetime(stored), UTC))
    assert formats.iso_writer()(stored) == expected


def test_datetimes_and_none_are_written_as_iso_writes_them():
    write = formats.iso_writer()
    aware = datetime(2026, 12, 6, 17, 6, 21, 430829, tzinfo=UTC)
    assert write(aware) == formats.iso(aware) == "2026-12-07T01:06:21+08:00"
    assert write(aware.replace(tzinfo=None)) == "2026-12-07T01:06:21+08:00"  # naive: UTC, as stored
    assert write(None) is None
    assert write("2026-12-06T17:06:21+00:00") == "2026-12-07T01:06:21+08:00"


def test_another_zone_goes_through_iso(settings):
    with timezone.override("Europe/Berlin"):
        assert formats.iso_writer()("2026-07-01 10:00:00.25") == "2026-07-01T12:00:00+02:00"
