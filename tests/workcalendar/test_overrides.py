from datetime import date, time
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from tests.workcalendar.conftest import sh
from wangge.accounts.models import AuditLog
from wangge.workcalendar import selectors, services
from wangge.workcalendar.calendar import deadline, get_calendar, is_workday, working_periods
from wangge.workcalendar.models import CalendarDay, CalendarVersion, WorkingHours

# --- Years the package does not know -------------------------------------------------------------


def test_2027_falls_back_to_monday_to_friday(db):
    assert is_workday(date(2027, 1, 1)) is True  # a Friday; the package does not know 2027
    assert is_workday(date(2027, 1, 2)) is False  # Saturday
    assert is_workday(date(2027, 1, 3)) is False  # Sunday
    assert is_workday(date(2027, 2, 8)) is True  # a Monday in what will be Spring Festival week
    assert deadline(sh(2026, 12, 31, 16), "1d") == sh(2027, 1, 1, 16)
    assert selectors.year_source(2027) is selectors.YearSource.WEEKDAYS
    assert selectors.year_source(2026) is selectors.YearSource.LIBRARY


def test_an_override_for_2027_changes_the_answer_and_drops_the_cache(
    db, admin_user, django_capture_on_commit_callbacks
):
    assert is_workday(date(2027, 1, 1)) is True  # now cached in this process
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.set_calendar_day(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦")
    assert len(callbacks) == 1
    assert is_workday(date(2027, 1, 1)) is False
    assert deadline(sh(2026, 12, 31, 16), "1d") == sh(2027, 1, 4, 16)
    assert selectors.year_source(2027) is selectors.YearSource.OVERRIDES
    assert CalendarVersion.objects.get(pk=1).version == 1
    log = AuditLog.objects.get(action="workcalendar.day.create")
    assert log.object_repr == "2027-01-01 元旦"
    assert log.changes == {"kind": "holiday", "name": "元旦", "note": ""}

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_calendar_days(actor=admin_user, days=list(CalendarDay.objects.filter(date=date(2027, 1, 1))))
    assert is_workday(date(2027, 1, 1)) is True
    assert CalendarVersion.objects.get(pk=1).version == 2


def test_an_override_wins_over_the_package(db, admin_user, django_capture_on_commit_callbacks):
    assert is_workday(date(2026, 10, 1)) is False
    assert is_workday(date(2026, 10, 10)) is True
    with django_capture_on_commit_callbacks(execute=True):
        services.set_calendar_day(actor=admin_user, day=date(2026, 10, 1), kind="workday", name="值班")
        services.set_calendar_day(actor=admin_user, day=date(2026, 10, 10), kind="holiday", name="补休")
    assert is_workday(date(2026, 10, 1)) is True
    assert is_workday(date(2026, 10, 10)) is False


def test_other_processes_notice_the_version_row(db, settings, monkeypatch):
    """A write from another process only moves the counter; this process sees it at its next check."""
    from wangge.workcalendar import calendar

    now = [1000.0]
    monkeypatch.setattr(calendar, "monotonic_clock", SimpleNamespace(monotonic=lambda: now[0]))
    settings.WORKCALENDAR_CHECK_SECONDS = 5
    assert is_workday(date(2027, 1, 1)) is True
    CalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")  # "another process"
    CalendarVersion.objects.create(pk=1, version=1)
    now[0] += 4.9
    assert is_workday(date(2027, 1, 1)) is True  # within the check interval: no query, the old snapshot
    now[0] += 0.2
    assert is_workday(date(2027, 1, 1)) is False
    assert get_calendar().version == 1


def test_a_cached_calendar_answers_without_queries(db, django_assert_num_queries):
    deadline(sh(2026, 3, 10, 9), "3d")  # loads the snapshot
    with django_assert_num_queries(0):
        for _ in range(100):
            deadline(sh(2026, 9, 30, 16), "3d")
            is_workday(date(2027, 1, 1))


def test_setting_the_same_day_twice_writes_once(db, admin_user):
    services.set_calendar_day(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦")
    services.set_calendar_day(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦")
    row = services.set_calendar_day(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦节")
    assert row.name == "元旦节"
    assert CalendarDay.objects.count() == 1
    assert AuditLog.objects.filter(action__startswith="workcalendar.day.").count() == 2
    assert AuditLog.objects.get(action="workcalendar.day.update").changes == {"name": ["元旦", "元旦节"]}
    assert CalendarVersion.objects.get(pk=1).version == 2


def test_a_bad_kind_is_refused(db, admin_user):
    with pytest.raises(ValidationError) as caught:
        services.set_calendar_day(actor=admin_user, day=date(2027, 1, 1), kind="weekend")
    assert caught.value.message_dict == {"kind": ["Unknown kind weekend; use holiday or workday."]}
    assert CalendarDay.objects.count() == 0


# --- The holiday notice --------------------------------------------------------------------------

NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知 (made-up dates for the test)
2027-01-01 holiday 元旦

2027-02-06 workday 调休上班
2027-02-10..2027-02-16 holiday 春节
2027-02-20 WORKDAY 调休上班
"""


def test_a_holiday_notice_is_written(db, admin_user, django_capture_on_commit_callbacks):
    assert is_workday(date(2027, 2, 10)) is True
    with django_capture_on_commit_callbacks(execute=True):
        result = services.import_holiday_notice(actor=admin_user, text=NOTICE_2027, note="国办发明电〔2026〕1号")
    assert result.years == [2027]
    assert len(result.created) == 10
    assert result.updated == result.unchanged == result.deleted == []
    rows = {row.date: (row.kind, row.name, row.note) for row in CalendarDay.objects.all()}
    assert rows[date(2027, 2, 13)] == ("holiday", "春节", "国办发明电〔2026〕1号")
    assert rows[date(2027, 2, 20)] == ("workday", "调休上班", "国办发明电〔2026〕1号")
    assert is_workday(date(2027, 1, 1)) is False
    assert is_workday(date(2027, 2, 6)) is True  # Saturday
    assert is_workday(date(2027, 2, 10)) is False
    assert is_workday(date(2027, 2, 17)) is True
    # From Friday 5 Feb 16:00: the adjusted Saturday, Monday 8, Tuesday 9, then the day after the festival.
    assert deadline(sh(2027, 2, 5, 16), "1d") == sh(2027, 2, 6, 16)
    assert deadline(sh(2027, 2, 5, 16), "3d") == sh(2027, 2, 9, 16)
    assert deadline(sh(2027, 2, 5, 16), "4d") == sh(2027, 2, 17, 16)
    assert AuditLog.objects.filter(action="workcalendar.notice.import").count() == 1
    special = selectors.special_days(2027)
    assert [(d.date, d.is_workday, d.name) for d in special][:3] == [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 6), True, "调休上班"),
        (date(2027, 2, 10), False, "春节"),
    ]


def test_a_bad_notice_reports_every_bad_line_and_writes_nothing(db, admin_user):
    text = "\n".join(
        [
            "2027-01-01 holiday 元旦",
            "2027-02-30 holiday 春节",
            "2027-02-06 weekend 调休",
            "2027-02-16..2027-02-10 holiday 春节",
            "2027-01-01 workday 调休上班",
            "20270301 holiday",
            "2027-03-01",
            "2027-04-01..2027-06-01 holiday 太长",
            "2027-05-01..2027-05-05 holiday 劳动节",
        ]
    )
    with pytest.raises(ValidationError) as caught:
        services.import_holiday_notice(actor=admin_user, text=text)
    assert caught.value.message_dict == {
        "notice": [
            "Line 2: 2027-02-30 is not a valid date.",
            "Line 3: Unknown kind weekend; use holiday or workday.",
            "Line 4: The range ends before it starts.",
            "Line 5: 2027-01-01 is already given on line 1.",
            "Line 6: 20270301 is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD).",
            "Line 7: Expected a date or a range such as 2027-02-10..2027-02-16, then holiday or workday, then a name.",
            "Line 8: A range may cover at most 31 days.",
        ]
    }
    assert CalendarDay.objects.count() == 0
    assert not CalendarVersion.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="workcalendar.").exists()


def test_an_empty_notice_is_refused(db, admin_user):
    with pytest.raises(ValidationError) as caught:
        services.import_holiday_notice(actor=admin_user, text="# nothing yet\n\n")
    assert caught.value.message_dict == {"notice": ["The notice has no lines."]}


def test_a_corrected_notice_replaces_the_year(db, admin_user):
    services.import_holiday_notice(actor=admin_user, text=NOTICE_2027)
    services.set_calendar_day(actor=admin_user, day=date(2028, 1, 3), kind="holiday", name="元旦")
    corrected = "2027-01-01 holiday 元旦\n2027-02-07 workday 调休上班\n2027-02-09..2027-02-15 holiday 春节\n"
    result = services.import_holiday_notice(actor=admin_user, text=corrected, replace_years=True)
    assert result.unchanged == [date(2027, 1, 1), date(2027, 2, 10), *[date(2027, 2, d) for d in range(11, 16)]]
    assert result.created == [date(2027, 2, 7), date(2027, 2, 9)]
    assert result.deleted == [date(2027, 2, 6), date(2027, 2, 16), date(2027, 2, 20)]
    assert sorted(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == sorted(
        [*result.unchanged, *result.created]
    )
    assert CalendarDay.objects.filter(date=date(2028, 1, 3)).exists()  # other years are left alone


# --- Working hours -------------------------------------------------------------------------------


def test_changing_the_working_hours_changes_deadlines(db, admin_user, django_capture_on_commit_callbacks):
    assert deadline(sh(2026, 3, 10, 16), "2h") == sh(2026, 3, 11, 9, 0)
    afternoon = WorkingHours.objects.get(start=time(13, 30))
    with django_capture_on_commit_callbacks(execute=True):
        services.save_working_period(actor=admin_user, period=afternoon, start=time(14, 0), end=time(18, 0))
    assert working_periods() == ((time(8, 30), time(12, 0)), (time(14, 0), time(18, 0)))
    assert deadline(sh(2026, 3, 10, 16), "2h") == sh(2026, 3, 10, 18, 0)
    assert AuditLog.objects.get(action="workcalendar.hours.update").changes == {
        "start": ["13:30:00", "14:00:00"],
        "end": ["17:30:00", "18:00:00"],
    }


def test_working_periods_may_not_overlap_and_the_last_one_stays(db, admin_user):
    with pytest.raises(ValidationError) as caught:
        services.save_working_period(actor=admin_user, start=time(11, 0), end=time(14, 0))
    assert caught.value.message_dict == {"start": ["The period overlaps the working period 08:30–12:00."]}
    with pytest.raises(ValidationError) as caught:
        services.save_working_period(actor=admin_user, start=time(19, 0), end=time(18, 0))
    assert caught.value.message_dict == {"end": ["A working period must end after it starts."]}
    morning, afternoon = WorkingHours.objects.order_by("start")
    services.delete_working_period(actor=admin_user, period=morning)
    with pytest.raises(ValidationError) as caught:
        services.delete_working_period(actor=admin_user, period=afternoon)
    assert caught.value.messages == ["A working day needs at least one working period."]
    assert list(WorkingHours.objects.values_list("start", "end")) == [(time(13, 30), time(17, 30))]
