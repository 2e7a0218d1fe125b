"""Service activities: planning, sign-up with a waiting list that moves up in order, check-in by the door's
signed QR code or by staff (refused for a cancelled activity), feedback, attendance and no-shows."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.resident_services.conftest import COMMUNITY_1, residents
from wangge.core.errors import Conflict
from wangge.inbox.models import Message
from wangge.services import selectors, services
from wangge.services.models import Activity, SignUpStatus

pytestmark = pytest.mark.django_db


def test_only_staff_plan_and_a_place_is_a_point_or_an_address(user, activity_of):
    starts = timezone.now() + timedelta(days=1)
    common = {
        "kind": "health",
        "title": "免费测血压",
        "region": COMMUNITY_1,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "capacity": 10,
        "organiser": "社区卫生服务站",
    }
    with pytest.raises(ValidationError) as refused:
        services.plan_activity(actor=user("gridworker1"), address="广场", **common)
    assert "region" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.plan_activity(actor=user("community1"), **common)
    assert "address" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.plan_activity(actor=user("community1"), address="广场", **{**common, "ends_at": starts})
    assert "ends_at" in refused.value.message_dict
    assert activity_of().place == "社区广场"


def test_sign_ups_past_capacity_wait_and_move_up_in_order_on_cancel(activity_of):
    activity = activity_of(capacity=2)
    first, second, third, fourth = residents(4)
    statuses = [services.sign_up(actor=u, activity=activity).status for u in (first, second, third, fourth)]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    with pytest.raises(Conflict):
        services.sign_up(actor=first, activity=activity)
    services.cancel_sign_up(actor=second, activity=activity)
    rows = {s.user_id: s.status for s in activity.signups.all()}
    assert rows[third.pk] == SignUpStatus.CONFIRMED and rows[fourth.pk] == SignUpStatus.WAITING
    assert Message.objects.filter(user=third, url=f"/services/activities/{activity.pk}/").exists()
    assert selectors.waiting_position(activity.signups.get(user=fourth)) == 1
    att = selectors.attendance(activity)
    assert (att.confirmed, att.waiting) == (2, 1)


def test_check_in_with_the_doors_token_and_by_staff(user, activity_of, caller):
    activity = activity_of(capacity=5, starts_in=timedelta(minutes=10))
    resident = caller("resident1")
    assert resident.post(f"/activities/{activity.pk}/sign-up").status_code == 201
    token = services.checkin_token(activity)
    other = activity_of(capacity=5, title="另一个活动")
    wrong = resident.post(f"/activities/{activity.pk}/check-in", {"token": services.checkin_token(other)})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "token"
    forged = resident.post(f"/activities/{activity.pk}/check-in", {"token": token[:-2] + "xx"})
    assert forged.status_code == 400
    done = resident.post(f"/activities/{activity.pk}/check-in", {"token": token})
    assert done.status_code == 200 and done.json()["check_in_method"] == "qr"
    [someone] = residents(1)
    signup = services.sign_up(actor=someone, activity=activity)
    assert (
        caller("gridworker1").post(f"/activities/{activity.pk}/check-in", {"signup_id": signup.pk}).status_code == 403
    )
    staff = caller("community1").post(f"/activities/{activity.pk}/check-in", {"signup_id": signup.pk})
    assert staff.status_code == 200 and staff.json()["check_in_method"] == "staff"


def test_check_in_too_early_is_refused(user, activity_of):
    activity = activity_of(capacity=5, starts_in=timedelta(hours=5))
    services.sign_up(actor=user("resident1"), activity=activity)
    with pytest.raises(Conflict):
        services.check_in_with_token(actor=user("resident1"), activity=activity, token=services.checkin_token(activity))


def test_check_in_to_a_cancelled_activity_is_refused(user, activity_of, caller):
    activity = activity_of(capacity=5, starts_in=timedelta(minutes=10))
    signup = services.sign_up(actor=user("resident1"), activity=activity)
    assert caller("resident1").post(f"/activities/{activity.pk}/call-off").status_code == 403
    assert caller("community1").post(f"/activities/{activity.pk}/call-off").json()["cancelled"] is True
    refused = caller("resident1").post(
        f"/activities/{activity.pk}/check-in", {"token": services.checkin_token(activity)}
    )
    assert refused.status_code == 409
    with pytest.raises(Conflict):
        services.check_in_by_staff(actor=user("community1"), activity=activity, signup_id=signup.pk)
    assert caller("resident1").post(f"/activities/{activity.pk}/sign-up").status_code == 409


def test_feedback_attendance_and_no_shows(user, activity_of, caller):
    activity = activity_of(capacity=3, starts_in=timedelta(minutes=10))
    came, stayed_away = residents(2)
    services.sign_up(actor=came, activity=activity)
    services.sign_up(actor=stayed_away, activity=activity)
    with pytest.raises(Conflict):
        services.give_feedback(actor=came, activity=activity, rating=5)
    services.check_in_with_token(actor=came, activity=activity, token=services.checkin_token(activity))
    services.give_feedback(actor=came, activity=activity, rating=4, feedback="很好")
    with pytest.raises(ValidationError):
        services.give_feedback(actor=came, activity=activity, rating=9)
    running = caller("community1").get(f"/activities/{activity.pk}/attendance").json()
    assert running == {"confirmed": 2, "waiting": 0, "checked_in": 1, "no_shows": None, "rating": 4.0, "ratings": 1}
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    ended = caller("community1").get(f"/activities/{activity.pk}/attendance").json()
    assert ended["no_shows"] == 1 and ended["checked_in"] == 1


def test_the_api_lists_activities_with_my_place(user, activity_of, caller, far_resident):
    activity = activity_of(capacity=1)
    services.sign_up(actor=residents(1)[0], activity=activity)
    signed = caller("resident1").post(f"/activities/{activity.pk}/sign-up")
    assert signed.status_code == 201 and signed.json()["status"] == "waiting" and signed.json()["position"] == 1
    listed = caller("resident1").get("/activities", {"upcoming": True, "size": 100}).json()["items"]
    row = next(a for a in listed if a["id"] == activity.pk)
    assert row["my_status"] == "waiting" and row["my_position"] == 1 and row["confirmed"] == 1
    assert caller("far_resident").get(f"/activities/{activity.pk}").status_code == 404
    assert caller("far_resident").post(f"/activities/{activity.pk}/sign-up").status_code == 404
    rows = caller("community1").get(f"/activities/{activity.pk}/sign-ups").json()["items"]
    assert [r["status"] for r in rows] == ["confirmed", "waiting"]
    assert caller("resident1").get(f"/activities/{activity.pk}/sign-ups").status_code == 403
    cancelled = caller("resident1").post(f"/activities/{activity.pk}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert caller("resident1").post(f"/activities/{activity.pk}/cancel").status_code == 409


def test_planning_over_the_api(caller):
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    body = {
        "kind": "class",
        "title": "三点半课堂",
        "region": COMMUNITY_1,
        "address": "社区活动室",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": 20,
        "audience": "children",
        "organiser": "社区团支部",
    }
    assert caller("resident1").post("/activities", body).status_code == 400
    made = caller("community1").post("/activities", body)
    assert made.status_code == 201 and made.json()["audience"] == "children"
    assert caller("community1").post("/activities", {**body, "capacity": 0}).status_code == 422


def test_the_qr_code_is_an_svg_for_staff_only(activity_of, browser):
    activity = activity_of()
    svg = browser("community1").get(f"/services/activities/{activity.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert browser("resident1").get(f"/services/activities/{activity.pk}/qr.svg").status_code == 403


def test_staff_check_in_needs_the_manager_role(user, activity_of):
    activity = activity_of(starts_in=timedelta(minutes=5))
    signup = services.sign_up(actor=user("resident1"), activity=activity)
    with pytest.raises(PermissionDenied):
        services.check_in_by_staff(actor=user("gridworker1"), activity=activity, signup_id=signup.pk)


def test_a_recurring_activity_is_one_activity_a_week_with_its_own_places(user, caller):
    starts = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    made = caller("community1").post(
        "/activities",
        {
            "kind": "class",
            "title": "三点半课堂（每周二）",
            "region": COMMUNITY_1,
            "address": "社区活动室",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": 1,
            "organiser": "社区团支部",
            "repeat_weeks": 3,
        },
    )
    assert made.status_code == 201 and made.json()["series"]
    weeks = Activity.objects.filter(series=made.json()["series"]).order_by("starts_at")
    assert [a.starts_at - starts for a in weeks] == [timedelta(weeks=n) for n in range(4)]
    first, second = weeks[0], weeks[1]
    services.sign_up(actor=user("resident1"), activity=first)
    assert services.sign_up(actor=user("resident1"), activity=second).status == SignUpStatus.CONFIRMED
    with pytest.raises(ValidationError):
        services.plan_activity(
            actor=user("community1"),
            kind="class",
            title="x课堂",
            region=COMMUNITY_1,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=5,
            organiser="团支部",
            address="活动室",
            repeat_weeks=99,
        )
