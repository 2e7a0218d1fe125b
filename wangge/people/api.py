"""The ledger over JSON: persons, households, houses, buildings, compounds, organisations, facilities.

Thin: reads go through ``selectors`` (scoped: out of reach is 404; without ``people.view`` 403),
writes through ``services``; answers are the rows themselves, shaped by the response schemas
(``schemas``). Lists are keyset pages (``wangge.core.pagination``). Personal numbers leave masked;
``POST …/reveal`` returns one full number for a reason and writes an audit record. Searches that carry
names or numbers are POSTed so that they never appear in a URL or an access log.

Payloads name foreign keys ``<name>_id``; the services take them by the field's name (``_fields``).
Creates check no ``people.view`` here: the service refuses without ``people.change`` first. After a write
the row is read again through the selector, so the answer is what the caller may see.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from wangge.core.excel import XLSX
from wangge.core.pagination import Page, keyset_page
from wangge.people import excel, exports, permissions, selectors, services
from wangge.people.importing import DUPLICATE_CHOICES, ImportFailed
from wangge.people.schemas import (
    BuildingCellsOut,
    BuildingIn,
    BuildingListQuery,
    BuildingOut,
    BuildingPatch,
    CompoundIn,
    CompoundListQuery,
    CompoundOut,
    CompoundPatch,
    ExportFiltersIn,
    FacilityIn,
    FacilityListQuery,
    FacilityOut,
    FacilityPatch,
    HouseholdIn,
    HouseholdItemOut,
    HouseholdListQuery,
    HouseholdOut,
    HouseholdPatch,
    HouseIn,
    HouseListQuery,
    HouseOut,
    HousePatch,
    ImportReportOut,
    LabelCountOut,
    LabelIn,
    LabelOut,
    LabelPatch,
    OrganisationIn,
    OrganisationListQuery,
    OrganisationOut,
    OrganisationPatch,
    PersonIn,
    PersonItemOut,
    PersonListQuery,
    PersonOut,
    PersonPatch,
    PersonSearchIn,
    RevealIn,
    RevealOut,
)

router = Router(tags=["people"])

PAGE_PARAMETERS = ("cursor", "size")


def _view(request) -> None:
    permissions.require(request.auth, permissions.VIEW)


def _fields(data: dict, **renamed: str) -> dict:
    """``household_id=…`` in a payload is ``household=…`` for the services."""
    data = dict(data)
    for key, name in renamed.items():
        if key in data:
            data[name] = data.pop(key)
    return data


def _changes(payload, **renamed: str) -> dict:
    return _fields(payload.dict(exclude_unset=True), **renamed)


def _reveal(request, obj, payload: RevealIn) -> RevealOut:
    value = services.reveal(actor=request.auth, obj=obj, field=payload.field, reason=payload.reason)
    return RevealOut(field=payload.field, value=value)


# --- persons ---------------------------------------------------------------------------------------


def _persons_page(request, filters: selectors.PersonFilters, query) -> dict:
    page = keyset_page(selectors.search_persons(request.auth, filters), query, order=("name", "id"), count=True)
    selectors.attach_labels(request.auth, page["items"])
    return page


def _person(request, person_id: int):
    person = selectors.get_person_for(request.auth, person_id)
    selectors.attach_labels(request.auth, [person])
    return person


@router.get("/persons", response=Page[PersonItemOut])
def list_persons(request, query: Query[PersonListQuery]):
    """Persons in your reach. Names and personal numbers are searched with ``POST /persons/search``."""
    _view(request)
    filters = selectors.PersonFilters(**query.dict(exclude=set(PAGE_PARAMETERS)))
    return _persons_page(request, filters, query)


@router.post("/persons/search", response=Page[PersonItemOut])
def search_persons(request, payload: PersonSearchIn):
    """By name (contains), exact ID number or phone (through the keyed hash), address, label, region."""
    _view(request)
    filters = selectors.PersonFilters(**payload.dict(exclude=set(PAGE_PARAMETERS)))
    return _persons_page(request, filters, payload)


@router.post("/persons", response={201: PersonOut})
def create_person(request, payload: PersonIn):
    data = _fields(payload.dict(), household_id="household", house_id="house")
    person = services.create_person(actor=request.auth, data=data)
    return Status(201, _person(request, person.pk))


@router.get("/persons/{person_id}", response=PersonOut)
def person_detail(request, person_id: int):
    _view(request)
    return _person(request, person_id)


@router.patch("/persons/{person_id}", response=PersonOut)
def update_person(request, person_id: int, payload: PersonPatch):
    _view(request)
    person = selectors.get_person_for(request.auth, person_id)
    data = _changes(payload, household_id="household", house_id="house")
    services.update_person(actor=request.auth, person=person, data=data)
    return _person(request, person_id)


@router.post("/persons/{person_id}/reveal", response=RevealOut)
def reveal_person_number(request, person_id: int, payload: RevealIn):
    """One full number (``id_number`` or ``phone``); needs ``people.reveal`` and a reason; audited."""
    _view(request)
    return _reveal(request, selectors.get_person_for(request.auth, person_id), payload)


@router.get("/persons/{person_id}/labels", response=list[LabelOut])
def person_labels(request, person_id: int):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    person = selectors.get_person_for(request.auth, person_id)
    return selectors.labels_for(request.auth).filter(person=person)


@router.post("/persons/{person_id}/labels", response={201: LabelOut})
def add_person_label(request, person_id: int, payload: LabelIn):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    person = selectors.get_person_for(request.auth, person_id)
    label = services.add_label(actor=request.auth, person=person, **payload.dict())
    return Status(201, label)


@router.patch("/labels/{label_id}", response=LabelOut)
def update_label(request, label_id: int, payload: LabelPatch):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    label = selectors.get_label_for(request.auth, label_id)
    return services.update_label(actor=request.auth, label=label, **payload.dict(exclude_unset=True))


@router.delete("/labels/{label_id}", response={204: None})
def remove_label(request, label_id: int):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    label = selectors.get_label_for(request.auth, label_id)
    services.remove_label(actor=request.auth, label=label)
    return Status(204, None)


@router.get("/label-counts", response=list[LabelCountOut])
def label_counts(request, region: str = Query("", max_length=24)):
    """How many persons carry each label under ``region`` (or your whole reach)."""
    counts = selectors.label_counts(request.auth, region)
    return [LabelCountOut(kind=kind, label=label, count=count) for kind, label, count in counts]


# --- households ------------------------------------------------------------------------------------


@router.get("/households", response=Page[HouseholdItemOut])
def list_households(request, query: Query[HouseholdListQuery]):
    _view(request)
    queryset = selectors.under_region(selectors.households_for(request.auth), request.auth, query.region)
    if query.house:
        queryset = queryset.filter(house_id=query.house)
    if query.building:
        queryset = queryset.filter(house__building_id=query.building)
    return keyset_page(queryset.select_related("house", "head", "region"), query, order=("id",), count=True)


@router.post("/households", response={201: HouseholdOut})
def create_household(request, payload: HouseholdIn):
    household = services.create_household(actor=request.auth, data=_fields(payload.dict(), house_id="house"))
    return Status(201, selectors.get_household_for(request.auth, household.pk))


@router.get("/households/{household_id}", response=HouseholdOut)
def household_detail(request, household_id: int):
    _view(request)
    return selectors.get_household_for(request.auth, household_id)


@router.patch("/households/{household_id}", response=HouseholdOut)
def update_household(request, household_id: int, payload: HouseholdPatch):
    _view(request)
    household = selectors.get_household_for(request.auth, household_id)
    services.update_household(actor=request.auth, household=household, data=_changes(payload, house_id="house"))
    return selectors.get_household_for(request.auth, household_id)


# --- houses ------------------------------------------------------------------------------------------


@router.get("/houses", response=Page[HouseOut])
def list_houses(request, query: Query[HouseListQuery]):
    _view(request)
    queryset = selectors.under_region(selectors.houses_for(request.auth), request.auth, query.region)
    if query.building:
        queryset = queryset.filter(building_id=query.building)
    if query.use:
        queryset = queryset.filter(use=query.use)
    order = ("building_id", "unit", "floor", "position", "id")
    return keyset_page(queryset.select_related("region"), query, order=order, count=True)


@router.post("/houses", response={201: HouseOut})
def create_house(request, payload: HouseIn):
    house = services.create_house(actor=request.auth, data=_fields(payload.dict(), building_id="building"))
    return Status(201, selectors.get_house_for(request.auth, house.pk))


@router.get("/houses/{house_id}", response=HouseOut)
def house_detail(request, house_id: int):
    _view(request)
    return selectors.get_house_for(request.auth, house_id)


@router.patch("/houses/{house_id}", response=HouseOut)
def update_house(request, house_id: int, payload: HousePatch):
    _view(request)
    house = selectors.get_house_for(request.auth, house_id)
    services.update_house(actor=request.auth, house=house, data=_changes(payload))
    return selectors.get_house_for(request.auth, house_id)


@router.post("/houses/{house_id}/reveal", response=RevealOut)
def reveal_house_number(request, house_id: int, payload: RevealIn):
    _view(request)
    return _reveal(request, selectors.get_house_for(request.auth, house_id), payload)


# --- buildings and compounds ------------------------------------------------------------------------


@router.get("/buildings", response=Page[BuildingOut])
def list_buildings(request, query: Query[BuildingListQuery]):
    _view(request)
    queryset = selectors.under_region(selectors.buildings_for(request.auth), request.auth, query.region)
    if query.compound:
        queryset = queryset.filter(compound_id=query.compound)
    return keyset_page(queryset.select_related("compound", "region"), query, order=("name", "id"), count=True)


@router.post("/buildings", response={201: BuildingOut})
def create_building(request, payload: BuildingIn):
    data = _fields(payload.dict(exclude={"with_houses"}), compound_id="compound")
    building = services.create_building(actor=request.auth, data=data, with_houses=payload.with_houses)
    return Status(201, selectors.get_building_for(request.auth, building.pk))


@router.get("/buildings/{building_id}", response=BuildingOut)
def building_detail(request, building_id: int):
    _view(request)
    return selectors.get_building_for(request.auth, building_id)


@router.patch("/buildings/{building_id}", response=BuildingOut)
def update_building(request, building_id: int, payload: BuildingPatch):
    _view(request)
    building = selectors.get_building_for(request.auth, building_id)
    services.update_building(actor=request.auth, building=building, data=_changes(payload))
    return selectors.get_building_for(request.auth, building_id)


@router.get("/buildings/{building_id}/cells", response=BuildingCellsOut)
def building_cells(request, building_id: int):
    """The building view (作战图) as data: one cell per unit × floor × position."""
    _view(request)
    building = selectors.get_building_for(request.auth, building_id)
    return selectors.building_grid(request.auth, building)


@router.get("/compounds", response=Page[CompoundOut])
def list_compounds(request, query: Query[CompoundListQuery]):
    _view(request)
    queryset = selectors.under_region(selectors.compounds_for(request.auth), request.auth, query.region)
    return keyset_page(queryset.select_related("region"), query, order=("name", "id"), count=True)


@router.post("/compounds", response={201: CompoundOut})
def create_compound(request, payload: CompoundIn):
    data = _fields(payload.dict(), property_company_id="property_company")
    compound = services.create_compound(actor=request.auth, data=data)
    return Status(201, selectors.get_compound_for(request.auth, compound.pk))


@router.get("/compounds/{compound_id}", response=CompoundOut)
def compound_detail(request, compound_id: int):
    _view(request)
    return selectors.get_compound_for(request.auth, compound_id)


@router.patch("/compounds/{compound_id}", response=CompoundOut)
def update_compound(request, compound_id: int, payload: CompoundPatch):
    _view(request)
    compound = selectors.get_compound_for(request.auth, compound_id)
    data = _changes(payload, property_company_id="property_company")
    services.update_compound(actor=request.auth, compound=compound, data=data)
    return selectors.get_compound_for(request.auth, compound_id)


# --- organisations ---------------------------------------------------------------------------------


@router.get("/organisations", response=Page[OrganisationOut])
def list_organisations(request, query: Query[OrganisationListQuery]):
    _view(request)
    queryset = selectors.organisations_filtered(request.auth, region=query.region, kind=query.kind, q=query.q)
    return keyset_page(queryset, query, order=("name", "id"), count=True)


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request, payload: OrganisationIn):
    data = _fields(payload.dict(), building_id="building")
    organisation = services.create_organisation(actor=request.auth, data=data)
    return Status(201, selectors.get_organisation_for(request.auth, organisation.pk))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_detail(request, organisation_id: int):
    _view(request)
    return selectors.get_organisation_for(request.auth, organisation_id)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def update_organisation(request, organisation_id: int, payload: OrganisationPatch):
    _view(request)
    organisation = selectors.get_organisation_for(request.auth, organisation_id)
    services.update_organisation(actor=request.auth, organisation=organisation, data=_changes(payload))
    return selectors.get_organisation_for(request.auth, organisation_id)


@router.post("/organisations/{organisation_id}/reveal", response=RevealOut)
def reveal_organisation_number(request, organisation_id: int, payload: RevealIn):
    _view(request)
    return _reveal(request, selectors.get_organisation_for(request.auth, organisation_id), payload)


# --- facilities ------------------------------------------------------------------------------------


@router.get("/facilities", response=Page[FacilityOut])
def list_facilities(request, query: Query[FacilityListQuery]):
    _view(request)
    queryset = selectors.facilities_filtered(
        request.auth, region=query.region, kind=query.kind, status=query.status, code=query.code
    )
    return keyset_page(queryset, query, order=("code", "id"), count=True)


@router.post("/facilities", response={201: FacilityOut})
def create_facility(request, payload: FacilityIn):
    facility = services.create_facility(actor=request.auth, data=payload.dict())
    return Status(201, selectors.get_facility_for(request.auth, facility.pk))


@router.get("/facilities/{facility_id}", response=FacilityOut)
def facility_detail(request, facility_id: int):
    _view(request)
    return selectors.get_facility_for(request.auth, facility_id)


@router.patch("/facilities/{facility_id}", response=FacilityOut)
def update_facility(request, facility_id: int, payload: FacilityPatch):
    _view(request)
    facility = selectors.get_facility_for(request.auth, facility_id)
    services.update_facility(actor=request.auth, facility=facility, data=_changes(payload))
    return selectors.get_facility_for(request.auth, facility_id)


# --- Excel ledgers -----------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in excel.KINDS:
        raise Http404("kind")
    return kind


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("/ledgers/{kind}/template")
def ledger_template(request, kind: str):
    """An empty ledger to fill in: ``persons``, ``houses``, ``organisations`` or ``facilities``."""
    permissions.require(request.auth, permissions.CHANGE)
    return _xlsx(excel.template(_kind(kind)), f"{kind}-template.xlsx")


@router.post("/ledgers/{kind}/import", response={200: ImportReportOut, 400: ImportReportOut})
def import_ledger(
    request,
    kind: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    on_duplicate: Form[str] = "update",
):
    """Check (``dry_run``, the default) or import an .xlsx ledger: every bad cell is reported by row and
    column; a real run writes all rows or none (400 with the report)."""
    permissions.require(request.auth, permissions.CHANGE)
    kind = _kind(kind)
    if on_duplicate not in DUPLICATE_CHOICES:
        raise ValidationError({"on_duplicate": _("Choose update or report.")})
    sheet = excel.read_ledger(kind, file.read())
    try:
        report = services.import_ledger(
            actor=request.auth, kind=kind, sheet=sheet, dry_run=dry_run, on_duplicate=on_duplicate
        )
    except ImportFailed as failed:
        return Status(400, failed.report)
    return Status(200 if report.ok else 400, report)


@router.post("/ledgers/persons/export")
def export_persons(request, payload: PersonSearchIn):
    """The filtered persons as .xlsx, masked and watermarked; audited."""
    filters = selectors.PersonFilters(**payload.dict(exclude=set(PAGE_PARAMETERS)))
    exported = exports.export_list(request.auth, "persons", filters)
    return _xlsx(exported.content, exported.filename)


@router.post("/ledgers/{kind}/export")
def export_ledger(request, kind: str, payload: ExportFiltersIn):
    """Houses, organisations or facilities as .xlsx, masked and watermarked; audited."""
    kind = _kind(kind)
    filters = {k: v for k, v in payload.dict().items() if v not in ("", None)}
    exported = exports.export_list(request.auth, kind, filters)
    return _xlsx(exported.content, exported.filename)
