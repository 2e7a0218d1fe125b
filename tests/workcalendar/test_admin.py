from datetime import date, time

import pytest

from wangge.accounts.models import AuditLog
from wangge.workcalendar import admin as admin_module
from wangge.workcalendar import services
from wangge.workcalendar.models import CalendarDay, WorkingHours

CHANGELIST = "/admin/workcalendar/calendarday/"
NOTICE = "/admin/workcalendar/calendarday/notice/"


@pytest.fixture
def admin_client(browser_client):
    return browser_client("admin", language="en")


def test_the_changelist_warns_about_a_year_without_holidays(admin_client, monkeypatch):
    monkeypatch.setattr(admin_module, "_this_year", lambda: 2026)
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert "No holidays are known for 2027: every Monday–Friday counts as a working day." in text
    assert "No holidays are known for 2026" not in text
    assert NOTICE in text


def test_the_changelist_warning_goes_once_the_year_is_entered(admin_client, admin_user, monkeypatch):
    monkeypatch.setattr(admin_module, "_this_year", lambda: 2026)
    services.set_calendar_day(actor=admin_user, day=date(2027, 1, 1), kind="holiday", name="元旦")
    assert "No holidays are known" not in admin_client.get(CHANGELIST).content.decode()


def test_the_notice_page_reports_bad_lines_and_writes_nothing(admin_client):
    assert admin_client.get(NOTICE).status_code == 200
    response = admin_client.post(NOTICE, {"notice": "2027-01-01 holiday 元旦\n2027-13-01 holiday 元旦\n2027-02-06 off"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Line 2: 2027-13-01 is not a valid date." in text
    assert "Line 3: Unknown kind off; use holiday or workday." in text
    assert CalendarDay.objects.count() == 0


def test_the_notice_page_writes_a_good_notice(admin_client):
    response = admin_client.post(
        NOTICE, {"notice": "2027-01-01 holiday 元旦\n2027-02-10..2027-02-12 holiday 春节", "note": "通知"}
    )
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert list(CalendarDay.objects.values_list("date", "kind", "name", "note")) == [
        (date(2027, 1, 1), "holiday", "元旦", "通知"),
        (date(2027, 2, 10), "holiday", "春节", "通知"),
        (date(2027, 2, 11), "holiday", "春节", "通知"),
        (date(2027, 2, 12), "holiday", "春节", "通知"),
    ]
    assert AuditLog.objects.get(action="workcalendar.notice.import").actor.username == "admin"


def test_a_day_added_in_the_admin_goes_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/workcalendar/calendarday/add/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": ""}
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get()
    assert (row.date, row.kind, row.name) == (date(2027, 1, 1), "holiday", "元旦")
    assert AuditLog.objects.filter(action="workcalendar.day.create", object_id=str(row.pk)).count() == 1
    page = admin_client.get(f"/admin/workcalendar/calendarday/{row.pk}/change/").content.decode()
    assert "Working day (Monday–Friday rule; the statutory calendar does not know 2027)" in page


def test_working_hours_in_the_admin(admin_client):
    morning = WorkingHours.objects.get(start=time(8, 30))
    url = f"/admin/workcalendar/workinghours/{morning.pk}/change/"
    response = admin_client.post(url, {"start": "09:00", "end": "14:00"})
    assert response.status_code == 200
    assert "The period overlaps the working period 13:30–17:30." in response.content.decode()
    response = admin_client.post(url, {"start": "09:00", "end": "12:00"})
    assert response.status_code == 302
    assert list(WorkingHours.objects.values_list("start", "end")) == [
        (time(9, 0), time(12, 0)),
        (time(13, 30), time(17, 30)),
    ]
    assert AuditLog.objects.filter(action="workcalendar.hours.update").count() == 1


def test_the_last_working_period_cannot_be_deleted_in_the_admin(admin_client):
    WorkingHours.objects.filter(start=time(8, 30)).delete()
    last = WorkingHours.objects.get()
    response = admin_client.post(f"/admin/workcalendar/workinghours/{last.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert WorkingHours.objects.count() == 1
