"""Property: for any start and limit, the deadline is after the start, inside working time, and exactly
the limit's working time away from the start (and no earlier instant would do)."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wangge.workcalendar.calendar import (
    CALENDAR_TZ,
    deadline,
    get_calendar,
    is_workday,
    is_working_time,
    working_periods,
    working_seconds_between,
)

# Starts from 2025 (the package's data) into 2027 (Monday–Friday fallback), to the second.
starts = st.integers(min_value=0, max_value=3 * 365 * 86400).map(
    lambda s: datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=s)
)
zones = st.sampled_from([UTC, CALENDAR_TZ])
limits = st.one_of(
    st.integers(1, 120).map(lambda n: (f"{n}h", n * 3600)),
    st.integers(0, 40).map(lambda n: (f"{n}.5h", n * 3600 + 1800)),
    st.integers(1, 900).map(lambda n: (f"{n}m", n * 60)),
    st.integers(1, 40).map(lambda n: (f"{n}d", n * 27000)),
)


def inside_working_time(t: datetime) -> bool:
    local = t.astimezone(CALENDAR_TZ)
    clock = local.time()
    return is_workday(local.date()) and any(a <= clock <= b for a, b in working_periods())


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=CALENDAR_TZ)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=starts, zone=zones, limit=limits)
# Starts on the seams of the working day, before a long holiday, and at the turn into 2027.
@example(start=shanghai(2026, 3, 10, 8, 30), zone=UTC, limit=("1d", 27000))
@example(start=shanghai(2026, 3, 10, 12, 0), zone=UTC, limit=("90m", 5400))
@example(start=shanghai(2026, 3, 10, 13, 30), zone=UTC, limit=("3d", 3 * 27000))
@example(start=shanghai(2026, 3, 10, 17, 30), zone=CALENDAR_TZ, limit=("7.5h", 27000))
@example(start=shanghai(2026, 9, 30, 17, 29, 59), zone=UTC, limit=("1d", 27000))
@example(start=shanghai(2026, 12, 31, 23, 59, 59), zone=UTC, limit=("1d", 27000))
def test_deadline_properties(db, start, zone, limit):
    get_calendar()
    text, seconds = limit
    start = start.astimezone(zone)
    due = deadline(start, text)
    assert due.tzinfo is UTC
    assert due > start
    assert inside_working_time(due)
    assert working_seconds_between(start, due) == seconds
    assert working_seconds_between(due, start) == -seconds
    assert working_seconds_between(start, due - timedelta(microseconds=1)) < seconds
    local_start = start.astimezone(CALENDAR_TZ).time()
    if text.endswith("d") and is_working_time(start) and local_start not in [a for a, _ in working_periods()]:
        # Whole working days keep the position in the working day.
        assert due.astimezone(CALENDAR_TZ).time() == local_start
