"""Party work over JSON under ``/api/v1/party/``: organisations (the tree), members, central households and
coverage. Thin: reads through ``selectors`` (scoped; 404 out of reach, 403 without ``people.view``),
writes through ``services`` (400 naming the field); lists are keyset pages (``wangge.core.pagination``)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from wangge.core.api_errors import ApiErrorOut
from wangge.core.excel import XLSX
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.core.uploads import check_size
from wangge.party import exports, importing, selectors, services
from wangge.party.models import OrganisationKind
from wangge.party.schemas import (
    PartyCaseCountsOut,
    PartyCentralIn,
    PartyCentralListQuery,
    PartyCentralOut,
    PartyCentralPatch,
    PartyClaimIn,
    PartyCommitteeIn,
    PartyCompleteIn,
    PartyCompoundOut,
    PartyCoverageOut,
    PartyCoverageQuery,
    PartyHouseholdRef,
    PartyItemIn,
    PartyItemListQuery,
    PartyItemOut,
    PartyLeaveIn,
    PartyMemberExportIn,
    PartyMemberImportOut,
    PartyMemberIn,
    PartyMemberItemOut,
    PartyMemberListQuery,
    PartyMemberOut,
    PartyMemberPatch,
    PartyMoveIn,
    PartyOrganisationIn,
    PartyOrganisationItemOut,
    PartyOrganisationListQuery,
    PartyOrganisationOut,
    PartyOrganisationPatch,
    PartyOwnOut,
    PartyPropertyCheckIn,
    PartyPropertyCheckOut,
    PartyPropertyCompanyDetailOut,
    PartyPropertyCompanyIn,
    PartyPropertyCompanyOut,
    PartyPropertyListingIn,
    PartyPropertyListingOut,
    PartyQuarterQuery,
    PartyQuarterScoresOut,
    PartyRegistrationIn,
    PartyRegistrationListQuery,
    PartyRegistrationOut,
    PartyUncoveredQuery,
    PartyUnitStaffIn,
    PartyUnitStaffOut,
)
from wangge.people import conf as people_conf
from wangge.people import permissions

router = Router(tags=["party"])


def _view(request) -> None:
    permissions.require(request.auth, permissions.VIEW)


def _organisation(request, pk: int):
    return (
        selectors.organisations_for(request.auth)
        .select_related("community", "secretary__person", "parent")
        .prefetch_related(selectors.SERVED_REGIONS)
        .filter(pk=selectors.get_organisation_for(request.auth, pk).pk)
        .get()
    )


# --- organisations -----------------------------------------------------------------------------------


@router.get("/organisations", response=Page[PartyOrganisationItemOut])
def list_organisations(request, query: Query[PartyOrganisationListQuery]):
    """The tops of your reach, or the children of ``parent``."""
    _view(request)
    rows = selectors.organisations_filtered(
        request.auth,
        parent=query.parent,
        roots=query.parent is None and not query.q and not query.kind,
        kind=query.kind,
        q=query.q,
    )
    rows = rows.select_related("community").prefetch_related(selectors.SERVED_REGIONS)
    rows = rows.annotate(children_count=Count("children", distinct=True), members_count=Count("members", distinct=True))
    return keyset_page(rows, query, order=("name", "id"), count=True)


@router.post("/organisations", response={201: PartyOrganisationOut})
def create_organisation(request, payload: PartyOrganisationIn):
    organisation = services.create_organisation(
        actor=request.auth,
        kind=payload.kind,
        name=payload.name,
        regions=payload.regions,
        parent=payload.parent_id,
        community=payload.community,
        ledger_organisation=payload.ledger_organisation_id,
        note=payload.note,
    )
    return Status(201, _organisation(request, organisation.pk))


@router.get("/organisations/{organisation_id}", response=PartyOrganisationOut)
def get_organisation(request, organisation_id: int):
    _view(request)
    return _organisation(request, organisation_id)


@router.get("/organisations/{organisation_id}/cases", response=PartyCaseCountsOut)
def organisation_cases(request, organisation_id: int):
    """Cases in the organisation's area and by its members: open, overdue, closed, closed on time."""
    _view(request)
    return selectors.case_counts(request.auth, selectors.get_organisation_for(request.auth, organisation_id))


@router.patch("/organisations/{organisation_id}", response=PartyOrganisationOut)
def update_organisation(request, organisation_id: int, payload: PartyOrganisationPatch):
    _view(request)
    organisation = selectors.get_organisation_for(request.auth, organisation_id)
    changes = payload.dict(exclude_unset=True)
    renamed = {"ledger_organisation_id": "ledger_organisation", "secretary_id": "secretary"}
    services.update_organisation(
        actor=request.auth, organisation=organisation, **{renamed.get(k, k): v for k, v in changes.items()}
    )
    return _organisation(request, organisation_id)


@router.post("/organisations/{organisation_id}/move", response=PartyOrganisationOut)
def move_organisation(request, organisation_id: int, payload: PartyMoveIn):
    """Put the organisation under ``parent_id``: refused (400 on ``parent``) when that would make a cycle or
    the organisation serves regions outside the new parent's area."""
    _view(request)
    organisation = selectors.get_organisation_for(request.auth, organisation_id)
    services.move_organisation(actor=request.auth, organisation=organisation, parent=payload.parent_id)
    return _organisation(request, organisation_id)


@router.put("/organisations/{organisation_id}/committee", response=PartyOrganisationOut)
def set_committee(request, organisation_id: int, payload: PartyCommitteeIn):
    """Replace the committee: members (in your reach) with their duties."""
    _view(request)
    organisation = selectors.get_organisation_for(request.auth, organisation_id)
    services.set_committee(
        actor=request.auth, organisation=organisation, members=[(row.member_id, row.duty) for row in payload.members]
    )
    return _organisation(request, organisation_id)


def _unit(request, pk: int):
    """A co-building unit whose staff the caller may name: the staff page's rule (``people.change``, the unit
    in reach; another kind of organisation is absent here, 404)."""
    _view(request)
    permissions.require(request.auth, permissions.CHANGE)
    unit = selectors.get_organisation_for(request.auth, pk)
    if unit.kind != OrganisationKind.COBUILDING:
        raise Http404(_("No party organisation with this id in your reach."))
    return unit


def _staff_page(unit, query: PageQuery):
    return keyset_page(unit.staff.select_related("user"), query, order=("user__username", "id"), count=True)


@router.get("/organisations/{organisation_id}/staff", response=Page[PartyUnitStaffOut])
def list_unit_staff(request, organisation_id: int, query: Query[PageQuery]):
    """The accounts acting for a co-building unit (its own staff), by user name."""
    return _staff_page(_unit(request, organisation_id), query)


@router.put("/organisations/{organisation_id}/staff", response=Page[PartyUnitStaffOut])
def set_unit_staff(request, organisation_id: int, payload: PartyUnitStaffIn):
    """Replace the accounts acting for the unit (an unknown or inactive user name is a 400 on ``staff``);
    answers the first page of them, as ``GET``."""
    unit = _unit(request, organisation_id)
    services.set_unit_staff(actor=request.auth, unit=unit, usernames=payload.usernames)
    return _staff_page(unit, PageQuery())


# --- members -------------------------------------------------------------------------------------------


def _member(request, pk: int):
    return selectors.get_member_for(request.auth, pk)


@router.get("/members", response=Page[PartyMemberItemOut])
def list_members(request, query: Query[PartyMemberListQuery]):
    """Members living in your data reach (persons' reach), by name; for a co-building unit's staff without
    ledger rights, the unit's current members (without where they live)."""
    rows = selectors.members_listed(
        request.auth,
        organisation=query.organisation,
        region=query.region,
        kind=query.kind or "",
        in_service=query.in_service,
        registered=query.registered,
        left=query.left,
    ).select_related("person__region", "central_household", "registration")
    return keyset_page(rows, query, order=("person__name", "id"), count=True)


@router.post("/members", response={201: PartyMemberOut})
def create_member(request, payload: PartyMemberIn):
    member = services.create_member(
        actor=request.auth,
        person=payload.person_id,
        organisation=payload.organisation_id,
        status=payload.status,
        joined_on=payload.joined_on,
        in_service=payload.in_service,
        employer=payload.employer,
        grid=payload.grid,
    )
    return Status(201, _member(request, member.pk))


@router.post("/members/export")
def export_members(request, payload: PartyMemberExportIn):
    """The filtered members as .xlsx, watermarked; needs ``people.export``; audited."""
    exported = exports.export_members(
        request.auth,
        organisation=payload.organisation,
        region=payload.region,
        kind=payload.kind or "",
        in_service=payload.in_service,
        registered=payload.registered,
        left=payload.left,
    )
    response = HttpResponse(exported.content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/members/import", response={200: PartyMemberImportOut, 400: PartyMemberImportOut, 403: ApiErrorOut})
def import_members(request, file: File[UploadedFile] = None, dry_run: Form[bool] = True):
    """Check (``dry_run``, the default) or import an .xlsx of members (the page's template and importer):
    every row's result with its problems by cell. A real run adds every row or, when any row or the file has
    a problem, none (400 with the report). A person already a member is a problem of their row, so importing
    a file again adds nobody twice."""
    _view(request)
    permissions.require(request.auth, permissions.CHANGE)
    if file is None:  # checked here, after the rights: ninja would name the field "file.file"
        raise NinjaValidationError([{"type": "missing", "loc": ("form", "file")}])
    try:
        check_size(file, max_bytes=people_conf.import_max_bytes(), field="file")
    except ValidationError as too_big:  # answered as the report, like every other refusal of the file
        return Status(400, importing.refused(too_big.message_dict["file"][0], dry_run=dry_run))
    report = importing.run(actor=request.auth, sheet=importing.read(file.read()), dry_run=dry_run)
    return Status(200 if report.ok else 400, report)


@router.get("/members/{member_id}", response=PartyMemberOut)
def get_member(request, member_id: int):
    _view(request)
    return _member(request, member_id)


@router.patch("/members/{member_id}", response=PartyMemberOut)
def update_member(request, member_id: int, payload: PartyMemberPatch):
    _view(request)
    member = _member(request, member_id)
    changes = payload.dict(exclude_unset=True)
    if "organisation_id" in changes:
        changes["organisation"] = changes.pop("organisation_id")
    services.update_member(actor=request.auth, member=member, **changes)
    return _member(request, member_id)


@router.post("/members/{member_id}/leave", response=PartyMemberOut)
def member_leaves(request, member_id: int, payload: PartyLeaveIn):
    """The member was transferred out (转出) or left (离开) on ``left_on``: kept, never deleted; no longer a
    central household, secretary or committee member. Twice answers 409."""
    _view(request)
    member = _member(request, member_id)
    services.member_leaves(
        actor=request.auth, member=member, left_on=payload.left_on, leave_kind=payload.leave_kind, note=payload.note
    )
    return _member(request, member_id)


# --- central households and coverage -------------------------------------------------------------------


@router.get("/central-households", response=Page[PartyCentralOut])
def list_central_households(request, query: Query[PartyCentralListQuery]):
    _view(request)
    rows = selectors.centrals_for(request.auth).select_related("member__grid")
    if query.region:
        rows = rows.filter(
            member__person__region_path__startswith=selectors.region_for(request.auth, query.region).path
        )
    return keyset_page(rows, query, order=("id",), count=True)


@router.post("/central-households", response={201: PartyCentralOut})
def create_central_household(request, payload: PartyCentralIn):
    """Make a member a 党员中心户 linked to households (at most ``PARTY_CENTRAL_HOUSEHOLD_MAX``; a household
    another central household covers is refused unless ``PARTY_SHARED_COVERAGE``)."""
    _view(request)
    member = _member(request, payload.member_id)
    central = services.set_central_household(actor=request.auth, member=member, households=payload.household_ids)
    return Status(201, selectors.get_central_for(request.auth, central.pk))


@router.get("/central-households/{central_id}", response=PartyCentralOut)
def get_central_household(request, central_id: int):
    _view(request)
    return selectors.get_central_for(request.auth, central_id)


@router.put("/central-households/{central_id}", response=PartyCentralOut)
def set_central_households(request, central_id: int, payload: PartyCentralPatch):
    """Replace the households linked to the central household."""
    _view(request)
    central = selectors.get_central_for(request.auth, central_id)
    services.set_central_household(actor=request.auth, member=central.member, households=payload.household_ids)
    return selectors.get_central_for(request.auth, central_id)


@router.delete("/central-households/{central_id}", response={204: None})
def delete_central_household(request, central_id: int):
    _view(request)
    services.remove_central_household(actor=request.auth, central=selectors.get_central_for(request.auth, central_id))
    return Status(204, None)


@router.get("/coverage", response=PartyCoverageOut)
def coverage(request, query: Query[PartyCoverageQuery]):
    """Households of the region covered by a 党员中心户: in total, per grid, and the buildings (GeoJSON)."""
    _view(request)
    total, grids = selectors.coverage(request.auth, query.region)
    total.grids = grids
    total.buildings = selectors.uncovered_buildings_geojson(request.auth, query.region)
    return total


@router.get("/coverage/uncovered", response=Page[PartyHouseholdRef])
def uncovered(request, query: Query[PartyUncoveredQuery]):
    """The households of the region no central household covers."""
    _view(request)
    return keyset_page(selectors.uncovered_households(request.auth, query.region), query, order=("id",), count=True)


# --- 双百 lists ------------------------------------------------------------------------------------------


def _item(request, pk: int):
    item = selectors.get_item_for(request.auth, pk)
    return selectors.with_claims(request.auth, selectors.items_for(request.auth)).get(pk=item.pk)


@router.get("/items", response=Page[PartyItemOut])
def list_items(request, query: Query[PartyItemListQuery]):
    """The 双百 lists (needs and resources) of the communities in your reach, or of where you live or
    registered as a member, newest first."""
    rows = selectors.items_filtered(
        request.auth,
        community=query.community,
        kind=query.kind or "",
        status=query.status or "",
        mine=query.mine,
    )
    rows = selectors.with_claims(request.auth, rows)
    return keyset_page(rows, query, order=("-created_at", "-id"), count=True)


@router.post("/items", response={201: PartyItemOut})
def publish_item(request, payload: PartyItemIn):
    """Put a need or resource on a community's lists (ledger staff of the community)."""
    item = services.publish_item(
        actor=request.auth,
        community=payload.community,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        offered_by=payload.offered_by_id,
        due_on=payload.due_on,
    )
    return Status(201, _item(request, item.pk))


@router.get("/items/{item_id}", response=PartyItemOut)
def get_item(request, item_id: int):
    return _item(request, item_id)


@router.post("/items/{item_id}/claim", response={201: PartyItemOut})
def claim_item(request, item_id: int, payload: PartyClaimIn):
    """Take the item on: yourself (your own member account), a member (staff) or a co-building unit. An item
    already claimed answers 409; of two claims at once exactly one wins."""
    item = selectors.get_item_for(request.auth, item_id)
    services.claim_item(actor=request.auth, item=item, member=payload.member_id, unit=payload.unit_id)
    return Status(201, _item(request, item_id))


@router.post("/items/{item_id}/complete", response=PartyItemOut)
def complete_item(request, item_id: int, form: Form[PartyCompleteIn], photo: File[UploadedFile] = None):
    """Mark the claim done: a note, the service hours and a photo (JPEG, PNG or WebP)."""
    item = selectors.get_item_for(request.auth, item_id)
    claim = selectors.claim_of(item)
    if claim is None:
        raise ValidationError({"claim": _("Nobody has claimed this item.")})
    if photo is None:  # checked here: ninja would name the field "photo.file"
        raise NinjaValidationError([{"type": "missing", "loc": ("form", "photo")}])
    services.complete_claim(actor=request.auth, claim=claim, note=form.note, hours=form.hours, photo=photo)
    return _item(request, item_id)


# --- 双报到 ---------------------------------------------------------------------------------------------


@router.get("/me", response=PartyOwnOut)
def own_standing(request):
    """Your own party standing: your member (linked by phone once you register), your 双报到 and the
    co-building units you act for as secretary."""
    member = selectors.own_member(request.auth)
    registration = getattr(member, "registration", None) if member is not None else None
    return {
        "member": member,
        "in_service": bool(member and member.in_service),
        "registration": registration,
        "units": list(selectors.own_units(request.auth).order_by("name")),
    }


@router.get("/registrations", response=Page[PartyRegistrationOut])
def list_registrations(request, query: Query[PartyRegistrationListQuery]):
    """双报到 with the communities in your reach: members and units, registered or confirmed."""
    _view(request)
    rows = selectors.registrations_for(request.auth)
    if query.community:
        rows = rows.filter(community_path__startswith=selectors.region_for(request.auth, query.community).path)
    if query.status:
        rows = rows.filter(status=query.status)
    return keyset_page(rows, query, order=("-registered_at", "-id"), count=True)


@router.post("/registrations", response={201: PartyRegistrationOut})
def register(request, payload: PartyRegistrationIn):
    """Register (双报到): yourself as an in-service member with the community where you live (nothing named;
    your account is linked to your member by the phone number in the ledger), a member (staff), or a
    co-building unit with the community it co-builds with. Registering twice answers 409."""
    if payload.unit_id is not None:
        registration = services.register_unit(actor=request.auth, unit=payload.unit_id)
    else:
        registration = services.register_member(actor=request.auth, member=payload.member_id)
    return Status(201, registration)


@router.post("/registrations/{registration_id}/confirm", response=PartyRegistrationOut)
def confirm_registration(request, registration_id: int):
    """The community confirms a registration (409 when already confirmed)."""
    _view(request)
    registration = selectors.get_registration_for(request.auth, registration_id)
    return services.confirm_registration(actor=request.auth, registration=registration)


# --- 红色物业 --------------------------------------------------------------------------------------------


def _company_detail(request, pk: int):
    company = selectors.get_company_for(request.auth, pk)
    company.checks_shown = list(company.checks.order_by("-month")[:12])
    year = timezone.localdate().year
    company.quarters_shown = [selectors.quarter_score(company, year, q) for q in (1, 2, 3, 4)]
    return company


@router.get("/property-companies", response=Page[PartyPropertyCompanyOut])
def list_companies(request, query: Query[PageQuery]):
    """Red property companies (红色物业) of the communities in your data reach."""
    _view(request)
    return keyset_page(selectors.companies_for(request.auth), query, order=("id",), count=True)


@router.post("/property-companies", response={201: PartyPropertyCompanyDetailOut})
def register_company(request, payload: PartyPropertyCompanyIn):
    company = services.register_company(
        actor=request.auth,
        organisation=payload.organisation_id,
        community=payload.community,
        party_organisation=payload.party_organisation_id,
        joined_on=payload.joined_on,
    )
    return Status(201, _company_detail(request, company.pk))


@router.get("/property-companies/{company_id}", response=PartyPropertyCompanyDetailOut)
def get_company(request, company_id: int):
    """With its last twelve monthly checks and this year's quarter scores."""
    _view(request)
    return _company_detail(request, company_id)


@router.post("/property-companies/{company_id}/checks", response={201: PartyPropertyCheckOut})
def record_check(request, company_id: int, payload: PartyPropertyCheckIn):
    """The month's check against the checklist; a second check of the same month is 409."""
    _view(request)
    company = selectors.get_company_for(request.auth, company_id)
    year, month = (int(p) for p in payload.month.split("-"))
    check = services.record_check(
        actor=request.auth, company=company, month=date(year, month, 1), passed=payload.passed, note=payload.note
    )
    return Status(201, check)


@router.get("/property-companies/{company_id}/checks", response=Page[PartyPropertyCheckOut])
def list_checks(request, company_id: int, query: Query[PageQuery]):
    """Every monthly check of the company, the newest month first."""
    _view(request)
    company = selectors.get_company_for(request.auth, company_id)
    return keyset_page(company.checks.all(), query, order=("-month", "-id"), count=True)


@router.get("/property-companies/{company_id}/quarters", response=PartyQuarterScoresOut)
def company_quarters(request, company_id: int, query: Query[PartyQuarterQuery]):
    """The company's four quarter scores of ``year`` (checks, cases about its compounds and the late ones) and
    the two half years' scores with the list (red, black) they would put it on."""
    _view(request)
    company = selectors.get_company_for(request.auth, company_id)
    year = query.year or timezone.localdate().year
    quarters = [selectors.quarter_score(company, year, q) for q in (1, 2, 3, 4)]
    halves = []
    for half, pair in ((1, quarters[:2]), (2, quarters[2:])):
        score = selectors.mean_score(pair)
        halves.append({"half": half, "score": score, "list": selectors.list_of(score)})
    return {"company": company.pk, "year": year, "quarters": quarters, "halves": halves}


@router.get("/property-companies/{company_id}/compounds", response=Page[PartyCompoundOut])
def company_compounds(request, company_id: int, query: Query[PageQuery]):
    """The compounds in your reach that the company manages, by name."""
    _view(request)
    company = selectors.get_company_for(request.auth, company_id)
    return keyset_page(selectors.company_compound_rows(request.auth, company), query, order=("name", "id"))


@router.get("/property-lists", response=Page[PartyPropertyListingOut])
def list_listings(request, query: Query[PageQuery]):
    """Published half-year red/black lists of the communities around you (residents too)."""
    return keyset_page(selectors.listings_for(request.auth), query, order=("-id",), count=True)


@router.post("/property-lists", response={201: PartyPropertyListingOut})
def publish_listing(request, payload: PartyPropertyListingIn):
    """Freeze and publish a community's half-year list (ledger staff of the community); twice is 409."""
    listing = services.publish_listing(
        actor=request.auth, community=payload.community, year=payload.year, half=payload.half
    )
    return Status(201, listing)


@router.get("/property-lists/{listing_id}", response=PartyPropertyListingOut)
def get_listing(request, listing_id: int):
    """A published half-year list: the community's staff and residents alike."""
    return selectors.get_listing_for(request.auth, listing_id)
