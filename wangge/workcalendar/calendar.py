"""Working time: which days are working days, and how case time limits (时限) are counted in them.

Which days count
    An administrator's ``CalendarDay`` row wins; otherwise the ``chinesecalendar`` package decides
    (statutory holidays, and weekend days that are worked in exchange, 调休上班); for a year the package
    does not know (it covers 2004–2026) every Monday–Friday is a working day. So entering a new year's
    State Council notice as ``CalendarDay`` rows is all it takes to teach the calendar that year.

Which hours count
    The ``WorkingHours`` periods of a working day (default 08:30–12:00 and 13:30–17:30, 7.5 h), as
    wall-clock time in Asia/Shanghai whatever ``settings.TIME_ZONE`` says. Callers pass aware datetimes
    and get aware UTC datetimes back; naive datetimes raise ``ValueError``.

Counting
    ``add_working_time(start, hours=h, days=n)`` returns the earliest instant by which ``n`` working days
    plus ``h`` working hours have passed since ``start``; a working day is the length of the working
    periods, so ``days=n`` lands at the same position of the working day ``n`` working days later. A
    start outside working time counts from the next working period's start. When the result falls
    exactly on the seam between two periods it is reported as the end of the earlier one (12:00 rather
    than 13:30; Monday 17:30 rather than Tuesday 08:30): the same amount of working time, and the
    deadline people expect. Amounts are counted in whole microseconds.

Cache
    The overrides and working periods are read once into an immutable ``Calendar`` snapshot per process.
    Every write bumps the single ``CalendarVersion`` row in its transaction (see ``services``) and drops
    this process's snapshot on commit; other processes compare the counter at most every
    ``settings.WORKCALENDAR_CHECK_SECONDS`` (default 5) seconds. A version row rather than Django's cache
    because the default cache is local memory, which other processes cannot see, and because the row
    changes atomically with the data. Between checks a call does no query at all.
"""

import re
import threading
import time as monotonic_clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as library
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wangge.workcalendar.models import CalendarDay, CalendarVersion, DayKind, WorkingHours

CALENDAR_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
DEFAULT_CHECK_SECONDS = 5.0
DEFAULT_WARNING_SHARE = 0.8
MAX_LIMIT_DAYS = 365
MAX_LIMIT_HOURS = 2000

_US = 1_000_000  # microseconds per second
_HOUR_US = 3600 * _US

# The package's own data, as day ordinals (static, so read once at import).
_LIBRARY_HOLIDAYS = frozenset(d.toordinal() for d in library.holidays)
_LIBRARY_WORKDAYS = frozenset(d.toordinal() for d in library.workdays)
LIBRARY_YEARS = range(min(library.holidays).year, max(library.holidays).year + 1)


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US + t.microsecond


@dataclass(frozen=True, slots=True)
class Calendar:
    """An immutable snapshot of the calendar data; every computation below reads one of these."""

    version: int
    overrides: dict[int, bool]  # day ordinal → is a working day (administrator entries)
    periods: tuple[tuple[int, int], ...]  # working periods as (start, end) microseconds after local midnight
    day_us: int  # working microseconds in one working day

    @classmethod
    def build(cls, version: int, overrides: dict[date, bool], periods) -> "Calendar":
        spans = sorted((_time_us(a), _time_us(b)) for a, b in periods if a < b) or [
            (_time_us(a), _time_us(b)) for a, b in DEFAULT_PERIODS
        ]
        merged: list[tuple[int, int]] = []
        for a, b in spans:  # touching or overlapping periods become one, so every seam is a real break
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return cls(
            version=version,
            overrides={d.toordinal(): bool(v) for d, v in overrides.items()},
            periods=tuple(merged),
            day_us=sum(b - a for a, b in merged),
        )

    def is_workday_ordinal(self, ordinal: int) -> bool:
        override = self.overrides.get(ordinal)
        if override is not None:
            return override
        if ordinal in _LIBRARY_WORKDAYS:
            return True
        if ordinal in _LIBRARY_HOLIDAYS:
            return False
        return (ordinal - 1) % 7 < 5  # date.fromordinal(1) is a Monday

    def done_us(self, clock_us: int) -> int:
        """Working microseconds of a working day that lie before this local time of day."""
        done = 0
        for a, b in self.periods:
            if clock_us <= a:
                break
            if clock_us < b:
                return done + clock_us - a
            done += b - a
        return done

    def clock_us(self, done: int) -> int:
        """The local time of day at which ``done`` working microseconds (0 < done ≤ day_us) have passed."""
        for a, b in self.periods:
            if done <= b - a:
                return a + done
            done -= b - a
        return self.periods[-1][1]

    def next_workday(self, ordinal: int) -> int:
        ordinal += 1
        while not self.is_workday_ordinal(ordinal):
            ordinal += 1
        return ordinal


# --- The per-process snapshot ------------------------------------------------------------------------

_lock = threading.Lock()
_cached: Calendar | None = None
_fresh_until = 0.0


def current_version() -> int:
    return CalendarVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _load(version: int) -> Calendar:
    overrides = {d: kind == DayKind.WORKDAY for d, kind in CalendarDay.objects.values_list("date", "kind")}
    periods = list(WorkingHours.objects.values_list("start", "end"))
    return Calendar.build(version, overrides, periods)


def get_calendar() -> Calendar:
    """This process's snapshot, rebuilt when the version row has moved (checked every few seconds)."""
    global _cached, _fresh_until
    cached = _cached
    now = monotonic_clock.monotonic()
    if cached is not None and now < _fresh_until:
        return cached
    # The version is read before the rows: a write committed in between makes the snapshot newer than its
    # number, never older, so the next check rebuilds it rather than keeping stale data.
    version = current_version()
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = _load(version)
        _fresh_until = now + float(getattr(settings, "WORKCALENDAR_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))
        return _cached


def forget_calendar() -> None:
    """Drop this process's snapshot at once (other processes notice the version counter)."""
    global _cached, _fresh_until
    with _lock:
        _cached = None
        _fresh_until = 0.0


# --- Days ------------------------------------------------------------------------------------------


def _local_date(d: date) -> date:
    if isinstance(d, datetime):
        return d.astimezone(CALENDAR_TZ).date() if d.tzinfo is not None else d.date()
    return d


def is_workday(d: date) -> bool:
    """Whether ``d`` is a working day (an aware datetime is first taken to its date in Asia/Shanghai)."""
    return get_calendar().is_workday_ordinal(_local_date(d).toordinal())


def library_says(d: date) -> tuple[bool, str] | None:
    """What ``chinesecalendar`` alone says of ``d``: (is a working day, Chinese holiday name or ""), or None
    for a year the package does not know."""
    if d.year not in LIBRARY_YEARS:
        return None
    holiday, english_name = chinese_calendar.get_holiday_detail(d)
    return not holiday, _library_chinese_name(english_name) if english_name else ""


def _library_chinese_name(english: str) -> str:
    for member in library.Holiday:
        if member.value == english:
            return member.chinese
    return english


def working_periods() -> tuple[tuple[time, time], ...]:
    """The working periods of a working day, in Asia/Shanghai wall-clock time."""
    return tuple((_clock(a), _clock(b)) for a, b in get_calendar().periods)


def _clock(us: int) -> time:
    seconds, micro = divmod(us, _US)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


# --- Instants --------------------------------------------------------------------------------------


def _position(t: datetime) -> tuple[int, int]:
    """(day ordinal, microseconds after local midnight) of an aware datetime in Asia/Shanghai."""
    if not isinstance(t, datetime):
        raise TypeError(f"expected a datetime, got {type(t).__name__}")
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("working-time calculations need timezone-aware datetimes")
    local = t.astimezone(CALENDAR_TZ)
    return local.toordinal(), ((local.hour * 60 + local.minute) * 60 + local.second) * _US + local.microsecond


def _instant(ordinal: int, clock_us: int) -> datetime:
    local = datetime.fromordinal(ordinal) + timedelta(microseconds=clock_us)
    return local.replace(tzinfo=CALENDAR_TZ).astimezone(UTC)


def is_working_time(t: datetime) -> bool:
    """Whether ``t`` lies in a working period of a working day (periods are half-open: 12:00 is not)."""
    cal = get_calendar()
    ordinal, clock = _position(t)
    return cal.is_workday_ordinal(ordinal) and any(a <= clock < b for a, b in cal.periods)


def add_working_time(start: datetime, *, hours: float = 0, days: int = 0) -> datetime:
    """The earliest instant (aware, UTC) by which ``days`` working days plus ``hours`` working hours have
    passed since ``start``. With nothing to add, ``start`` itself (in UTC) is returned."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be a whole number")
    if hours < 0 or days < 0:
        raise ValueError("working time can only be added, not subtracted")
    cal = get_calendar()
    ordinal, clock = _position(start)
    need = round(hours * _HOUR_US) + days * cal.day_us
    if need == 0:
        return start.astimezone(UTC)
    # Position in the working day; a non-working day counts as one whose working time is all used up.
    done = cal.done_us(clock) if cal.is_workday_ordinal(ordinal) else cal.day_us
    target = done + need
    while target > cal.day_us:
        ordinal = cal.next_workday(ordinal)
        target -= cal.day_us
    return _instant(ordinal, cal.clock_us(target))


def _between_us(cal: Calendar, a: datetime, b: datetime) -> int:
    ord_a, clock_a = _position(a)
    ord_b, clock_b = _position(b)
    if a > b:
        return -_between_us(cal, b, a)
    full = 0
    for ordinal in range(ord_a, ord_b):
        if cal.is_workday_ordinal(ordinal):
            full += cal.day_us
    done_a = cal.done_us(clock_a) if cal.is_workday_ordinal(ord_a) else 0
    done_b = cal.done_us(clock_b) if cal.is_workday_ordinal(ord_b) else 0
    return full - done_a + done_b


def working_seconds_between(a: datetime, b: datetime) -> float:
    """Working seconds from ``a`` to ``b``, signed: negative when ``b`` is before ``a``."""
    return _between_us(get_calendar(), a, b) / _US


# --- Time limits -----------------------------------------------------------------------------------

_LIMIT = re.compile(r"(\d+(?:\.\d+)?)\s*([hmd])")


def parse_limit(text: str) -> tuple[float, int]:
    """``"2h"``, ``"1.5h"``, ``"30m"`` or ``"3d"`` → (working hours, working days).

    Minutes are returned as hours ("30m" → (0.5, 0)); days must be whole. Raises ``ValidationError``
    (translated) for anything else, for zero, and above ``MAX_LIMIT_DAYS`` days or ``MAX_LIMIT_HOURS`` hours.
    """
    raw = text.strip().lower() if isinstance(text, str) else ""
    match = _LIMIT.fullmatch(raw)
    if match is None:
        raise ValidationError(
            _("“%(value)s” is not a time limit; write a number and a unit, e.g. 2h, 1.5h, 30m or 3d.")
            % {"value": text},
            code="invalid",
        )
    number, unit = match.groups()
    if unit == "d":
        if "." in number:
            raise ValidationError(_("A time limit in working days must be a whole number."), code="invalid")
        days = int(number)
        if days == 0:
            raise ValidationError(_("The time limit must be longer than zero."), code="invalid")
        if days > MAX_LIMIT_DAYS:
            raise ValidationError(
                _("A time limit may be at most %(n)d working days.") % {"n": MAX_LIMIT_DAYS}, code="invalid"
            )
        return 0.0, days
    hours = float(number) if unit == "h" else float(number) / 60
    if hours == 0:
        raise ValidationError(_("The time limit must be longer than zero."), code="invalid")
    if hours > MAX_LIMIT_HOURS:
        raise ValidationError(
            _("A time limit may be at most %(n)d working hours.") % {"n": MAX_LIMIT_HOURS}, code="invalid"
        )
    return hours, 0


def deadline(start: datetime, limit: str) -> datetime:
    """When a time limit such as ``"3d"`` that starts at ``start`` runs out (aware, UTC)."""
    hours, days = parse_limit(limit)
    return add_working_time(start, hours=hours, days=days)


def elapsed_share(start: datetime, due: datetime, now: datetime) -> float:
    """The share of the working time between ``start`` and ``due`` that has passed by ``now``.

    0.0 before the start; 1.0 at the deadline; above 1.0 once it has passed (not clamped, so "150 %"
    can be shown). A limit with no working time in it counts as all used up once ``now`` reaches ``due``.
    """
    cal = get_calendar()
    total = _between_us(cal, start, due)
    if total <= 0:
        return 1.0 if now >= due else 0.0
    return max(_between_us(cal, start, now), 0) / total


class LimitState(StrEnum):
    NORMAL = "normal"
    WARNING = "warning"  # yellow: most of the limit is used up
    OVERDUE = "overdue"  # red: the deadline has passed


def limit_state(
    start: datetime, due: datetime, now: datetime, *, warning_share: float = DEFAULT_WARNING_SHARE
) -> LimitState:
    """Overdue once ``now`` is after ``due``; a warning once ``warning_share`` of the working time is used."""
    if now > due:
        return LimitState.OVERDUE
    if elapsed_share(start, due, now) >= warning_share:
        return LimitState.WARNING
    return LimitState.NORMAL
