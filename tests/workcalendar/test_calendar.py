from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError

from tests.workcalendar.conftest import sh
from wangge.workcalendar.calendar import (
    LimitState,
    add_working_time,
    deadline,
    elapsed_share,
    is_workday,
    is_working_time,
    limit_state,
    parse_limit,
    working_periods,
    working_seconds_between,
)

DAY_SECONDS = 7.5 * 3600


def library_holiday_block(name: str, year: int) -> list[date]:
    """The consecutive days off of a statutory holiday, as the chinesecalendar package has them."""
    days = [
        date(year, 1, 1) + timedelta(days=i)
        for i in range(365)
        if chinese_calendar.get_holiday_detail(date(year, 1, 1) + timedelta(days=i)) == (True, name)
    ]
    assert days, name
    return days


def library_workday_before(d: date) -> date:
    d -= timedelta(days=1)
    while not chinese_calendar.is_workday(d):
        d -= timedelta(days=1)
    return d


def library_workday_after(d: date) -> date:
    d += timedelta(days=1)
    while not chinese_calendar.is_workday(d):
        d += timedelta(days=1)
    return d


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return sh(d.year, d.month, d.day, hour, minute)


# --- Days ------------------------------------------------------------------------------------------


def test_default_working_periods(db):
    assert working_periods() == ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))


def test_national_day_2026_is_a_holiday(db):
    assert is_workday(date(2026, 10, 1)) is False
    assert is_workday(date(2026, 9, 30)) is True  # a Wednesday
    for d in library_holiday_block("National Day", 2026):
        assert is_workday(d) is False


def test_an_aware_datetime_is_taken_to_its_shanghai_date(db):
    # 2026-09-30 17:00 UTC is 2026-10-01 01:00 in Shanghai.
    assert is_workday(datetime(2026, 9, 30, 17, 0, tzinfo=UTC)) is False
    assert is_workday(datetime(2026, 9, 30, 15, 0, tzinfo=UTC)) is True


def test_deadline_across_national_day_2026(db):
    block = library_holiday_block("National Day", 2026)
    before, after = library_workday_before(block[0]), library_workday_after(block[-1])
    assert before == date(2026, 9, 30)
    assert after == date(2026, 10, 8)
    assert deadline(at(before, 16), "1d") == at(after, 16)
    # 1.5 h is left on the last day before the holiday; the other 2 h are worked after it.
    assert deadline(at(before, 16), "3.5h") == at(after, 10, 30)


def test_deadline_across_spring_festival_2026(db):
    block = library_holiday_block("Spring Festival", 2026)
    assert date(2026, 2, 17) in block  # 正月初一
    before, after = library_workday_before(block[0]), library_workday_after(block[-1])
    # Two working days from the second-last working day before the festival: the last one, then the first after.
    second_before = library_workday_before(before)
    assert deadline(at(second_before, 9), "2d") == at(after, 9)
    assert working_seconds_between(at(before, 17, 30), at(after, 8, 30)) == 0.0


def test_an_adjusted_working_weekend_day_counts(db):
    adjusted = [
        d
        for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
        if d.weekday() >= 5 and chinese_calendar.is_workday(d)
    ]
    assert date(2026, 10, 10) in adjusted  # Saturday, worked for National Day
    for d in adjusted:
        assert is_workday(d) is True
    saturday = date(2026, 10, 10)
    assert deadline(sh(2026, 10, 9, 17), "2h") == sh(2026, 10, 10, 10)
    assert deadline(sh(2026, 9, 30, 16), "3d") == at(saturday, 16)  # Oct 8, Oct 9, then Saturday Oct 10


def test_a_plain_weekend_does_not_count(db):
    assert is_workday(date(2026, 3, 14)) is False  # Saturday
    assert is_workday(date(2026, 3, 15)) is False  # Sunday
    assert is_workday(date(2026, 3, 16)) is True  # Monday


# --- Hours -----------------------------------------------------------------------------------------


def test_one_and_a_half_hours_across_lunch(db):
    assert deadline(sh(2026, 3, 10, 11, 30), "1.5h") == sh(2026, 3, 10, 14, 30)


def test_one_and_a_half_hours_across_the_evening(db):
    assert deadline(sh(2026, 3, 10, 17, 0), "1.5h") == sh(2026, 3, 11, 9, 30)


def test_friday_five_pm_plus_two_hours_is_monday_ten(db):
    due = deadline(sh(2026, 3, 13, 17, 0), "2h")
    assert due == datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert due.astimezone(sh(2026, 1, 1).tzinfo).strftime("%a %H:%M") == "Mon 10:00"


def test_a_deadline_on_a_seam_is_the_end_of_the_earlier_period(db):
    assert deadline(sh(2026, 3, 10, 10, 0), "2h") == sh(2026, 3, 10, 12, 0)
    assert deadline(sh(2026, 3, 10, 8, 30), "1d") == sh(2026, 3, 10, 17, 30)
    assert deadline(sh(2026, 3, 13, 18, 0), "1d") == sh(2026, 3, 16, 17, 30)


def test_a_start_outside_working_time_counts_from_the_next_period(db):
    assert deadline(sh(2026, 3, 10, 7, 0), "30m") == sh(2026, 3, 10, 9, 0)
    assert deadline(sh(2026, 3, 10, 12, 45), "30m") == sh(2026, 3, 10, 14, 0)
    assert deadline(sh(2026, 3, 14, 15, 0), "1h") == sh(2026, 3, 16, 9, 30)  # Saturday → Monday


def test_days_keep_the_position_in_the_working_day(db):
    assert add_working_time(sh(2026, 3, 10, 10, 15), days=3) == sh(2026, 3, 13, 10, 15)
    assert add_working_time(sh(2026, 3, 12, 15, 0), days=2) == sh(2026, 3, 16, 15, 0)  # over the weekend
    assert add_working_time(sh(2026, 3, 12, 15, 0), days=1, hours=3) == sh(2026, 3, 16, 9, 0)


def test_nothing_to_add_returns_the_start_in_utc(db):
    start = sh(2026, 3, 14, 15, 0)
    assert add_working_time(start) == start
    assert add_working_time(start).tzinfo is UTC


def test_naive_datetimes_and_negative_amounts_are_refused(db):
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_time(datetime(2026, 3, 10, 9, 0), hours=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_seconds_between(datetime(2026, 3, 10, 9, 0), sh(2026, 3, 10, 10))
    with pytest.raises(ValueError, match="subtracted"):
        add_working_time(sh(2026, 3, 10, 9, 0), hours=-1)
    with pytest.raises(TypeError):
        add_working_time(sh(2026, 3, 10, 9, 0), days=1.5)


def test_is_working_time(db):
    assert is_working_time(sh(2026, 3, 10, 8, 30)) is True
    assert is_working_time(sh(2026, 3, 10, 12, 0)) is False
    assert is_working_time(sh(2026, 3, 10, 13, 29)) is False
    assert is_working_time(sh(2026, 3, 10, 17, 29)) is True
    assert is_working_time(sh(2026, 3, 14, 10, 0)) is False  # Saturday
    assert is_working_time(sh(2026, 10, 10, 10, 0)) is True  # adjusted working Saturday


# --- Measuring -------------------------------------------------------------------------------------


def test_working_seconds_between_is_signed(db):
    a, b = sh(2026, 3, 10, 11, 0), sh(2026, 3, 11, 9, 0)
    assert working_seconds_between(a, b) == 1 * 3600 + 4 * 3600 + 0.5 * 3600
    assert working_seconds_between(b, a) == -(5.5 * 3600)
    assert working_seconds_between(a, a) == 0.0
    # Whole weeks: five working days each.
    assert working_seconds_between(sh(2026, 3, 9, 8, 30), sh(2026, 3, 23, 8, 30)) == 10 * DAY_SECONDS
    # Outside working time nothing accrues.
    assert working_seconds_between(sh(2026, 3, 13, 17, 30), sh(2026, 3, 16, 8, 30)) == 0.0
    assert working_seconds_between(sh(2026, 3, 10, 12, 0), sh(2026, 3, 10, 13, 30)) == 0.0


def test_elapsed_share_and_limit_state(db):
    start = sh(2026, 3, 10, 9, 0)
    due = deadline(start, "1d")
    assert due == sh(2026, 3, 11, 9, 0)
    assert elapsed_share(start, due, sh(2026, 3, 10, 8, 0)) == 0.0
    assert elapsed_share(start, due, sh(2026, 3, 10, 12, 0)) == 0.4
    assert elapsed_share(start, due, sh(2026, 3, 10, 17, 30)) == 7 / 7.5
    assert elapsed_share(start, due, due) == 1.0
    assert elapsed_share(start, due, sh(2026, 3, 11, 14, 15)) == 1.5
    assert limit_state(start, due, sh(2026, 3, 10, 12, 0)) is LimitState.NORMAL
    assert limit_state(start, due, sh(2026, 3, 10, 17, 0)) is LimitState.WARNING
    assert limit_state(start, due, sh(2026, 3, 10, 17, 0), warning_share=0.95) is LimitState.NORMAL
    assert limit_state(start, due, due) is LimitState.WARNING
    assert limit_state(start, due, due + timedelta(seconds=1)) is LimitState.OVERDUE
    # A due date before the start counts as used up once it has passed.
    assert elapsed_share(start, start - timedelta(hours=1), start) == 1.0


# --- Limits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", (2.0, 0)),
        ("1.5h", (1.5, 0)),
        ("3d", (0.0, 3)),
        ("30m", (0.5, 0)),
        (" 45M ", (0.75, 0)),
        ("4 h", (4.0, 0)),
    ],
)
def test_parse_limit(text, expected):
    assert parse_limit(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "“” is not a time limit; write a number and a unit, e.g. 2h, 1.5h, 30m or 3d."),
        ("2", "“2” is not a time limit; write a number and a unit, e.g. 2h, 1.5h, 30m or 3d."),
        ("h", "“h” is not a time limit; write a number and a unit, e.g. 2h, 1.5h, 30m or 3d."),
        ("-1h", "“-1h” is not a time limit; write a number and a unit, e.g. 2h, 1.5h, 30m or 3d."),
        ("2w", "“2w” is not a time limit; write a number and a unit, e.g. 2h, 1.5h, 30m or 3d."),
        ("1h30m", "“1h30m” is not a time limit; write a number and a unit, e.g. 2h, 1.5h, 30m or 3d."),
        ("1.5d", "A time limit in working days must be a whole number."),
        ("0h", "The time limit must be longer than zero."),
        ("0d", "The time limit must be longer than zero."),
        ("366d", "A time limit may be at most 365 working days."),
        ("2001h", "A time limit may be at most 2000 working hours."),
    ],
)
def test_parse_limit_errors(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_limit(text)
    assert caught.value.messages == [message]
