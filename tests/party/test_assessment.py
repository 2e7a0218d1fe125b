"""Party work in assessment: the shipped party indicators (formulas over party counters, refused over
others), the counters of a region and its areas (claims done in the period, on time by the item's due day,
members reporting from their own account), the ranking page and the scores API with ``unit=party``, and
points for a claim done and a 双报到 confirmed, credited once to the member's own account and kept by a
ledger rebuild."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.party.conftest import COMMUNITY_1, STREET_1, in_service_member, member_account, png_upload
from wangge.accounts.models import User
from wangge.assessment import points
from wangge.assessment.models import Indicator, PointEntry, Subject
from wangge.party import selectors, services
from wangge.party.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _publish(title: str, due_on=None):
    return services.publish_item(
        actor=User.objects.get(username="community1"), community=COMMUNITY_1, kind="need", title=title, due_on=due_on
    )


def _done(account, title: str, due_on=None):
    claim = services.claim_item(actor=account, item=_publish(title, due_on))
    return services.complete_claim(actor=account, claim=claim, note="已完成", hours=2, photo=png_upload())


def test_party_indicators_are_shipped_as_data_and_their_formulas_use_party_counters():
    codes = set(Indicator.objects.filter(subject=Subject.PARTY).values_list("code", flat=True))
    assert {"party_coverage_rate", "party_registration_rate", "party_claims_on_time_rate"} <= codes
    wrong = Indicator(code="x", name="x", subject=Subject.PARTY, numerator="reported", denominator="members")
    with pytest.raises(ValidationError) as refused:
        wrong.clean()
    assert "numerator" in refused.value.message_dict


def test_claims_in_the_period_are_counted_on_time_by_the_item_s_due_day(user):
    in_service_member()
    account = member_account()
    services.register_member(actor=account)
    today = timezone.localdate()
    was, was_rows = selectors.work_counters(user("leader"), STREET_1, today, today)  # the demo's claims
    _done(account, "准时", due_on=today + timedelta(days=2))
    _done(account, "无期限")
    _done(account, "晚了", due_on=today - timedelta(days=1))
    total, rows = selectors.work_counters(user("leader"), STREET_1, today, today)
    added = rows[COMMUNITY_1] - was_rows[COMMUNITY_1]
    assert (added["claims_done"], added["claims_done_on_time"], added["hours"]) == (3, 2, 6)
    assert total["claims_done"] - was["claims_done"] == 3
    before = selectors.work_counters(user("leader"), STREET_1, today - timedelta(days=9), today - timedelta(days=8))
    assert before[0]["claims_done"] == 0
    figures, _children = selectors.figures(user("leader"), STREET_1)
    assert (total["households"], total["covered"], total["members"]) == (
        figures.households,
        figures.covered,
        figures.members,
    )


def test_the_ranking_page_and_the_scores_api_show_party_work(browser, caller):
    page = browser("leader").get(f"/assessment/?region={STREET_1}&unit=party")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Central-household coverage" in body and 'data-testid="assessment-row"' in body
    answer = caller("leader").get(f"/assessment/scores?region={STREET_1}&unit=party")
    assert answer.status_code == 200
    row = next(r for r in answer.json()["rows"] if r["code"] == COMMUNITY_1)
    assert row["values"]["party_coverage_rate"]["denominator"] > 0
    own = caller("leader").get(f"/assessment/scores?region={STREET_1}&unit=party_self").json()["rows"]
    assert [r["code"] for r in own] == [STREET_1]


def test_a_claim_done_and_a_registration_confirmed_earn_points_once_kept_by_a_rebuild():
    member = in_service_member()
    account = member_account()
    registration = services.register_member(actor=account)
    services.confirm_registration(actor=User.objects.get(username="community1"), registration=registration)
    claim = _done(account, "送药上门")
    lines = PointEntry.objects.filter(user=account)
    assert sorted(lines.values_list("rule__trigger", "points")) == [("claim_done", 2), ("registration_confirmed", 1)]
    assert lines.get(rule__trigger="claim_done").source == f"party.claim:{claim.pk}"
    assert Registration.objects.get(member=member).status == RegistrationStatus.CONFIRMED
    points.rebuild_ledger()
    assert PointEntry.objects.filter(user=account).count() == 2
