"""The demo: community1's community has topics, a held meeting with a closed vote and signed minutes, and a
coming meeting whose vote resident1 may still cast; with demo cases, the charging decision is a case."""

import pytest

from tests.deliberation.conftest import COMMUNITY_1
from wangge.deliberation import selectors
from wangge.deliberation.demo import create_demo_deliberation
from wangge.deliberation.models import Decision, Meeting

pytestmark = pytest.mark.django_db


def test_the_test_towns_demo_is_there_without_a_case(user):
    held = Meeting.objects.get(title="百姓议事会：充电桩与车棚整治")
    assert held.community.code == COMMUNITY_1
    assert (held.vote.status, held.vote.yes, held.vote.passed) == ("closed", 1, True)
    assert held.minutes.get().signed_at is not None
    assert not Decision.objects.filter(meeting=held, case__isnull=False).exists()  # the test town has no cases
    coming = Meeting.objects.get(title="议事会：广场舞时间与音量")
    assert coming.vote.status == "open" and coming.participants.filter(user=user("resident1")).exists()
    for persona in ("resident1", "community1"):
        assert {held.pk, coming.pk} <= set(selectors.meetings_for(user(persona)).values_list("pk", flat=True))


def test_with_cases_the_charging_decision_becomes_a_case(caller):
    assert create_demo_deliberation(with_case=True).startswith("Deliberation")
    decision = Decision.objects.filter(text="在3号楼车棚增设20个电动车充电桩", case__isnull=False).get()
    assert decision.case.category.code == "0506"
    seen = caller("resident1").get(f"/meetings/{decision.meeting_id}").json()
    assert any(d["case"] == decision.case.number for d in seen["decisions"])
