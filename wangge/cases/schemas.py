"""Request and response shapes of the cases API (``wangge.cases.api``)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from wangge.cases.models import PhotoKind, Source, Status
from wangge.cases.workflow import ACTIONS
from wangge.core.pagination import Page, PageQuery
from wangge.core.text import MultilineText, Text
from wangge.core.validators import INT32_MAX, schema_day

# --- requests -----------------------------------------------------------------------------------


class CaseIn(Schema):
    category: Text = Field(..., max_length=8, description="A sub-class code from GET /categories")
    description: MultilineText = Field(..., max_length=2000)
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)
    address: Text = Field("", max_length=200)
    source: Source = Source.RESIDENT
    title: Text = Field("", max_length=80, description="Defaults to the start of the description")
    contact_name: Text = Field("", max_length=60)
    contact_phone: Text = Field("", max_length=20, description="Required when reporting without a token")
    urgent: bool = Field(False, description="Staff only")
    household_id: int | None = Field(None, description="The ledger's household the case concerns (staff)")
    person_id: int | None = Field(None, description="The ledger's person the case concerns (staff)")


class ActionIn(Schema):
    action: Literal[tuple(ACTIONS)]  # type: ignore[valid-type]
    opinion: MultilineText = Field("", max_length=2000)
    version: int | None = Field(
        None, ge=0, le=INT32_MAX, description="The case version you saw; a stale one is refused (409)"
    )
    department: Text | None = Field(None, max_length=32, description="dispatch: a department code")
    region: Text | None = Field(None, max_length=24, description="dispatch: a grid code")
    extension: Text | None = Field(None, max_length=8, description="request_extension: e.g. 2d or 4h")
    speed: int | None = Field(None, description="rate: 1-5")
    result: int | None = Field(None, description="rate: 1-5")
    comment: MultilineText | None = Field(None, max_length=500, description="rate")
    supervision: Text | None = Field(None, max_length=8, description="supervise: normal, yellow or red")
    duplicate_of: Text | None = Field(None, max_length=24, description="merge: the number of the original case")
    category: Text | None = Field(
        None, max_length=8, description="accept: a sub-class code, to accept the case under another category"
    )


DAY_OR_MOMENT = {"type": "string", "examples": ["2026-03-01", "2026-03-01T09:00:00+08:00"]}


class CaseListQuery(PageQuery):
    status: Status | None = None
    category: Text = Field("", max_length=8, description="A class or sub-class code")
    source: Source | None = None
    region: Text = Field("", max_length=24, description="A region code: cases that happened under it")
    warning: Literal["yellow", "red"] | None = None
    box: Literal["todo", "done", "soon", "overdue", "mine"] | None = None
    q: Text = Field("", max_length=100, description="Text in the number, title or description")
    date_from: date | datetime | None = Field(
        None, description="Reported at or after (a date is local midnight)", json_schema_extra=DAY_OR_MOMENT
    )
    date_to: date | datetime | None = Field(
        None, description="Reported before (a date includes that whole day)", json_schema_extra=DAY_OR_MOMENT
    )

    @field_validator("date_from", "date_to", mode="plain")
    @classmethod
    def _day_or_moment(cls, value):
        """A plain date (YYYY-MM-DD) stays a date, so that ``date_to`` can include its whole day."""
        if value is None or isinstance(value, date):
            return schema_day(value)
        text = str(value).strip()
        if not text:
            return None
        try:
            parsed = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise PydanticCustomError("datetime_parsing", "Not a date or time") from None
        return schema_day(parsed)


class NearbyQuery(Schema):
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)
    category: Text = Field("", max_length=8)
    text: MultilineText = Field("", max_length=2000)


class SuggestQuery(Schema):
    text: MultilineText = Field(..., min_length=1, max_length=2000)
    k: int = Field(5, ge=1, le=20)


# --- responses ------------------------------------------------------------------------------------


class CodeName(Schema):
    code: str
    name: str


class CaseRegionRef(Schema):
    code: str
    name: str
    level: str


class CategoryRef(Schema):
    code: str
    name: str
    class_code: str
    class_name: str


class CaseItemOut(Schema):
    number: str
    title: str
    category: CodeName
    status: str
    status_label: str
    source: str
    region: CodeName
    address: str
    handling_region: CodeName
    assigned_department: CodeName | None
    is_urgent: bool
    supervision: str
    warning: str
    due_at: datetime | None
    created_at: datetime


CasePageOut = Page[CaseItemOut]


class AssigneeOut(Schema):
    department: CodeName | None
    region: CodeName | None
    user: str | None


class RatingOut(Schema):
    speed: int | None
    result: int | None
    comment: str
    satisfied: bool | None


class PhotoOut(Schema):
    id: int
    kind: str
    url: str
    content_type: str
    width: int
    height: int


class FlagsOut(Schema):
    is_urgent: bool
    supervision: str
    needs_triage: bool
    pending_request: str
    pending_extension: str
    duplicate_of: str | None
    extension_count: int
    rework_count: int
    return_count: int
    reopen_count: int


class CaseOut(Schema):
    number: str
    title: str
    description: str
    category: CategoryRef
    status: str
    status_label: str
    source: str
    source_label: str
    lon: float
    lat: float
    address: str
    region: CaseRegionRef
    region_chain: list[CaseRegionRef] = Field(description="From the city down to the region where it happened")
    level: str
    level_label: str
    handling_region: CaseRegionRef
    assignee: AssigneeOut
    stage: str
    due_at: datetime | None
    warn_at: datetime | None
    warning: str = Field(description="'', 'yellow' or 'red', computed at the time of the request")
    flags: FlagsOut
    rating: RatingOut | None
    reporter_name: str
    contact_phone: str = Field(description="Masked")
    photos: list[PhotoOut]
    allowed_actions: list[str]
    version: int
    created_at: datetime
    accepted_at: datetime | None
    dispatched_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None


class EventOut(Schema):
    seq: int
    action: str
    action_label: str
    actor_name: str
    role: str
    role_label: str
    from_status: str
    to_status: str
    opinion: str
    data: dict
    at: datetime
    photos: list[PhotoOut]


class SubCategoryOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    department_kind: str
    department_label: str
    level: str
    on_spot: bool
    evidence: list[str]
    limits: dict[str, str]
    related: list[str]


class CategoryClassOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    kind_label: str
    subclasses: list[SubCategoryOut]


class SuggestionOut(Schema):
    code: str
    name: str
    score: float


class NearbyOut(Schema):
    number: str
    title: str
    status: str
    distance_m: float
    similarity: float
    score: float


class PhotoKindIn(Schema):
    kind: PhotoKind = PhotoKind.REPORT
