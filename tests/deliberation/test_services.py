"""Topics, meetings, votes, minutes and decisions through the services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from tests.cases.conftest import point_in
from tests.deliberation.conftest import CATEGORY, COMMUNITY_1, COMMUNITY_2, GRID_1, GRID_2, staff
from tests.notices.conftest import resident
from wangge.accounts.models import AuditLog
from wangge.cases import events
from wangge.cases import services as case_services
from wangge.cases.models import Case, Status
from wangge.core.errors import Conflict
from wangge.deliberation import selectors, services
from wangge.deliberation.models import (
    Ballot,
    DecisionStatus,
    MinutesRevision,
    SignedMinutes,
    Topic,
    TopicSource,
    TopicStatus,
)
from wangge.inbox.models import Message

pytestmark = pytest.mark.django_db


def test_a_resident_raises_a_topic_for_their_community_and_staff_hear_of_it(topic):
    row = topic(accept=None)
    assert (row.source, row.status, row.community.code) == (TopicSource.RESIDENT, TopicStatus.PROPOSED, COMMUNITY_1)
    assert Message.objects.filter(user=staff(), url=f"/deliberation/topics/{row.pk}/").count() == 1
    assert AuditLog.objects.filter(action="deliberation.raise_topic", object_id=str(row.pk)).count() == 1


def test_a_resident_may_not_raise_a_topic_for_another_community(user):
    with pytest.raises(ValidationError) as error:
        services.raise_topic(actor=user("resident1"), community=COMMUNITY_2, title="x", description="y")
    assert "community" in error.value.message_dict


def test_a_grid_worker_raises_as_staff(topic):
    assert topic(actor="gridworker1", accept=None).source == TopicSource.STAFF


def test_a_topic_from_a_case_takes_the_case_and_its_community(user):
    lon, lat = point_in(GRID_1)
    case, _ = case_services.report_case(
        actor=user("resident1"),
        report=case_services.Report(category=CATEGORY, description="充电桩坏了", lon=lon, lat=lat),
    )
    row = services.raise_topic(
        actor=user("community1"), community="", title="充电桩", description="讨论", case_number=case.number
    )
    assert (row.source, row.case_id, row.community.code) == (TopicSource.CASE, case.pk, COMMUNITY_1)
    with pytest.raises(ValidationError):  # a case out of reach is like an absent one
        services.raise_topic(
            actor=user("gridworker2"), community="", title="x", description="y", case_number=case.number
        )


def test_only_staff_raise_a_topic_from_a_case_and_never_from_a_rejected_one(user):
    lon, lat = point_in(GRID_1)
    case, _ = case_services.report_case(
        actor=user("resident1"),
        report=case_services.Report(category=CATEGORY, description="路灯不亮", lon=lon, lat=lat),
    )
    assert services.case_topic_community(user("community1"), case).code == COMMUNITY_1
    assert services.case_topic_community(user("resident1"), case) is None  # the reporter sees it, yet is no staff
    with pytest.raises(ValidationError) as error:
        services.raise_topic(actor=user("resident1"), community="", title="x", description="y", case_number=case.number)
    assert "case" in error.value.message_dict
    Case.objects.filter(pk=case.pk).update(status=Status.REJECTED)
    case.refresh_from_db()
    assert services.case_topic_community(user("community1"), case) is None
    with pytest.raises(ValidationError):
        services.raise_topic(
            actor=user("community1"), community="", title="x", description="y", case_number=case.number
        )
    assert not Topic.objects.filter(case=case).exists()


def test_review_needs_staff_of_the_community_and_a_reason_and_happens_once(topic, user):
    row = topic(accept=None)
    with pytest.raises(ValidationError):
        services.review_topic(actor=user("gridworker1"), topic=row, accept=True, reason="好")
    with pytest.raises(ValidationError) as error:
        services.review_topic(actor=staff(), topic=row, accept=False, reason="  ")
    assert "reason" in error.value.message_dict
    row = services.review_topic(actor=staff(), topic=row, accept=False, reason="属物业职责")
    assert (row.status, row.review_reason) == (TopicStatus.DECLINED, "属物业职责")
    assert Message.objects.filter(user=user("resident1"), body="属物业职责").count() == 1
    with pytest.raises(Conflict):
        services.review_topic(actor=staff(), topic=row, accept=True, reason="再议")


def test_residents_see_accepted_topics_of_their_community_and_their_own(topic, user):
    mine = topic(accept=None)
    other = topic(actor="gridworker1", accept=None, title="另一个")
    accepted = topic(actor="gridworker1", title="已受理")
    seen = set(selectors.topics_for(user("resident1")).values_list("pk", flat=True))
    assert mine.pk in seen and accepted.pk in seen and other.pk not in seen
    assert accepted.pk in set(selectors.topics_for(user("gridworker2")).values_list("pk", flat=True))
    with pytest.raises(Http404):
        selectors.get_topic_for(user("outsider"), accepted.pk)
    next_community = user("gw329901001002001")  # a grid worker of the next community
    assert accepted.pk not in set(selectors.topics_for(next_community).values_list("pk", flat=True))


def test_a_meeting_lists_its_participants_and_agenda_and_tells_them(topic, meeting, user):
    accepted = topic()
    row = meeting(topics=[accepted], participants=[services.Invitee("property", "红枫物业")])
    names = {p.kind: p for p in row.participants.all()}
    assert names["property"].user_id is None and names["property"].eligible is False
    assert row.participants.filter(user=user("resident1"), kind="resident").count() == 1
    assert [a.topic_id for a in row.agenda.all()] == [accepted.pk]
    assert Message.objects.filter(user=user("resident1"), url=f"/deliberation/meetings/{row.pk}/").count() == 1


def test_a_proposed_topic_cannot_be_on_the_agenda(topic, meeting):
    with pytest.raises(ValidationError) as error:
        meeting(topics=[topic(accept=None)])
    assert "topics" in error.value.message_dict


def test_grid_workers_and_residents_do_not_call_meetings(user):
    draft = services.MeetingDraft(
        community=COMMUNITY_1, title="x", place_kind="room", place="议事室", starts_at=date(2026, 12, 1)
    )
    for persona in ("gridworker1", "resident1"):
        with pytest.raises(ValidationError):
            services.call_meeting(actor=user(persona), draft=draft)


def test_one_ballot_per_participant_and_none_after_closing(meeting, user):
    row = meeting()
    neighbour = resident("neighbour", GRID_2)
    services.open_vote(actor=staff(), meeting=row, question="同意吗？")
    services.cast_ballot(actor=user("resident1"), meeting=row, choice="yes")
    with pytest.raises(Conflict):
        services.cast_ballot(actor=user("resident1"), meeting=row, choice="no")
    with pytest.raises(ValidationError):  # not a participant: invited before the account existed
        services.cast_ballot(actor=neighbour, meeting=row, choice="no")
    with pytest.raises(ValidationError):
        services.cast_ballot(actor=user("gridworker1"), meeting=row, choice="no")
    vote = services.close_vote(actor=staff(), meeting=row)
    assert (vote.yes, vote.no, vote.abstain, vote.passed) == (1, 0, 0, True)
    assert vote.eligible == row.participants.filter(user__isnull=False, votes=True).count()
    with pytest.raises(Conflict):
        services.cast_ballot(actor=user("resident1"), meeting=row, choice="yes")
    with pytest.raises(Conflict):
        services.close_vote(actor=staff(), meeting=row)
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_signed_minutes_never_change_a_new_revision_keeps_the_history(meeting):
    row = meeting()
    first = services.write_minutes(actor=staff(), meeting=row, text="草稿")
    first = services.write_minutes(actor=staff(), meeting=row, text="定稿")
    assert (first.number, first.text) == (1, "定稿")  # an unsigned draft takes the new text
    services.sign_minutes(actor=staff(), meeting=row)
    with pytest.raises(Conflict):
        services.sign_minutes(actor=staff(), meeting=row)
    second = services.write_minutes(actor=staff(), meeting=row, text="补充：物业承担费用")
    assert second.number == 2
    assert list(MinutesRevision.objects.filter(meeting=row).values_list("number", "text")) == [
        (1, "定稿"),
        (2, "补充：物业承担费用"),
    ]
    signed = MinutesRevision.objects.get(meeting=row, number=1)
    signed.text = "改写"
    with pytest.raises(SignedMinutes):
        signed.save()
    assert MinutesRevision.objects.get(meeting=row, number=1).text == "定稿"


def test_a_decision_becomes_a_case_and_is_done_when_the_case_closes(topic, meeting, user):
    accepted = topic()
    row = meeting(topics=[accepted])
    decision = services.record_decision(
        actor=staff(),
        meeting=row,
        draft=services.DecisionDraft(
            text="增设充电桩",
            kind="case",
            due_on=date(2027, 1, 31),
            owner_name="居委会",
            topic=accepted.pk,
            category=CATEGORY,
        ),
    )
    assert decision.case is not None and decision.case.category.code == CATEGORY
    assert decision.case.region.path.startswith(row.community.path)
    accepted.refresh_from_db()
    assert accepted.status == TopicStatus.DECIDED
    assert decision.pk in set(selectors.decisions_for(user("resident1")).values_list("pk", flat=True))
    case = decision.case
    before = events.Before.of(case)
    case.status = Status.CLOSED  # what the workflow's closing publishes (cases.events.MOVED)
    services.case_moved(events.Moved(case=case, event=None, before=before, now=timezone.now()))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    assert decision.follow_ups.get().done is True


def test_a_task_is_followed_up_by_its_owner_until_done(meeting, user):
    row = meeting()
    decision = services.record_decision(
        actor=staff(),
        meeting=row,
        draft=services.DecisionDraft(text="清理车棚", kind="task", due_on=date(2027, 1, 7), owner="gridworker1"),
    )
    assert decision.owner_name == user("gridworker1").display_name or "gridworker1"
    with pytest.raises(ValidationError):
        services.follow_up(actor=user("resident1"), decision=decision, note="我来")
    services.follow_up(actor=user("gridworker1"), decision=decision, note="已通知物业")
    services.follow_up(actor=user("gridworker1"), decision=decision, note="已清运", done=True)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.follow_ups.count() == 2
    with pytest.raises(Conflict):
        services.follow_up(actor=staff(), decision=decision, note="再看看")


def test_a_decision_needs_an_owner_and_a_deadline(meeting):
    row = meeting()
    with pytest.raises(ValidationError) as error:
        services.record_decision(
            actor=staff(), meeting=row, draft=services.DecisionDraft(text="x", kind="task", due_on=None, owner_name="a")
        )
    assert "due_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_decision(
            actor=staff(), meeting=row, draft=services.DecisionDraft(text="x", kind="task", due_on=date(2027, 1, 1))
        )
    assert "owner" in error.value.message_dict
