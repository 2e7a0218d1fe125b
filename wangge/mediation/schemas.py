"""Request and response bodies of the disputes API (names start with ``Dispute``: unique across the API).
Text in requests goes through the shared guard; parties' numbers leave only masked."""

from datetime import date, datetime

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import MultilineText, Text
from wangge.core.validators import Day
from wangge.mediation.models import DisputeKind, DisputeStatus, EscalationBody, PartyRole


class DisputeListQuery(PageQuery):
    status: DisputeStatus | None = None
    kind: DisputeKind | None = None
    region: Text = Field("", max_length=24, description="Only disputes in this region or below")


class DisputeRegionRef(Schema):
    code: str
    name: str
    level: str


class DisputeItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str = Field(description="Plain text: show it as text, never as markup")
    status: str
    status_label: str
    region: DisputeRegionRef
    mediator: str = Field(description="The mediator and/or the mediation committee")
    case: str | None = Field(description="The number of the case it came from")
    created_at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_mediator(obj) -> str:
        return obj.mediator_label

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None


class DisputePartyOut(Schema):
    id: int
    role: str
    name: str
    person: int | None = Field(description="The ledger person, when the party is one")
    phone_masked: str
    id_number_masked: str
    recurring: bool = Field(description="A party to another dispute within a year")

    @staticmethod
    def resolve_person(obj) -> int | None:
        return obj.person_id

    @staticmethod
    def resolve_recurring(obj) -> bool:
        return obj.pk in getattr(obj.dispute, "recurring_ids", ())


class DisputeSessionOut(Schema):
    id: int
    held_on: date
    place: str
    notes: str


class DisputeEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    note: str
    at: datetime


class DisputeOut(DisputeItemOut):
    summary: str
    parties: list[DisputePartyOut]
    sessions: list[DisputeSessionOut]
    agreement: str
    agreed_on: date | None
    fulfilment: str
    fulfilled_on: date | None
    escalated_to: str
    escalation_note: str
    concluded_at: datetime | None
    allowed: list[str] = Field(description="The moves the status allows now, for whoever may record them")
    timeline: list[DisputeEventOut]

    @staticmethod
    def resolve_parties(obj):
        return list(obj.parties.all())

    @staticmethod
    def resolve_sessions(obj):
        return list(obj.sessions.all())

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.events.all())

    @staticmethod
    def resolve_allowed(obj) -> list[str]:
        return list(getattr(obj, "allowed_moves", []))


class DisputePartyIn(Schema):
    role: PartyRole = PartyRole.APPLICANT
    person: int | None = Field(None, ge=1, le=2**31 - 1, description="A ledger person in your reach")
    name: Text = Field("", max_length=60, description="A named party (when not a ledger person)")
    phone: Text = Field("", max_length=20)
    id_number: Text = Field("", max_length=32)


class DisputeIn(Schema):
    kind: DisputeKind
    region: Text = Field(..., max_length=24, description="A grid code in your reach")
    title: Text = Field(..., min_length=1, max_length=120)
    summary: MultilineText = Field("", max_length=5000)
    parties: list[DisputePartyIn] = Field(..., min_length=1, max_length=20)
    mediator: int | None = Field(None, ge=1, le=2**31 - 1, description="A staff account of the grid or above")
    committee: Text = Field("", max_length=100, description="A mediation committee (人民调解委员会)")


class DisputeFromCaseIn(Schema):
    case: Text = Field(..., max_length=24, description="The number of a 矛盾纠纷 case in your reach")


class DisputeSessionIn(Schema):
    held_on: Day | None = Field(None, description="Today when omitted")
    place: Text = Field(..., min_length=1, max_length=100)
    notes: MultilineText = Field("", max_length=5000)


class DisputeAgreementIn(Schema):
    text: MultilineText = Field(..., min_length=1, max_length=5000)
    agreed_on: Day | None = None


class DisputeOutcomeIn(Schema):
    outcome: str = Field(..., pattern="^(failed|fulfilled|resumed)$")
    note: MultilineText = Field("", max_length=2000)
    on: Day | None = Field(None, description="The day of fulfilment")


class DisputeEscalateIn(Schema):
    to: EscalationBody
    note: Text = Field("", max_length=500)


class DisputeRevealIn(Schema):
    field: str = Field(..., pattern="^(phone|id_number)$")
    reason: Text = Field(..., max_length=200)


class DisputeRevealOut(Schema):
    value: str


class DisputeRatesQuery(Schema):
    by: str = Field("grid", pattern="^(grid|mediator)$")
    region: Text = Field("", max_length=24)
    date_from: Day | None = None
    date_to: Day | None = None


class DisputeRateOut(Schema):
    key: str
    name: str
    total: int
    open: int
    concluded: int
    resolved: int = Field(description="Disputes where an agreement was reached")
    rate: float | None = Field(description="化解率: resolved ÷ concluded (null with none concluded)")


class DisputeRatesOut(Schema):
    by: str
    total: DisputeRateOut
    rows: list[DisputeRateOut]


class DisputeRecurringOut(Schema):
    name: str
    id_number_masked: str
    phone_masked: str
    disputes: list[int]

    @staticmethod
    def resolve_disputes(obj) -> list[int]:
        return [d.pk for d in obj.disputes]
