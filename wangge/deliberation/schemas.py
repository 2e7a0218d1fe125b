"""Request and response bodies of the deliberation API. Text in requests goes through the shared guard
(``Text``/``MultilineText``); lists answer ``Page[…]``."""

from datetime import date, datetime

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import MultilineText, Text
from wangge.core.validators import Day
from wangge.deliberation.models import Choice, DecisionKind, ParticipantKind, PlaceKind, TopicStatus


class DeliberationRegionRef(Schema):
    code: str
    name: str


class TopicListQuery(PageQuery):
    status: TopicStatus | None = Field(None, description="proposed, accepted, declined or decided")
    community: Text = Field("", max_length=24, description="Only topics of this community")


class TopicIn(Schema):
    community: Text = Field("", max_length=24, description="A community code; left out when raised from a case")
    title: Text = Field(..., min_length=1, max_length=120)
    description: MultilineText = Field(..., min_length=1, max_length=5000)
    case: Text = Field("", max_length=40, description="The number of the case the topic is raised from")


class TopicReviewIn(Schema):
    accept: bool
    reason: MultilineText = Field(..., min_length=1, max_length=2000)


class TopicOut(Schema):
    id: int
    community: DeliberationRegionRef
    title: str
    description: str = Field(description="Plain text: show it as text, never as markup")
    source: str
    status: str
    status_label: str
    case: str | None = Field(description="The number of the case it was raised from")
    review_reason: str
    reviewed_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None


class MeetingListQuery(PageQuery):
    community: Text = Field("", max_length=24, description="Only meetings of this community")


class InviteeIn(Schema):
    kind: ParticipantKind
    name: Text = Field("", max_length=80)
    username: Text = Field("", max_length=150, description="An account of the community (may then vote)")
    votes: bool = True


class MeetingIn(Schema):
    community: Text = Field(..., max_length=24)
    title: Text = Field(..., min_length=1, max_length=120)
    place_kind: PlaceKind
    place: Text = Field(..., min_length=1, max_length=120)
    starts_at: datetime
    invite_residents: bool = Field(False, description="Every resident account of the community, each with a vote")
    participants: list[InviteeIn] = Field([], max_length=200)
    topics: list[int] = Field([], max_length=20, description="Accepted topics of the community for the agenda")
    agenda: list[Text] = Field([], max_length=20, description="Further agenda items")


class MeetingItemOut(Schema):
    id: int
    community: DeliberationRegionRef
    title: str
    place_kind: str
    place: str
    starts_at: datetime
    status: str


class ParticipantOut(Schema):
    id: int
    kind: str
    name: str
    votes: bool
    attended: bool

    @staticmethod
    def resolve_attended(obj) -> bool:
        return obj.attended_at is not None


class AgendaItemOut(Schema):
    position: int
    title: str
    topic_id: int | None


class MinutesOut(Schema):
    number: int
    text: str
    written_at: datetime
    signed: bool
    signed_at: datetime | None

    @staticmethod
    def resolve_signed(obj) -> bool:
        return obj.signed_at is not None


class VoteOut(Schema):
    question: str
    status: str
    eligible: int = Field(description="Voting participants when the vote closed")
    yes: int
    no: int
    abstain: int
    passed: bool | None = Field(description="More for than against; null while open")


class FollowUpOut(Schema):
    note: str
    done: bool
    at: datetime


class DecisionOut(Schema):
    id: int
    text: str
    kind: str
    topic_id: int | None
    owner_name: str
    due_on: date
    status: str
    done_at: datetime | None
    case: str | None = Field(description="The number of the case it became")
    case_status: str | None
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_case_status(obj) -> str | None:
        return obj.case.status if obj.case_id else None

    @staticmethod
    def resolve_follow_ups(obj) -> list:
        return list(obj.follow_ups.all())


class MeetingOut(MeetingItemOut):
    participants: list[ParticipantOut]
    agenda: list[AgendaItemOut]
    minutes: list[MinutesOut] = Field(description="Every revision, oldest first; signed ones never change")
    vote: VoteOut | None
    voted: bool = Field(description="Whether the caller has cast a ballot")
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_agenda(obj) -> list:
        return list(obj.agenda.all())

    @staticmethod
    def resolve_minutes(obj) -> list:
        return list(obj.minutes.all())

    @staticmethod
    def resolve_vote(obj):
        return getattr(obj, "vote", None)

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.all())

    @staticmethod
    def resolve_voted(obj) -> bool:
        return bool(getattr(obj, "voted", False))


class AttendIn(Schema):
    participant_id: int | None = Field(None, description="Staff: the participant present; left out: yourself")


class AttendOut(Schema):
    id: int
    attended: bool

    @staticmethod
    def resolve_attended(obj) -> bool:
        return obj.attended_at is not None


class BallotIn(Schema):
    choice: Choice


class BallotOut(Schema):
    choice: str
    cast_at: datetime


class VoteOpenIn(Schema):
    question: Text = Field(..., min_length=1, max_length=200)


class MinutesIn(Schema):
    text: MultilineText = Field(..., min_length=1, max_length=20_000)


class DecisionIn(Schema):
    text: MultilineText = Field(..., min_length=1, max_length=2000)
    kind: DecisionKind
    due_on: Day
    owner: Text = Field("", max_length=150, description="A staff account's username")
    owner_name: Text = Field("", max_length=80, description="Who carries it out, when not an account")
    topic_id: int | None = None
    category: Text = Field("", max_length=8, description="A case decision's sub-category code")
    lon: float | None = None
    lat: float | None = None


class FollowUpIn(Schema):
    note: MultilineText = Field(..., min_length=1, max_length=2000)
    done: bool = False
