"""Reads of the working calendar. The calendar is the same for everyone, so nothing here is scoped to a
user; it is shown to administrators (admin pages) and used by the deadline functions in ``calendar``."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from wangge.workcalendar.calendar import LIBRARY_YEARS, get_calendar, library_says
from wangge.workcalendar.models import CalendarDay


class YearSource(StrEnum):
    LIBRARY = "library"  # the chinesecalendar package knows the year (overrides still win day by day)
    OVERRIDES = "overrides"  # unknown to the package, but an administrator entered days for it
    WEEKDAYS = "weekdays"  # neither: Monday–Friday are working days, nothing else


@dataclass(frozen=True)
class SpecialDay:
    date: date
    is_workday: bool
    name: str
    overridden: bool  # an administrator's CalendarDay decides this date


def year_source(year: int) -> YearSource:
    """Where the working days of ``year`` come from."""
    if year in LIBRARY_YEARS:
        return YearSource.LIBRARY
    if CalendarDay.objects.filter(date__year=year).exists():
        return YearSource.OVERRIDES
    return YearSource.WEEKDAYS


def special_days(year: int) -> list[SpecialDay]:
    """The days of ``year`` that are not an ordinary Monday–Friday working day or weekend: holidays on
    weekdays, working weekends, and every administrator override."""
    calendar = get_calendar()
    rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    result = []
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        workday = calendar.is_workday_ordinal(day.toordinal())
        row = rows.get(day)
        if row is not None:
            result.append(SpecialDay(day, row.is_workday, row.name, True))
        elif workday != (day.weekday() < 5):
            said = library_says(day)
            result.append(SpecialDay(day, workday, said[1] if said else "", False))
        day += timedelta(days=1)
    return result
