"""Request and response shapes of the cases API (``wangge.cases.api``)."""

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from wangge.accounts.models import DepartmentKind, Role
from wangge.cases import deadlines
from wangge.cases.models import CategoryKind, PhotoKind, Source, Status
from wangge.cases.permissions import available_actions
from wangge.cases.workflow import ACTION_LABELS, ACTIONS, ASSIGNEE, REPORTER
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
# Read from the rows (``from_attributes``); what the row does not hold as such is a resolver. An answer that
# depends on the caller (the actions they may take) reads ``context["request"]``.


def moment(request) -> datetime:
    """The time of the request, one for the whole answer: a list's warnings agree with its filters."""
    if not hasattr(request, "wangge_now"):
        request.wangge_now = timezone.now()
    return request.wangge_now


class CodeName(Schema):
    code: str
    name: str


class CaseRegionRef(Schema):
    code: str
    name: str
    level: str


class CategoryRef(Schema):
    """Read from a sub-class (``Category``) with its ``parent``."""

    code: str
    name: str
    class_code: str
    class_name: str

    @staticmethod
    def resolve_class_code(category) -> str:
        return category.parent.code if category.parent_id else ""

    @staticmethod
    def resolve_class_name(category) -> str:
        return category.parent.name if category.parent_id else ""


class CaseItemOut(Schema):
    """Read from a ``Case`` of the worklist (category, regions and department selected with it)."""

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
    warning: str = Field(description="'', 'yellow' or 'red', computed at the time of the request")
    due_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_status_label(case) -> str:
        return str(case.get_status_display())

    @staticmethod
    def resolve_warning(case, context) -> str:
        return deadlines.warning_at(case, moment(context["request"]))


CasePageOut = Page[CaseItemOut]


class AssigneeOut(Schema):
    """Read from the ``Case``: who holds it now."""

    department: CodeName | None
    region: CodeName | None
    user: str | None

    @staticmethod
    def resolve_department(case):
        return case.assigned_department

    @staticmethod
    def resolve_region(case):
        return case.assigned_region

    @staticmethod
    def resolve_user(case) -> str | None:
        user = case.assigned_user
        return (user.display_name or user.username) if user is not None else None


class RatingOut(Schema):
    """Read from a rated ``Case``."""

    speed: int | None
    result: int | None
    comment: str
    satisfied: bool | None

    @staticmethod
    def resolve_speed(case) -> int | None:
        return case.rating_speed

    @staticmethod
    def resolve_result(case) -> int | None:
        return case.rating_result

    @staticmethod
    def resolve_comment(case) -> str:
        return case.rating_comment


class PhotoOut(Schema):
    """Read from a ``CasePhoto`` that holds its case (no query: the case's or event's photos carry it)."""

    id: int
    kind: str
    url: str = Field(description="Opens with the same bearer token or session")
    content_type: str
    width: int
    height: int

    @staticmethod
    def resolve_url(photo) -> str:
        return f"/cases/{photo.case.number}/photos/{photo.pk}/"


class FlagsOut(Schema):
    """Read from the ``Case``."""

    is_urgent: bool
    supervision: str
    needs_triage: bool
    pending_request: str
    pending_extension: str
    duplicate_of: str | None = Field(description="The number of the case this one was merged into")
    extension_count: int
    rework_count: int
    return_count: int
    reopen_count: int

    @staticmethod
    def resolve_duplicate_of(case) -> str | None:
        return case.duplicate_of.number if case.duplicate_of_id else None


class CaseOut(Schema):
    """Read from a ``Case`` as ``selectors.get_case_for`` gives it. ``photos``: the case's, unless the caller
    set ``shown_photos`` (a new report holds none: no query)."""

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
    rating: RatingOut | None = Field(description="null until the reporter rates the case")
    reporter_name: str
    contact_phone: str = Field(description="Masked")
    photos: list[PhotoOut]
    allowed_actions: list[str] = Field(description="What the caller may do with the case now")
    version: int
    created_at: datetime
    accepted_at: datetime | None
    dispatched_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_status_label(case) -> str:
        return str(case.get_status_display())

    @staticmethod
    def resolve_source_label(case) -> str:
        return str(case.get_source_display())

    @staticmethod
    def resolve_region_chain(case) -> list:
        return [*case.region.chain(), case.region]

    @staticmethod
    def resolve_level_label(case) -> str:
        return str(case.get_level_display())

    @staticmethod
    def resolve_assignee(case):
        return case

    @staticmethod
    def resolve_warning(case, context) -> str:
        return deadlines.warning_at(case, moment(context["request"]))

    @staticmethod
    def resolve_flags(case):
        return case

    @staticmethod
    def resolve_rating(case):
        return case if case.rating_speed is not None or case.rating_result is not None else None

    @staticmethod
    def resolve_contact_phone(case) -> str:
        return case.contact_phone_masked

    @staticmethod
    def resolve_photos(case) -> list:
        shown = getattr(case, "shown_photos", None)
        return list(case.photos.order_by("pk")) if shown is None else shown

    @staticmethod
    def resolve_allowed_actions(case, context) -> list[str]:
        return available_actions(context["request"].auth, case)


EXTRA_ROLE_LABELS = {ASSIGNEE: gettext_lazy("Assignee"), REPORTER: gettext_lazy("Reporter")}


class EventOut(Schema):
    """Read from a ``CaseEvent`` of ``selectors.timeline`` (which blanks staff names for the public)."""

    seq: int
    action: str
    action_label: str
    actor_name: str
    role: str
    role_label: str
    from_status: str
    to_status: str
    opinion: str
    data: dict = Field(description="What the action carried (e.g. the department dispatched to)")
    at: datetime
    photos: list[PhotoOut]

    @staticmethod
    def resolve_action_label(event) -> str:
        return str(ACTION_LABELS.get(event.action, event.action))

    @staticmethod
    def resolve_role_label(event) -> str:
        role = event.role
        if role in EXTRA_ROLE_LABELS:
            return str(EXTRA_ROLE_LABELS[role])
        return str(Role(role).label) if role in Role.values else role

    @staticmethod
    def resolve_photos(event) -> list:
        return list(event.photos.all())


class CategoryLimitsOut(Schema):
    """Read from a sub-class: the time limits of its stages (e.g. ``2h``, ``3d``; working time)."""

    accept: str
    sign: str
    handle: str
    verify: str

    @staticmethod
    def resolve_accept(category) -> str:
        return category.limit_accept

    @staticmethod
    def resolve_sign(category) -> str:
        return category.limit_sign

    @staticmethod
    def resolve_handle(category) -> str:
        return category.limit_handle

    @staticmethod
    def resolve_verify(category) -> str:
        return category.limit_verify


class SubCategoryOut(Schema):
    """Read from a sub-class (小类, a ``Category`` with a parent)."""

    code: str
    name: str
    name_en: str
    kind: str
    department_kind: str
    department_label: str
    level: str
    on_spot: bool
    evidence: list[str]
    limits: CategoryLimitsOut
    related: list[str]

    @staticmethod
    def resolve_department_label(category) -> str:
        kind = category.department_kind
        return str(DepartmentKind(kind).label) if kind in DepartmentKind.values else kind

    @staticmethod
    def resolve_level(category) -> str:
        return category.default_level

    @staticmethod
    def resolve_limits(category):
        return category


class CategoryClassOut(Schema):
    """Read from a class (大类) carrying its active sub-classes as ``active_subclasses``."""

    code: str
    name: str
    name_en: str
    kind: str
    kind_label: str
    subclasses: list[SubCategoryOut]

    @staticmethod
    def resolve_kind_label(category) -> str:
        kind = category.kind
        return str(CategoryKind(kind).label) if kind in CategoryKind.values else kind

    @staticmethod
    def resolve_subclasses(category) -> list:
        return category.active_subclasses


class SuggestionOut(Schema):
    code: str
    name: str
    score: float


class NearbyOut(Schema):
    """Read from a ``duplicates.Candidate``: the case and how close it is."""

    number: str
    title: str
    status: str
    distance_m: float
    similarity: float
    score: float

    @staticmethod
    def resolve_number(candidate) -> str:
        return candidate.case.number

    @staticmethod
    def resolve_title(candidate) -> str:
        return candidate.case.title

    @staticmethod
    def resolve_status(candidate) -> str:
        return candidate.case.status


class PhotoKindIn(Schema):
    kind: PhotoKind = PhotoKind.REPORT
