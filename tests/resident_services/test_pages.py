"""The pages, as a resident and staff use them from a phone: posting a wish with a photo, the actions on a
wish, signing up and checking in through the door's code, and the demo's services."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from tests.resident_services.conftest import COMMUNITY_1, png
from wangge.services import services
from wangge.services.models import ActivityKind, PointKind, ServicePoint, SignUpStatus, Wish, WishStatus

pytestmark = pytest.mark.django_db


def test_a_resident_posts_a_wish_from_the_form(browser, user):
    resident = browser("resident1")
    form = resident.get("/services/wishes/new/")
    assert form.status_code == 200 and b'capture="environment"' in form.content
    assert b"beneficiary_name" not in form.content  # residents post for themselves
    posted = resident.post(
        "/services/wishes/new/", {"title": "一盏台灯", "reason": "孩子写作业光线暗", "photo": png()}, follow=True
    )
    assert posted.status_code == 200
    wish = Wish.objects.filter(posted_by=user("resident1")).latest("pk")
    assert wish.status == WishStatus.PENDING and wish.photo
    assert "一盏台灯" in posted.content.decode()
    assert browser("gridworker1").get("/services/wishes/new/").content.count(b"beneficiary_name") >= 1


def test_the_form_shows_the_upload_guards_refusal(browser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = browser("resident1").post(
        "/services/wishes/new/", {"title": "一盏台灯", "photo": SimpleUploadedFile("a.png", b"nope", "image/png")}
    )
    assert answer.status_code == 200 and "JPEG, PNG or WebP" in answer.content.decode()


def test_the_actions_on_a_wish_page_by_page(browser, user, wish_of):
    wish = wish_of("pending")
    staff = browser("community1")
    assert b'data-testid="wish-approve"' in staff.get(f"/services/wishes/{wish.pk}/").content
    staff.post(f"/services/wishes/{wish.pk}/approve/")
    member = browser("gridworker2")
    page = member.get(f"/services/wishes/{wish.pk}/").content
    assert b'data-testid="wish-claim"' in page
    member.post(f"/services/wishes/{wish.pk}/claim/", {"kind": "member", "name": "张党员"})
    member.post(f"/services/wishes/{wish.pk}/fulfil/", {"note": "送到了", "photo": png()})
    resident = browser("resident1")
    resident.post(f"/services/wishes/{wish.pk}/confirm/", {"thanks": "谢谢张党员"})
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED and wish.thanks == "谢谢张党员"
    again = member.post(f"/services/wishes/{wish.pk}/claim/", {"kind": "member"}, follow=True)
    assert "not open for claiming" in again.content.decode()


def test_the_wall_is_cards_with_counts(browser):
    page = browser("resident1").get("/services/").content.decode()
    assert 'data-testid="wish-wall"' in page and 'class="table table-sm align-middle wg-stack"' in page
    assert 'data-label="Claimed"' in page


def test_sign_up_and_check_in_through_the_doors_code(browser, user, activity_of):
    activity = activity_of(capacity=1, starts_in=timedelta(minutes=15))
    resident = browser("resident1")
    resident.post(f"/services/activities/{activity.pk}/do/sign-up/")
    assert activity.signups.get(user=user("resident1")).status == SignUpStatus.CONFIRMED
    staff_page = browser("community1").get(f"/services/activities/{activity.pk}/").content.decode()
    # the signed code carries the second it was made: take the one the page shows, not one made here later
    shown = re.search(rf"/services/activities/{activity.pk}/check-in/([^/\"]+)/", staff_page)
    assert shown is not None
    token = shown.group(1)
    assert signing.loads(token, salt=services.CHECKIN_SALT) == {"a": activity.pk}
    assert 'data-testid="activity-qr"' in staff_page
    door = resident.get(reverse("services:activity_checkin", args=[activity.pk, token]))
    assert door.status_code == 200 and b'data-testid="checkin"' in door.content
    done = resident.post(reverse("services:activity_checkin", args=[activity.pk, token]), follow=True)
    assert activity.signups.get(user=user("resident1")).check_in_method == "qr"
    assert "checked in" in done.content.decode().lower()
    waiting = browser("gridworker2").post(f"/services/activities/{activity.pk}/do/sign-up/", follow=True)
    assert "waiting list" in waiting.content.decode()


def test_staff_plan_an_activity_at_a_point(browser, user):
    point = ServicePoint.objects.filter(region__code=COMMUNITY_1, kind=PointKind.COMMUNITY_CENTRE).first()
    answer = browser("community1").post(
        "/services/activities/new/",
        {
            "kind": ActivityKind.HEALTH,
            "title": "免费测血压",
            "region": COMMUNITY_1,
            "point": point.pk,
            "starts_at": "2030-03-05T09:00",
            "ends_at": "2030-03-05T11:00",
            "capacity": 30,
            "audience": "elderly",
            "organiser": "社区卫生服务站",
        },
    )
    assert answer.status_code == 302
    assert point.activities.filter(title="免费测血压").exists()


def test_the_demo_has_services_in_the_first_street():
    assert ServicePoint.objects.filter(kind=PointKind.TOWN_CENTRE).count() == 1
    assert ServicePoint.objects.filter(kind=PointKind.WARM_STATION, region__code=COMMUNITY_1).count() == 1
    wall = Wish.objects.filter(community__code=COMMUNITY_1)
    assert wall.filter(status=WishStatus.CONFIRMED).exists() and wall.filter(status=WishStatus.OPEN).exists()
    assert wall.filter(status=WishStatus.PENDING).exists()
