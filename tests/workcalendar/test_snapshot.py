"""Deadlines are counted from a per-process snapshot of the calendar: once it is loaded, counting asks
the database nothing. (How fast a call is, against the holiday package day by day, is the bench figure
``kernels``.)"""

import pytest

from tests.workcalendar.conftest import sh
from wangge.workcalendar.calendar import deadline, elapsed_share


def test_deadlines_ask_the_database_nothing_once_the_snapshot_is_loaded(db, django_assert_num_queries):
    start, now = sh(2026, 9, 30, 16), sh(2026, 10, 9, 11)
    first = deadline(start, "3d")  # loads the snapshot
    with django_assert_num_queries(0):
        for _ in range(200):
            due = deadline(start, "3d")
            share = elapsed_share(start, due, now)
    # Three working days from Wednesday 30 September 16:00 over the National Day holiday (1-7 October):
    # the 8th, the 9th and the working Saturday the 10th. By the 9th at 11:00, 1.5 + 7.5 + 2.5 of 22.5 h.
    assert due == first == sh(2026, 10, 10, 16)
    assert share == pytest.approx(11.5 / 22.5)
