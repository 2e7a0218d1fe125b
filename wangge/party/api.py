"""Party work over JSON under ``/api/v1/party/``: organisations (the tree), members, central households and
coverage. Thin: reads through ``selectors`` (scoped; 404 out of reach, 403 without ``people.view``),
writes through ``services`` (400 naming the field); lists are keyset pages (``wangge.core.pagination``)."""

from django.db.models import Count
from django.http import HttpResponse
from ninja import Query, Router, Status

from wangge.core.excel import XLSX
from wangge.core.pagination import Page, keyset_page
from wangge.party import exports, selectors, services
from wangge.party.schemas import (
    PartyCentralIn,
    PartyCentralListQuery,
    PartyCentralOut,
    PartyCentralPatch,
    PartyCommitteeIn,
    PartyCoverageOut,
    PartyCoverageQuery,
    PartyHouseholdRef,
    PartyMemberExportIn,
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
    PartyUncoveredQuery,
)
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


# --- members -------------------------------------------------------------------------------------------


def _member(request, pk: int):
    return selectors.get_member_for(request.auth, pk)


@router.get("/members", response=Page[PartyMemberItemOut])
def list_members(request, query: Query[PartyMemberListQuery]):
    """Members living in your data reach (persons' reach), by name."""
    _view(request)
    rows = selectors.members_filtered(
        request.auth,
        organisation=query.organisation,
        region=query.region,
        kind=query.kind or "",
        in_service=query.in_service,
    ).select_related("person__region", "central_household")
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
    )
    response = HttpResponse(exported.content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["Cache-Control"] = "no-store"
    return response


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
