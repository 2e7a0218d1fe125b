"""Deliberation over JSON under ``/api/v1/topics`` and ``/api/v1/meetings``. Thin: reads through
``selectors`` (scoped; 404 out of reach), writes through ``services``; lists are keyset pages."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from wangge.core.pagination import Page, keyset_page
from wangge.deliberation import selectors, services
from wangge.deliberation.schemas import (
    AttendIn,
    AttendOut,
    BallotIn,
    BallotOut,
    DecisionIn,
    DecisionOut,
    FollowUpIn,
    FollowUpOut,
    MeetingIn,
    MeetingItemOut,
    MeetingListQuery,
    MeetingOut,
    MinutesIn,
    MinutesOut,
    TopicIn,
    TopicListQuery,
    TopicOut,
    TopicReviewIn,
    VoteOpenIn,
    VoteOut,
)

topics_router = Router(tags=["deliberation"])
meetings_router = Router(tags=["deliberation"])


def _community_path(user, code: str) -> str:
    community = selectors.get_community_for(user, code)
    if community is None:
        raise Http404(_("No region with this code in your reach."))
    return community.path


@topics_router.get("", response=Page[TopicOut])
def list_topics(request, query: Query[TopicListQuery]):
    """Residents: their community's accepted and decided topics and their own. Staff: those in reach."""
    rows = selectors.topics_for(request.auth)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.community:
        rows = rows.filter(region_path=_community_path(request.auth, query.community))
    return keyset_page(rows, query, order=("-created_at", "-id"), count=True)


@topics_router.post("", response={201: TopicOut})
def raise_topic(request, payload: TopicIn):
    """Raise a topic for your community (or, staff, for one in reach; or from a case you see)."""
    topic = services.raise_topic(
        actor=request.auth,
        community=payload.community,
        title=payload.title,
        description=payload.description,
        case_number=payload.case,
    )
    return Status(201, selectors.get_topic_for(request.auth, topic.pk))


@topics_router.get("/{topic_id}", response=TopicOut)
def get_topic(request, topic_id: int):
    return selectors.get_topic_for(request.auth, topic_id)


@topics_router.post("/{topic_id}/review", response=TopicOut)
def review_topic(request, topic_id: int, payload: TopicReviewIn):
    """Accept or decline a proposed topic with a reason (staff of its community; 409 once reviewed)."""
    topic = selectors.get_topic_for(request.auth, topic_id)
    services.review_topic(actor=request.auth, topic=topic, accept=payload.accept, reason=payload.reason)
    return selectors.get_topic_for(request.auth, topic_id)


def _meeting(request, meeting_id: int):
    meeting = selectors.meeting_detail(selectors.get_meeting_for(request.auth, meeting_id))
    meeting.voted = selectors.own_ballot(request.auth, meeting) is not None
    return meeting


@meetings_router.get("", response=Page[MeetingItemOut])
def list_meetings(request, query: Query[MeetingListQuery]):
    rows = selectors.meetings_for(request.auth)
    if query.community:
        rows = rows.filter(region_path=_community_path(request.auth, query.community))
    return keyset_page(rows, query, order=("-starts_at", "-id"), count=True)


@meetings_router.post("", response={201: MeetingOut})
def call_meeting(request, payload: MeetingIn):
    """Call a meeting in a community in your reach (staff)."""
    draft = services.MeetingDraft(
        community=payload.community,
        title=payload.title,
        place_kind=payload.place_kind,
        place=payload.place,
        starts_at=payload.starts_at,
        invite_residents=payload.invite_residents,
        participants=[services.Invitee(p.kind, p.name, p.username, p.votes) for p in payload.participants],
        topics=list(payload.topics),
        agenda=list(payload.agenda),
    )
    meeting = services.call_meeting(actor=request.auth, draft=draft)
    return Status(201, _meeting(request, meeting.pk))


@meetings_router.get("/{meeting_id}", response=MeetingOut)
def get_meeting(request, meeting_id: int):
    return _meeting(request, meeting_id)


@meetings_router.post("/{meeting_id}/attend", response=AttendOut)
def attend(request, meeting_id: int, payload: AttendIn):
    """Record attendance: yourself as a participant, or (staff) the participant named."""
    meeting = selectors.get_meeting_for(request.auth, meeting_id)
    return services.attend(actor=request.auth, meeting=meeting, participant_id=payload.participant_id)


@meetings_router.post("/{meeting_id}/vote", response={201: BallotOut})
def vote(request, meeting_id: int, payload: BallotIn):
    """Cast your ballot: once, while the vote is open (409 after closing or on a second ballot)."""
    meeting = selectors.get_meeting_for(request.auth, meeting_id)
    return Status(201, services.cast_ballot(actor=request.auth, meeting=meeting, choice=payload.choice))


@meetings_router.post("/{meeting_id}/vote/open", response={201: VoteOut})
def open_vote(request, meeting_id: int, payload: VoteOpenIn):
    meeting = selectors.get_meeting_for(request.auth, meeting_id)
    return Status(201, services.open_vote(actor=request.auth, meeting=meeting, question=payload.question))


@meetings_router.post("/{meeting_id}/vote/close", response=VoteOut)
def close_vote(request, meeting_id: int):
    """Close the vote and record its result (staff of the community)."""
    meeting = selectors.get_meeting_for(request.auth, meeting_id)
    return services.close_vote(actor=request.auth, meeting=meeting)


@meetings_router.post("/{meeting_id}/minutes", response=MinutesOut)
def write_minutes(request, meeting_id: int, payload: MinutesIn):
    """Write the minutes: the unsigned revision takes the text; after signing, a new revision starts."""
    meeting = selectors.get_meeting_for(request.auth, meeting_id)
    return services.write_minutes(actor=request.auth, meeting=meeting, text=payload.text)


@meetings_router.post("/{meeting_id}/minutes/sign", response=MinutesOut)
def sign_minutes(request, meeting_id: int):
    """Sign the latest revision; it never changes afterwards (409 when already signed)."""
    meeting = selectors.get_meeting_for(request.auth, meeting_id)
    return services.sign_minutes(actor=request.auth, meeting=meeting)


@meetings_router.post("/{meeting_id}/decisions", response={201: DecisionOut})
def decide(request, meeting_id: int, payload: DecisionIn):
    """Record a decision: a case (through the case intake) or a task with an owner and a deadline."""
    meeting = selectors.get_meeting_for(request.auth, meeting_id)
    draft = services.DecisionDraft(
        text=payload.text,
        kind=payload.kind,
        due_on=payload.due_on,
        owner=payload.owner,
        owner_name=payload.owner_name,
        topic=payload.topic_id,
        category=payload.category,
        lon=payload.lon,
        lat=payload.lat,
    )
    decision = services.record_decision(actor=request.auth, meeting=meeting, draft=draft)
    return Status(201, selectors.get_decision_for(request.auth, decision.pk))


@meetings_router.post("/{meeting_id}/decisions/{decision_id}/follow-ups", response={201: FollowUpOut})
def follow_up(request, meeting_id: int, decision_id: int, payload: FollowUpIn):
    """A progress note (the owner or staff); ``done`` finishes a task."""
    decision = selectors.get_decision_for(request.auth, decision_id)
    if decision.meeting_id != meeting_id:
        raise Http404(_("No decision with this id in your reach."))
    return Status(201, services.follow_up(actor=request.auth, decision=decision, note=payload.note, done=payload.done))
