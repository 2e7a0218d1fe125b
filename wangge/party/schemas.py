"""Request and response bodies of the party API. Text in requests goes through the shared guard
(``Text``); lists answer ``Page[…]`` (``wangge.core.pagination``). Members carry no personal numbers: the
person's page in the ledger is where those are (masked, revealed with a reason)."""

from datetime import date, datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import ngettext
from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import MultilineText, Text
from wangge.core.validators import Day
from wangge.party.models import ItemKind, ItemStatus, LeaveKind, MemberStatus, OrganisationKind, RegistrationStatus


class PartyRegionRef(Schema):
    code: str
    name: str
    level: str


class PartyOrganisationRef(Schema):
    id: int
    name: str
    kind: str


class PartyOrganisationItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    parent_id: int | None
    regions: list[PartyRegionRef]
    community: PartyRegionRef | None
    ledger_organisation_id: int | None
    children: int
    members: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_regions(obj) -> list:
        return [s.region for s in obj.served.all()]

    @staticmethod
    def resolve_children(obj) -> int:
        counted = getattr(obj, "children_count", None)  # annotated on lists
        return obj.children.count() if counted is None else counted

    @staticmethod
    def resolve_members(obj) -> int:
        counted = getattr(obj, "members_count", None)
        return obj.members.count() if counted is None else counted


class PartyMemberRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name


class PartyCommitteeOut(Schema):
    member: PartyMemberRef
    duty: str


class PartyOrganisationOut(PartyOrganisationItemOut):
    note: str
    secretary: PartyMemberRef | None
    committee: list[PartyCommitteeOut]
    chain: list[PartyOrganisationRef]

    @staticmethod
    def resolve_committee(obj) -> list:
        return list(obj.committee.select_related("member__person").order_by("id"))

    @staticmethod
    def resolve_secretary(obj, context):
        # The secretary is named only when the caller may see the member (political status is personal data).
        from wangge.party.selectors import members_for

        if obj.secretary_id and members_for(context["request"].auth).filter(pk=obj.secretary_id).exists():
            return obj.secretary
        return None

    @staticmethod
    def resolve_chain(obj, context) -> list:
        from wangge.party.selectors import organisations_for

        visible = set(organisations_for(context["request"].auth).values_list("pk", flat=True))
        chain, node = [], obj.parent
        while node is not None and node.pk in visible:
            chain.insert(0, node)
            node = node.parent
        return chain


class PartyOrganisationListQuery(PageQuery):
    parent: int | None = Field(None, description="The children of this organisation; none: the tops of your reach")
    kind: str = Field("", max_length=16)
    q: Text = Field("", max_length=60, description="Text in the name")


class PartyOrganisationIn(Schema):
    kind: OrganisationKind
    name: Text = Field(..., min_length=1, max_length=100)
    regions: list[Text] = Field(default_factory=list, max_length=200, description="Codes of the regions served")
    parent_id: int | None = None
    community: Text | None = Field(None, max_length=24, description="Co-building units: the community's code")
    ledger_organisation_id: int | None = None
    note: Text = Field("", max_length=200)


class PartyOrganisationPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=100)
    regions: list[Text] | None = Field(None, max_length=200)
    community: Text | None = Field(None, max_length=24)
    ledger_organisation_id: int | None = None
    secretary_id: int | None = None
    note: Text | None = Field(None, max_length=200)


class PartyCommitteeRowIn(Schema):
    member_id: int
    duty: Text = Field("", max_length=40)


class PartyCommitteeIn(Schema):
    members: list[PartyCommitteeRowIn] = Field(..., max_length=50)


class PartyMoveIn(Schema):
    parent_id: int | None = Field(..., description="The new parent; null puts it at the top")


class PartyMemberItemOut(Schema):
    id: int
    person_id: int
    name: str
    status: str
    status_label: str
    joined_on: date | None
    in_service: bool
    employer: str
    organisation: PartyOrganisationRef
    grid: PartyRegionRef | None
    region: PartyRegionRef | None = Field(
        description="Where the person lives; null for a co-building unit's staff, who see the unit's members as "
        "their 党员报到 page does (name and standing), never where they live"
    )
    central_household_id: int | None
    registered: bool
    left_on: date | None
    leave_kind: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_registered(obj) -> bool:
        return getattr(obj, "registration", None) is not None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_region(obj):
        return None if getattr(obj, "unit_view", False) else obj.person.region

    @staticmethod
    def resolve_grid(obj):
        return None if getattr(obj, "unit_view", False) else obj.grid

    @staticmethod
    def resolve_central_household_id(obj):
        if getattr(obj, "unit_view", False):
            return None
        central = getattr(obj, "central_household", None)
        return central.pk if central else None


PartyMemberOut = PartyMemberItemOut


class PartyImportErrorOut(Schema):
    row: int = Field(description="Row of the sheet (from 1, the title row included); 0 for the file as a whole")
    field: str = Field(
        description='The column\'s key (id_number, name, organisation …); "file" for the file as a '
        'whole, "" for a whole row'
    )
    column: str = Field(description='The column\'s letter in the sheet ("A"); "" for a whole row or the file')
    message: str


class PartyImportRowOut(Schema):
    row: int
    name: str = Field(description="The ledger's name of the person (else the name in the row)")
    id_number_masked: str
    status: Literal["ok", "error"]
    errors: list[PartyImportErrorOut]

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_status(obj) -> str:
        return "ok" if obj.ok else "error"

    @staticmethod
    def resolve_errors(obj) -> list[dict]:
        return _import_errors(obj)


def _import_errors(row) -> list[dict]:
    return [{"row": p.row, "field": row.key_of(p), "column": p.column, "message": p.message} for p in row.problems]


class PartyMemberImportOut(Schema):
    """The import's report in the error contract: ``detail`` and ``errors`` (every problem of the file and of
    each cell, ``{row, field, column, message}``) beside every row's result."""

    detail: str = Field(description='What went wrong, in a sentence; "" when every row is good')
    errors: list[PartyImportErrorOut]
    dry_run: bool
    ok: bool = Field(description="No problem at all: a real run stored every row")
    total: int = Field(description="Rows read")
    added: int = Field(description="Members a real run added (a dry run: would add); 0 when any row is bad")
    rows: list[PartyImportRowOut]

    @staticmethod
    def resolve_detail(obj) -> str:
        if obj.problems:
            return " ".join(p.message for p in obj.problems)
        bad = len(obj.bad_rows)
        if not bad:
            return ""
        return ngettext(
            "%(n)s row has problems: nothing was stored. Fix the file and upload it again.",
            "%(n)s rows have problems: nothing was stored. Fix the file and upload it again.",
            bad,
        ) % {"n": bad}

    @staticmethod
    def resolve_errors(obj) -> list[dict]:
        whole = [{"row": 0, "field": "file", "column": "", "message": p.message} for p in obj.problems]
        return whole + [error for row in obj.rows for error in _import_errors(row)]


class PartyUnitStaffOut(Schema):
    id: int
    username: str
    added_at: datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username


class PartyUnitStaffIn(Schema):
    usernames: list[Text] = Field(
        ..., max_length=100, description="The accounts acting for the unit (user names); [] removes them all"
    )


class PartyMemberListQuery(PageQuery):
    organisation: int | None = None
    region: Text = Field("", max_length=24, description="Members living under this region")
    kind: MemberStatus | None = Field(None, description="full or probationary")
    in_service: bool | None = None
    registered: bool | None = Field(None, description="Registered with a community (双报到) or not")
    left: bool | None = Field(None, description="Members who left (转出/离开), or the current ones; none: both")


class PartyMemberExportIn(Schema):
    organisation: int | None = None
    region: Text = Field("", max_length=24)
    kind: MemberStatus | None = None
    in_service: bool | None = None
    registered: bool | None = None
    left: bool | None = None


class PartyMemberIn(Schema):
    person_id: int
    organisation_id: int
    status: MemberStatus = MemberStatus.FULL
    joined_on: date | None = None
    in_service: bool = False
    employer: Text = Field("", max_length=100)
    grid: Text | None = Field(None, max_length=24, description="Code of the grid the member is linked to")


class PartyMemberPatch(Schema):
    organisation_id: int | None = None
    status: MemberStatus | None = None
    joined_on: date | None = None
    in_service: bool | None = None
    employer: Text | None = Field(None, max_length=100)
    grid: Text | None = Field(None, max_length=24)


class PartyLeaveIn(Schema):
    left_on: Day
    leave_kind: LeaveKind = Field(..., description="transferred_out (转出) or left (离开)")
    note: Text = Field("", max_length=200)


class PartyHouseholdRef(Schema):
    id: int
    address: str
    region: PartyRegionRef

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.house.address if obj.house_id else ""


class PartyCentralOut(Schema):
    id: int
    member: PartyMemberRef
    grid: PartyRegionRef | None
    households: list[PartyHouseholdRef]
    count: int

    @staticmethod
    def resolve_grid(obj):
        return obj.member.grid

    @staticmethod
    def resolve_households(obj, context) -> list:
        from wangge.people.selectors import households_for

        return list(
            households_for(context["request"].auth)
            .filter(party_covers__central=obj)
            .select_related("house", "region")
            .order_by("id")
        )

    @staticmethod
    def resolve_count(obj) -> int:
        return obj.covered.count()


class PartyCentralListQuery(PageQuery):
    region: Text = Field("", max_length=24, description="Central households whose member lives under this region")


class PartyCentralIn(Schema):
    member_id: int
    household_ids: list[int] = Field(..., max_length=1000)


class PartyCentralPatch(Schema):
    household_ids: list[int] = Field(..., max_length=1000)


class PartyGridCoverageOut(Schema):
    region: PartyRegionRef
    households: int
    covered: int
    uncovered: int
    rate: float | None


class PartyPointOut(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(description="[lon, lat]")


class PartyBuildingPropertiesOut(Schema):
    name: str
    households: int
    covered: int
    uncovered: int


class PartyBuildingFeatureOut(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PartyPointOut
    properties: PartyBuildingPropertiesOut


class PartyBuildingsOut(Schema):
    """GeoJSON: the buildings (with coordinates) holding households, covered and not."""

    type: Literal["FeatureCollection"]
    features: list[PartyBuildingFeatureOut]


class PartyCoverageOut(PartyGridCoverageOut):
    """Read from the region's total ``selectors.GridCoverage`` carrying its ``grids`` and ``buildings``."""

    grids: list[PartyGridCoverageOut]
    buildings: PartyBuildingsOut


class PartyCoverageQuery(Schema):
    region: Text = Field(..., max_length=24)


class PartyUncoveredQuery(PageQuery):
    region: Text = Field(..., max_length=24)


# --- 双百 lists ------------------------------------------------------------------------------------------


class PartyClaimOut(Schema):
    id: int
    status: str
    member: PartyMemberRef | None
    unit: PartyOrganisationRef | None
    claimed_at: datetime
    note: str
    hours: float | None
    done_at: datetime | None
    photo_url: str | None

    @staticmethod
    def resolve_member(obj, context):
        # A claiming member's name says they are a party member: named only to whom may see them.
        from wangge.party.selectors import may_see_claimant

        return obj.member if obj.member_id and may_see_claimant(context["request"].auth, obj) else None

    @staticmethod
    def resolve_hours(obj):
        return float(obj.hours) if obj.hours is not None else None

    @staticmethod
    def resolve_photo_url(obj):
        return reverse("party:claim_photo", args=[obj.pk]) if obj.photo else None


class PartyItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    community: PartyRegionRef
    offered_by: PartyOrganisationRef | None
    due_on: date | None
    status: str
    status_label: str
    claim: PartyClaimOut | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_claim(obj):
        claims = list(obj.claims.all())  # prefetched on lists
        if not claims:
            return None
        claims[0].claimant_visible = getattr(obj, "claimant_visible", None)  # annotated by ``with_claims``
        return claims[0]


class PartyItemListQuery(PageQuery):
    community: Text = Field("", max_length=24, description="Items of the communities under this region")
    kind: ItemKind | None = Field(None, description="need or resource")
    status: ItemStatus | None = None
    mine: bool = Field(False, description="Only items claimed by you (your member or your unit)")


class PartyItemIn(Schema):
    community: Text = Field(..., max_length=24, description="The community's code")
    kind: ItemKind
    title: Text = Field(..., min_length=1, max_length=100)
    description: MultilineText = Field("", max_length=1000)
    offered_by_id: int | None = Field(None, description="The party organisation offering a resource")
    due_on: Day | None = None


class PartyClaimIn(Schema):
    member_id: int | None = Field(None, description="Staff claiming for a member; empty: your own member")
    unit_id: int | None = Field(None, description="A co-building unit claiming (its secretary, or staff)")


class PartyCompleteIn(Schema):
    note: MultilineText = Field("", max_length=1000, description="What was done (required)")
    hours: float | None = Field(None, ge=0, le=999, description="Service hours")


# --- 双报到 ---------------------------------------------------------------------------------------------


class PartyRegistrationOut(Schema):
    id: int
    kind: str
    name: str
    member_id: int | None
    unit_id: int | None
    community: PartyRegionRef
    status: str
    status_label: str
    registered_at: datetime
    confirmed_at: datetime | None

    @staticmethod
    def resolve_kind(obj) -> str:
        return "member" if obj.member_id else "unit"

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.member.person.name if obj.member_id else obj.unit.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class PartyRegistrationListQuery(PageQuery):
    community: Text = Field("", max_length=24, description="Registrations with communities under this region")
    status: RegistrationStatus | None = None


class PartyRegistrationIn(Schema):
    member_id: int | None = Field(None, description="Staff registering a member; empty: yourself")
    unit_id: int | None = Field(None, description="A co-building unit registering with its community")


class PartyOwnOut(Schema):
    member: PartyMemberRef | None
    in_service: bool
    registration: PartyRegistrationOut | None
    units: list[PartyOrganisationRef]


class PartyCaseCountsOut(Schema):
    """Cases in the organisation's area (served regions and below) and those its current members reported or
    handled from their own accounts, among the cases the caller sees."""

    total: int
    open: int
    overdue: int = Field(description="Open and past the current stage's deadline now.")
    closed: int = Field(description="Closed or rated.")
    closed_on_time: int = Field(description="Closed with no step recorded late.")
    on_time_rate: float | None = Field(description="closed_on_time ÷ closed; null when none is closed.")
    by_members: int = Field(description="Cases the organisation's current members reported or handled.")


# --- 红色物业 --------------------------------------------------------------------------------------------


class PartyLedgerRef(Schema):
    id: int
    name: str


class PartyPropertyCompanyOut(Schema):
    id: int
    organisation: PartyLedgerRef
    community: PartyRegionRef
    party_organisation: PartyOrganisationRef | None
    joined_on: date


class PartyCheckResultsOut(Schema):
    """Each checklist item: passed or not."""

    party_post: bool = False
    cleaning: bool = False
    safety: bool = False
    facilities: bool = False
    complaints: bool = False
    disclosure: bool = False


class PartyPropertyCheckOut(Schema):
    id: int
    month: str = Field(description="YYYY-MM")
    results: PartyCheckResultsOut
    score: int
    note: str

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.month:%Y-%m}"


class PartyQuarterOut(Schema):
    year: int
    quarter: int
    checks: int
    check_score: float | None
    cases: int = Field(description="Cases about the company's compounds reported in the quarter")
    late_cases: int = Field(description="Of those: overdue now or closed with a late step")
    score: float | None = Field(description="check_score less the late cases' points, not below 0")


class PartyPropertyCompanyDetailOut(PartyPropertyCompanyOut):
    checks: list[PartyPropertyCheckOut] = Field(description="The last twelve monthly checks")
    quarters: list[PartyQuarterOut] = Field(description="This year's quarters")

    @staticmethod
    def resolve_checks(obj) -> list:
        return obj.checks_shown

    @staticmethod
    def resolve_quarters(obj) -> list:
        return obj.quarters_shown


class PartyHalfOut(Schema):
    half: int
    score: float | None = Field(description="The mean of its quarters' scores (of those with one)")
    list: str = Field(description="red, black or empty, by the score")


class PartyQuarterScoresOut(Schema):
    company: int
    year: int
    quarters: list[PartyQuarterOut] = Field(description="The four quarters")
    halves: list[PartyHalfOut] = Field(description="The two half years, as a red/black list would rank them")


class PartyQuarterQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2999, description="The year (default: this year)")


class PartyCompoundOut(Schema):
    id: int
    name: str
    address: str


class PartyPropertyCompanyIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2147483647, description="A property company in the ledger")
    community: Text = Field(..., max_length=24, description="The community's code")
    party_organisation_id: int | None = Field(None, ge=1, le=2147483647)
    joined_on: Day | None = None


class PartyPropertyCheckIn(Schema):
    month: str = Field(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    passed: list[Literal["party_post", "cleaning", "safety", "facilities", "complaints", "disclosure"]] = Field(
        default_factory=list, max_length=6, description="The checklist items passed; the others failed"
    )
    note: Text = Field("", max_length=200)


class PartyListingRowOut(Schema):
    company: int
    name: str
    score: float | None
    cases: int
    late_cases: int
    list: str = Field(description="red, black or empty")


class PartyPropertyListingOut(Schema):
    id: int
    community: PartyRegionRef
    year: int
    half: int
    rows: list[PartyListingRowOut]
    published_at: datetime


class PartyPropertyListingIn(Schema):
    community: Text = Field(..., max_length=24)
    year: int = Field(..., ge=2000, le=2999)
    half: int = Field(..., ge=1, le=2)
