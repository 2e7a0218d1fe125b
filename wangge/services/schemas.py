"""Request and response bodies of the services API. Text in requests goes through the shared guard
(``Text``/``MultilineText``); lists answer ``Page[…]``. A wish's public side never carries the resident's
name, phone or address: those are in ``private``, filled only for the poster and staff in reach."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import MultilineText, Text
from wangge.core.validators import Day
from wangge.services.models import (
    ActivityKind,
    Audience,
    CallOutStatus,
    ClaimantKind,
    ErrandCategory,
    ErrandStatus,
    MemberKind,
    PointKind,
    WishStatus,
)


class ServicesRegionRef(Schema):
    code: str
    name: str


class WishPrivateOut(Schema):
    posted_by: str
    on_behalf: bool
    beneficiary_name: str
    beneficiary_phone: str = Field(description="masked")
    beneficiary_address: str
    review_note: str


class WishOut(Schema):
    id: int
    title: str
    reason: str
    wanted_by: date | None
    status: str
    status_label: str
    community: ServicesRegionRef
    compound: str = Field(description="the compound's name, the most precise place the wall shows")
    photo_url: str | None
    claimant_kind: str
    claimant_name: str
    claimed_at: datetime | None
    fulfilled_at: datetime | None
    fulfil_note: str
    fulfil_photo_url: str | None
    confirmed_at: datetime | None
    thanks: str
    reviewed_at: datetime | None
    created_at: datetime
    stale: bool = Field(description="open and unclaimed for SERVICES_WISH_STALE_DAYS days")
    private: WishPrivateOut | None = None


class WishListQuery(PageQuery):
    status: WishStatus | None = None
    community: str = Field("", max_length=24)
    mine: bool = Field(False, description="only wishes you posted or claimed (any status)")
    stale: bool = Field(False, description="only wishes open for SERVICES_WISH_STALE_DAYS days or more")


class WishIn(Schema):
    title: Text = Field(..., min_length=2, max_length=100)
    reason: MultilineText = Field("", max_length=1000)
    wanted_by: Day | None = None
    region: str = Field("", max_length=24, description="grid or community code; a resident's home grid if empty")
    compound: int | None = None
    beneficiary_name: Text = Field("", max_length=60, description="posting for a resident (grid workers)")
    beneficiary_phone: str = Field("", max_length=20)
    beneficiary_address: Text = Field("", max_length=200)


class WishReviewIn(Schema):
    approve: bool
    note: Text = Field("", max_length=200)


class WishClaimIn(Schema):
    kind: ClaimantKind
    name: Text = Field("", max_length=100, description="how the claimant is shown (a unit's name); yours if empty")


class WishFulfilIn(Schema):
    note: Text = Field("", max_length=300)


class WishConfirmIn(Schema):
    thanks: Text = Field("", max_length=300)


class WishCountOut(Schema):
    community_code: str
    community_name: str
    month: str
    open: int
    claimed: int
    fulfilled: int


class WishCountsOut(Schema):
    rows: list[WishCountOut]


class WishCountsQuery(Schema):
    community: str = Field("", max_length=24)


# --- activities ------------------------------------------------------------------------------------------


class ServicePointRef(Schema):
    id: int
    name: str


class ServiceActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    point: ServicePointRef | None
    address: str
    region: ServicesRegionRef
    starts_at: datetime
    ends_at: datetime
    capacity: int
    audience: str
    organiser: str
    cancelled: bool
    series: str | None = Field(None, description="shared by the weekly copies of a recurring activity")
    confirmed: int
    waiting: int
    my_status: str | None = None
    my_position: int | None = Field(None, description="place on the waiting list, from 1")


class ServiceActivityListQuery(PageQuery):
    upcoming: bool = Field(False, description="only activities not over and not cancelled")
    kind: ActivityKind | None = None
    region: str = Field("", max_length=24)


class ServiceActivityIn(Schema):
    kind: ActivityKind
    title: Text = Field(..., min_length=2, max_length=100)
    description: MultilineText = Field("", max_length=2000)
    region: str = Field(..., max_length=24)
    point_id: int | None = None
    address: Text = Field("", max_length=200)
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(..., ge=1, le=10000)
    audience: Audience = Audience.ALL
    organiser: Text = Field(..., min_length=2, max_length=100)
    repeat_weeks: int = Field(0, ge=0, le=26, description="more copies, one a week later each (every Tuesday…)")


class SignUpOut(Schema):
    id: int
    activity_id: int
    status: str
    position: int | None = None
    created_at: datetime
    checked_in_at: datetime | None
    check_in_method: str
    rating: int | None
    feedback: str


class SignUpRowOut(SignUpOut):
    name: str


class ServiceCheckInIn(Schema):
    token: str = Field("", max_length=400, description="from the QR code at the door (the person checks in)")
    signup_id: int | None = Field(None, description="staff check someone in")


class ServiceFeedbackIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    feedback: MultilineText = Field("", max_length=500)


class ServiceAttendanceOut(Schema):
    confirmed: int
    waiting: int
    checked_in: int
    no_shows: int | None = Field(description="confirmed but not checked in; null until the activity has ended")
    rating: float | None
    ratings: int


# --- service points --------------------------------------------------------------------------------------


class ServicePointOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    region: ServicesRegionRef
    address: str
    lon: float
    lat: float
    opening_hours: str
    facilities: str
    services: str
    phone: str
    distance_m: float | None = None


class ServicePointListQuery(PageQuery):
    near: str = Field("", max_length=60, description="lon,lat: nearest first, with distance_m")
    kind: PointKind | None = None


class ServicePointIn(Schema):
    kind: PointKind
    name: Text = Field(..., min_length=2, max_length=100)
    region: str = Field(..., max_length=24)
    address: Text = Field("", max_length=200)
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    opening_hours: Text = Field("", max_length=200)
    facilities: MultilineText = Field("", max_length=2000)
    services: MultilineText = Field("", max_length=2000)
    phone: Text = Field("", max_length=32)


# --- volunteer teams and call-outs ------------------------------------------------------------------------


class VolunteerTeamOut(Schema):
    id: int
    name: str
    region: ServicesRegionRef
    description: str
    members: int
    median_response_seconds: float | None = Field(description="median time from call-out to acceptance")
    is_member: bool


class VolunteerTeamIn(Schema):
    name: Text = Field(..., min_length=2, max_length=100)
    region: str = Field(..., max_length=24)
    description: MultilineText = Field("", max_length=1000)


class VolunteerTeamMemberIn(Schema):
    user_id: int
    kind: MemberKind = MemberKind.RESIDENT


class VolunteerTeamMemberOut(Schema):
    user_id: int
    name: str
    kind: str


class CallOutOut(Schema):
    id: int
    team_id: int
    team: str
    title: str
    details: str
    address: str
    status: str
    created_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None
    response_seconds: int | None
    done_at: datetime | None


class CallOutIn(Schema):
    team_id: int
    title: Text = Field(..., min_length=2, max_length=100)
    details: MultilineText = Field("", max_length=1000)
    address: Text = Field("", max_length=200)


class CallOutListQuery(PageQuery):
    team: int | None = None
    status: CallOutStatus | None = None


# --- 红色代办 errands -------------------------------------------------------------------------------------


class ErrandOut(Schema):
    id: int
    category: str
    category_label: str
    description: str
    region: ServicesRegionRef
    status: str
    status_label: str
    created_at: datetime
    due_at: datetime
    overdue: bool
    assignee: str | None
    taken_at: datetime | None
    done_at: datetime | None
    result: str


class ErrandIn(Schema):
    category: ErrandCategory
    description: MultilineText = Field(..., min_length=2, max_length=1000)
    region: str = Field("", max_length=24, description="your home grid if empty")


class ErrandDoneIn(Schema):
    result: Text = Field("", max_length=300)


class ErrandListQuery(PageQuery):
    status: ErrandStatus | None = None
    overdue: bool = Field(False, description="only open errands past their due time")


# --- 10-minute service circles ---------------------------------------------------------------------------


class ServiceCircleQuery(Schema):
    region: str = Field(..., max_length=24, description="a community, street or district code (a grid: its community)")
    minutes: int | None = Field(None, ge=1, le=60, description="the walk in minutes (default SERVICES_CIRCLE_MINUTES)")


class ServiceCircleNetworkOut(Schema):
    lines: int = Field(description="road lines in the networks used")
    components: int = Field(description="disconnected pieces (islands) of those networks")


class ServiceCircleMethodOut(Schema):
    kind: Literal["straight_line", "road_network"] = Field(
        description="road_network: the area reachable along an imported road network (points off it keep the "
        "straight line, see each circle's method); straight_line: a radius shortened by the detour factor"
    )
    minutes: int
    speed_m_per_min: float
    detour: float
    radius_m: float = Field(description="minutes × speed ÷ detour (the straight-line radius)")
    walk_m: float = Field(description="minutes × speed (the walk along the roads)")
    network: ServiceCircleNetworkOut | None = None


class ServiceCirclePropertiesOut(Schema):
    name: str
    kind: str
    kind_label: str
    radius_m: float
    method: Literal["straight_line", "road_network"] = Field(description="how this point's area was drawn")


class ServiceCircleGeometryOut(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[list[list[float]]] | list[list[list[list[float]]]]


class ServiceCircleFeatureOut(Schema):
    type: Literal["Feature"]
    id: int = Field(description="the service point's id")
    geometry: ServiceCircleGeometryOut
    properties: ServiceCirclePropertiesOut


class ServiceCirclesGeoOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[ServiceCircleFeatureOut]


class ServiceCircleCompoundOut(Schema):
    id: int | None = Field(description="null: households whose building has no compound")
    name: str
    households: int
    outside: int


class ServiceCircleCoverageOut(Schema):
    region: ServicesRegionRef
    households: int
    located: int = Field(description="households placed through their building (or its compound)")
    covered: int
    share: float | None = Field(description="covered ÷ located, null when none is located")
    compounds_outside: list[ServiceCircleCompoundOut] = Field(
        description="compounds with households outside, most first"
    )


class ServiceCirclesOut(Schema):
    region: ServicesRegionRef
    method: ServiceCircleMethodOut
    circles: ServiceCirclesGeoOut
    coverage: list[ServiceCircleCoverageOut]
    computed_at: datetime = Field(description="when the stored result was computed")
    stale: bool = Field(description="a point or the road network changed since; a recompute is queued")


# --- volunteer points ------------------------------------------------------------------------------------


class VolunteerPointOut(Schema):
    id: int
    day: date
    points: int
    rule: str
    note: str


class VolunteerRankingQuery(PageQuery):
    region: str = Field(..., max_length=24, description="a community (a grid: its community) or a street")


class VolunteerRankOut(Schema):
    rank: int
    user_id: int
    name: str
    points: int
