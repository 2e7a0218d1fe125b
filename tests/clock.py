"""Run the suite as if it were another instant.

The suite must pass whatever the day or hour: working-day deadlines, month boundaries, holidays and
the calendar's fallback for years it does not know all change what "now" means. ``--clock`` (or
``WANGGE_TEST_CLOCK``) moves the clock of the test process to an instant, by name or in ISO 8601,
and lets it run on from there (time-machine patches ``time.time`` and ``datetime.now`` in C, so
Django, huey and the workflow all read it). The browser journeys start their own server process and
run at the real time.

    make test CLOCK=holiday
    .venv/bin/pytest --clock=2026-10-10T09:00:00+08:00 tests/cases

``python -m tests.clock`` prints the name of today's instant: CI runs the PostgreSQL suite at it, so
every run tries one more instant, and the whole list comes round once a week.
"""

from __future__ import annotations

import sys
from datetime import date, datetime

INSTANTS = {
    "sunday": "2026-12-06T15:10:00+08:00",  # a Sunday afternoon: no working hours left today
    "holiday": "2026-10-01T10:00:00+08:00",  # National Day, inside the statutory holiday
    "working-saturday": "2026-10-10T10:00:00+08:00",  # the adjusted working Saturday after it
    "month-start": "2026-11-01T00:20:00+08:00",  # the first hour of a month (still October in UTC)
    "month-end": "2026-11-30T23:40:00+08:00",  # the last hour of a month (already past in UTC+8 only)
    "year-end": "2026-12-31T23:30:00+08:00",  # New Year's Eve, half an hour before an unknown year
    "next-year": "2027-03-15T10:00:00+08:00",  # a year the holiday package does not know (fallback)
}


def instant(value: str) -> datetime:
    """An instant by name or in ISO 8601 with its zone."""
    moment = datetime.fromisoformat(INSTANTS.get(value, value))
    if moment.tzinfo is None:
        raise ValueError(f"--clock needs a zone or a name ({', '.join(INSTANTS)}): {value}")
    return moment


def of_the_day(day: date | None = None) -> str:
    """The name of the instant a CI run on ``day`` tries, one after another through the week."""
    names = list(INSTANTS)
    return names[(day or date.today()).toordinal() % len(names)]


if __name__ == "__main__":
    sys.stdout.write(of_the_day() + "\n")
