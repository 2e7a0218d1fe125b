import time as clock

from tests.workcalendar.conftest import sh
from wangge.workcalendar.calendar import deadline, elapsed_share


def test_a_three_day_deadline_takes_microseconds(db, django_assert_num_queries):
    start, now = sh(2026, 9, 30, 16), sh(2026, 10, 9, 11)
    deadline(start, "3d")  # loads the snapshot
    n = 2000
    with django_assert_num_queries(0):
        began = clock.perf_counter()
        for _ in range(n):
            due = deadline(start, "3d")
            elapsed_share(start, due, now)
        per_call = (clock.perf_counter() - began) / n
    # About 10 µs for both on a laptop; the bound leaves room for slow, busy CI machines.
    assert per_call < 300e-6
