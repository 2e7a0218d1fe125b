"""Volunteer teams: a call-out reaches every member's inbox, the first to accept takes it (the response time
kept), the team's median response time on its page and in the API; scoped to the neighbourhood."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.resident_services.conftest import COMMUNITY_1, residents
from wangge.core.errors import Conflict
from wangge.inbox.models import Message
from wangge.services import selectors, services
from wangge.services.models import CallOut, CallOutStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(user):
    made = services.create_team(actor=user("community1"), name="测试服务队", region=COMMUNITY_1)
    for username in ("gridworker1", "gridworker2"):
        services.add_team_member(actor=user("community1"), team=made, user_id=user(username).pk, kind="member")
    return made


def test_only_staff_make_teams_and_add_people_near_it(user, team, far_resident):
    with pytest.raises(ValidationError):
        services.create_team(actor=user("gridworker1"), name="x队", region=COMMUNITY_1)
    with pytest.raises(ValidationError) as refused:
        services.add_team_member(actor=user("community1"), team=team, user_id=far_resident.pk)
    assert "user_id" in refused.value.message_dict
    with pytest.raises(Conflict):
        services.add_team_member(actor=user("community1"), team=team, user_id=user("gridworker1").pk)
    with pytest.raises(PermissionDenied):
        services.add_team_member(actor=user("gridworker1"), team=team, user_id=user("resident1").pk)


def test_first_to_accept_takes_it_and_the_response_time_is_kept(user, team):
    callout = services.call_out(actor=user("community1"), team=team, title="扶老人上楼", address="3幢")
    for username in ("gridworker1", "gridworker2"):
        assert Message.objects.filter(user=user(username), url=f"/services/call-outs/{callout.pk}/").exists()
    CallOut.objects.filter(pk=callout.pk).update(created_at=timezone.now() - timedelta(seconds=150))
    taken = services.accept_call_out(actor=user("gridworker2"), callout=CallOut.objects.get(pk=callout.pk))
    assert taken.accepted_by == user("gridworker2") and 150 <= taken.response_seconds < 170
    with pytest.raises(Conflict):
        services.accept_call_out(actor=user("gridworker1"), callout=callout)
    with pytest.raises(PermissionDenied):
        services.accept_call_out(actor=user("resident1"), callout=callout)
    with pytest.raises(PermissionDenied):
        services.complete_call_out(actor=user("gridworker1"), callout=callout)
    assert services.complete_call_out(actor=user("gridworker2"), callout=callout).status == CallOutStatus.DONE


def test_the_median_response_time(user, team, caller):
    assert selectors.median_response(team) is None
    for seconds in (60, 300, 120):
        callout = services.call_out(actor=user("community1"), team=team, title="帮忙")
        CallOut.objects.filter(pk=callout.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
        services.accept_call_out(actor=user("gridworker1"), callout=CallOut.objects.get(pk=callout.pk))
    median = caller("resident1").get(f"/volunteer-teams/{team.pk}").json()["median_response_seconds"]
    assert 120 <= median < 130
    page = caller("resident1").client.get(f"/services/teams/{team.pk}/")
    assert page.status_code == 302  # pages need a session, the API a token


def test_the_api_journey_and_scope(user, team, caller, far_resident):
    made = caller("community1").post("/call-outs", {"team_id": team.pk, "title": "搬运米面", "address": "5幢"})
    assert made.status_code == 201
    callout_id = made.json()["id"]
    assert caller("resident1").post(f"/call-outs/{callout_id}/accept").status_code == 403
    assert caller("gridworker1").post(f"/call-outs/{callout_id}/accept").json()["status"] == "accepted"
    assert caller("gridworker2").post(f"/call-outs/{callout_id}/accept").status_code == 409
    assert caller("gridworker1").post(f"/call-outs/{callout_id}/complete").json()["status"] == "done"
    assert caller("far_resident").get(f"/call-outs/{callout_id}").status_code == 404
    assert caller("far_resident").get(f"/volunteer-teams/{team.pk}").status_code == 404
    listed = caller("resident1").get("/call-outs", {"team": team.pk}).json()["items"]
    assert [c["id"] for c in listed] == [callout_id]
    teams = caller("resident1").get("/volunteer-teams", {"size": 100}).json()["items"]
    assert any(t["id"] == team.pk and t["members"] == 2 for t in teams)
    assert caller("resident1").post("/call-outs", {"team_id": team.pk, "title": "帮忙"}).status_code == 403
    [newcomer] = residents(1)
    added = caller("community1").post(f"/volunteer-teams/{team.pk}/members", {"user_id": newcomer.pk, "kind": "rider"})
    assert added.status_code == 201 and added.json()["kind"] == "rider"


def test_the_pages(user, team, browser):
    member = browser("gridworker1")
    member.post(f"/services/teams/{team.pk}/", {"title": "扶老人上楼", "address": "3幢"})
    callout = CallOut.objects.get(team=team)
    page = browser("gridworker2").get(f"/services/call-outs/{callout.pk}/")
    assert b'data-testid="callout-accept"' in page.content
    browser("gridworker2").post(f"/services/call-outs/{callout.pk}/accept/")
    callout.refresh_from_db()
    assert callout.accepted_by == user("gridworker2")
    detail = browser("resident1").get(f"/services/teams/{team.pk}/").content.decode()
    assert 'data-testid="team-median"' in detail and "wg-stack" in detail
    assert browser("resident1").get("/services/teams/").status_code == 200


def test_the_demo_has_a_team_per_community_with_answered_call_outs():
    from wangge.services.models import VolunteerTeam

    demo = VolunteerTeam.objects.get(region__code=COMMUNITY_1, name__endswith="666服务队")
    assert demo.memberships.count() >= 2 and selectors.median_response(demo) is not None
