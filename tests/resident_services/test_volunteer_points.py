"""Volunteer points on the assessment ledger: a wish fulfilled and confirmed, a call-out done, an errand run
and an activity attended each earn their rule's points once (``assessment.points.credit``, keyed by what
earned them); the ledger's rebuild from case timelines keeps them; a ranking per community."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.resident_services.conftest import COMMUNITY_1, GRID_1, residents
from wangge.assessment import points as ledger
from wangge.assessment.models import PointEntry, PointRule, Trigger
from wangge.services import selectors, services
from wangge.services.models import TeamMember

pytestmark = pytest.mark.django_db


def _points(user, trigger) -> int:
    return sum(PointEntry.objects.filter(user=user, rule__trigger=trigger).values_list("points", flat=True))


def test_the_shipped_rules_exist_and_are_editable_data():
    rules = {r.trigger: r.points for r in PointRule.objects.filter(trigger__in=[t.value for t in Trigger])}
    assert rules[Trigger.WISH_FULFILLED] > 0 and rules[Trigger.ACTIVITY_ATTENDED] > 0
    assert rules[Trigger.CALL_OUT_DONE] > 0 and rules[Trigger.ERRAND_DONE] > 0


def test_a_confirmed_wish_credits_its_claimant_once(user, wish_of):
    claimant = user("gridworker2")
    before = _points(claimant, Trigger.WISH_FULFILLED)
    wish = wish_of("fulfilled")
    assert _points(claimant, Trigger.WISH_FULFILLED) == before  # not before the resident confirms
    services.confirm_wish(actor=user("resident1"), wish=wish, thanks="谢谢")
    earned = _points(claimant, Trigger.WISH_FULFILLED) - before
    assert earned == PointRule.objects.get(code="wish-fulfilled").points
    # the same source again (a retried write) adds nothing
    ledger.credit(
        trigger=Trigger.WISH_FULFILLED, user_id=claimant.pk, day=timezone.localdate(), source=f"services.wish:{wish.pk}"
    )
    assert _points(claimant, Trigger.WISH_FULFILLED) - before == earned


def test_call_outs_errands_and_check_ins_earn_points(user):
    staff, volunteer = user("community1"), residents(1)[0]
    team = services.create_team(actor=staff, name="助老服务队", region=COMMUNITY_1)
    TeamMember.objects.create(team=team, user=volunteer)
    callout = services.call_out(actor=staff, team=team, title="扶老人上楼")
    services.accept_call_out(actor=volunteer, callout=callout)
    services.complete_call_out(actor=volunteer, callout=callout)
    assert _points(volunteer, Trigger.CALL_OUT_DONE) == PointRule.objects.get(code="call-out-done").points

    errand = services.request_errand(actor=user("resident1"), category="certificate", description="开具居住证明")
    services.take_errand(actor=user("gridworker1"), errand=errand)
    services.complete_errand(actor=user("gridworker1"), errand=errand, result="已办好")
    assert _points(user("gridworker1"), Trigger.ERRAND_DONE) >= PointRule.objects.get(code="errand-done").points

    starts = timezone.now() + timedelta(minutes=10)
    activity = services.plan_activity(
        actor=staff, kind="haircut", title="爱心义剪", region=COMMUNITY_1, starts_at=starts,
        ends_at=starts + timedelta(hours=2), capacity=5, organiser="社区党总支", address="社区广场",
    )  # fmt: skip
    signup = services.sign_up(actor=volunteer, activity=activity)
    services.check_in_by_staff(actor=staff, activity=activity, signup_id=signup.pk)
    services.check_in_by_staff(actor=staff, activity=activity, signup_id=signup.pk)  # twice: counted once
    assert _points(volunteer, Trigger.ACTIVITY_ATTENDED) == PointRule.objects.get(code="activity-attended").points
    assert selectors.volunteer_total(volunteer) == _points(volunteer, Trigger.CALL_OUT_DONE) + _points(
        volunteer, Trigger.ACTIVITY_ATTENDED
    )


def test_the_ledgers_rebuild_keeps_volunteer_lines(user, wish_of):
    wish = wish_of("confirmed")
    lines = PointEntry.objects.filter(source=f"services.wish:{wish.pk}").count()
    assert lines == 1
    ledger.rebuild_ledger()
    assert PointEntry.objects.filter(source=f"services.wish:{wish.pk}").count() == lines


def test_the_ranking_per_community_the_api_and_the_page(user, caller, browser, far_resident):
    first, second = residents(2)
    today = timezone.localdate()
    ledger.credit(trigger=Trigger.CALL_OUT_DONE, user_id=first.pk, day=today, source="test:1")
    ledger.credit(trigger=Trigger.CALL_OUT_DONE, user_id=first.pk, day=today, source="test:2")
    ledger.credit(trigger=Trigger.ACTIVITY_ATTENDED, user_id=second.pk, day=today, source="test:3")
    region, ranked = selectors.volunteer_ranking(user("resident1"), GRID_1)
    assert region.code == COMMUNITY_1
    order = [v.user_id for v in ranked]
    assert order.index(first.pk) < order.index(second.pk)
    assert [v.rank for v in ranked] == list(range(1, len(ranked) + 1))
    answer = caller("resident1").get("/volunteer-ranking", {"region": COMMUNITY_1, "size": 1}).json()
    assert len(answer["items"]) == 1 and answer["count"] == len(ranked)
    if answer["next_cursor"]:
        following = (
            caller("resident1")
            .get("/volunteer-ranking", {"region": COMMUNITY_1, "size": 1, "cursor": answer["next_cursor"]})
            .json()
        )
        assert following["items"][0]["rank"] == 2
    assert caller("far_resident").get("/volunteer-ranking", {"region": COMMUNITY_1}).status_code == 404
    assert caller("resident1").get("/volunteer-ranking", {"region": COMMUNITY_1, "cursor": "x"}).status_code == 400
    mine = caller(first.username).get("/volunteer-points").json()
    assert mine["count"] == 2 and {i["points"] for i in mine["items"]} == {
        PointRule.objects.get(code="call-out-done").points
    }
    page = browser(first.username).get("/services/volunteers/").content.decode()
    assert 'data-testid="volunteer-total"' in page and first.username in page
    zh = browser(first.username, "zh-hans").get("/services/volunteers/").content.decode()
    assert "志愿积分" in zh


def test_the_demo_has_volunteer_points_and_a_ranking(user):
    assert PointEntry.objects.filter(source__startswith="services.").exists()
    _region, ranked = selectors.volunteer_ranking(user("community1"), COMMUNITY_1)
    assert ranked and ranked[0].points > 0
