"""Fixtures for the working calendar: English messages, and a fresh per-process calendar snapshot for
every test (the database rolls back after each test, the snapshot would not)."""

from datetime import datetime

import pytest

from tests.common import _english, _plain_static_files  # noqa: F401
from wangge.workcalendar.calendar import CALENDAR_TZ, forget_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    forget_calendar()
    yield
    forget_calendar()


@pytest.fixture
def admin_user(user):
    return user("admin")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An aware datetime on the Asia/Shanghai wall clock."""
    return datetime(year, month, day, hour, minute, second, tzinfo=CALENDAR_TZ)
