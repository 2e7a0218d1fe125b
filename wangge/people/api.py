"""The ledger over JSON: persons, households, houses, buildings, compounds, organisations, facilities.

Thin: reads go through ``selectors`` (scoped: out of reach is 404; without ``people.view`` 403),
writes through ``services``. Personal numbers leave masked; ``POST …/reveal`` returns one full
number for a reason and writes an audit record. Searches that carry names or numbers are POSTed so
that they never appear in a URL or an access log.

Each model's plain create, detail and update routes are registered by ``_add_ledger_routes`` from its
``_Ledger``, under the names a hand-written view would carry (``create_house``, ``house_detail``,
``update_house``): those names are the OpenAPI operation ids. Routes with more to them are written out.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from wangge.people import excel, exports, permissions, selectors, services
from wangge.people.importing import DUPLICATE_CHOICES, ImportFailed
from wangge.people.models import Building, Facility, House, Household, Organisation, Person, PersonLabel
from wangge.people.schemas import (
    BuildingCellsOut,
    BuildingIn,
    BuildingListQuery,
    BuildingOut,
    BuildingPageOut,
    BuildingPatch,
    CompoundIn,
    CompoundOut,
    CompoundPageOut,
    CompoundPatch,
    ExportFiltersIn,
    FacilityIn,
    FacilityListQuery,
    FacilityOut,
    FacilityPageOut,
    FacilityPatch,
    HouseholdIn,
    HouseholdListQuery,
    HouseholdOut,
    HouseholdPageOut,
    HouseholdPatch,
    HouseIn,
    HouseListQuery,
    HouseOut,
    HousePageOut,
    HousePatch,
    ImportReportOut,
    LabelCountOut,
    LabelIn,
    LabelOut,
    LabelPatch,
    OrganisationIn,
    OrganisationListQuery,
    OrganisationOut,
    OrganisationPageOut,
    OrganisationPatch,
    PageQuery,
    PersonIn,
    PersonListQuery,
    PersonOut,
    PersonPageOut,
    PersonPatch,
    PersonSearchIn,
    RevealIn,
    RevealOut,
)

router = Router(tags=["people"])


def _view(request) -> None:
    permissions.require(request.auth, permissions.VIEW)


def _page(queryset, page: int, page_size: int) -> tuple[int, list]:
    count = queryset.count()
    start = (page - 1) * page_size
    return count, list(queryset[start : start + page_size])


def _region(obj) -> dict:
    return {"code": obj.region.code, "name": obj.region.name}


def _age(birth) -> int:
    today = timezone.localdate()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _label_out(label: PersonLabel) -> dict:
    return {
        "id": label.pk,
        "kind": label.kind,
        "kind_label": str(label.get_kind_display()),
        "details": label.details,
        "since": label.since,
        "note": label.note,
    }


def _person_item(person: Person, labels_visible: bool) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "age": _age(person.birth_date),
        "id_type": person.id_type,
        "id_number_masked": person.id_number_masked,
        "phone_masked": person.phone_masked,
        "population_type": person.population_type,
        "population_type_label": str(person.get_population_type_display()),
        "relation": person.relation,
        "household_id": person.household_id,
        "house_id": person.house_id,
        "address": person.house.address if person.house_id else "",
        "status": person.status,
        "region": _region(person),
        "labels": [_label_out(label) for label in person.shown_labels] if labels_visible else None,
    }


def _person_out(user, person: Person) -> dict:
    selectors.attach_labels(user, [person])
    data = _person_item(person, permissions.can(user, permissions.LABELS))
    data.update(
        {
            name: getattr(person, name)
            for name in (
                "ethnicity",
                "registered_address",
                "political_status",
                "marital_status",
                "education",
                "employer",
                "note",
                "created_at",
                "updated_at",
            )
        }
    )
    return data


def _persons_page(user, queryset, page: int, page_size: int) -> dict:
    count, persons = _page(queryset, page, page_size)
    selectors.attach_labels(user, persons)
    visible = permissions.can(user, permissions.LABELS)
    return {"count": count, "page": page, "page_size": page_size, "items": [_person_item(p, visible) for p in persons]}


def _page_out(queryset, query, item) -> dict:
    """One page of a list route: ``item`` turns each row into its list entry."""
    count, rows = _page(queryset, query.page, query.page_size)
    return {"count": count, "page": query.page, "page_size": query.page_size, "items": [item(row) for row in rows]}


def _under_region(request, rows_for, region: str):
    return selectors.under_region(rows_for(request.auth), request.auth, region)


def _to_fields(data: dict, id_fields: dict) -> dict:
    """Payloads name foreign keys ``<name>_id``; the services take them by the field's name."""
    data = dict(data)
    for key, name in id_fields.items():
        if key in data:
            data[name] = data.pop(key)
    return data


def _ignoring_user(render):
    """For records whose detail looks the same to everyone who may see them."""
    return lambda _user, obj: render(obj)


@dataclass(frozen=True)
class _Ledger:
    """One ledger model as its create, detail, update and reveal routes see it."""

    noun: str  # names the routes (create_<noun>, <noun>_detail, update_<noun>) and the id in their paths
    path: str
    out: type  # the detail's schema
    get_for: Callable  # selectors.get_<noun>_for(user, pk): out of reach is 404
    render: Callable  # (user, obj) -> the detail
    update: Callable  # services.update_<noun>(actor=, <noun>=, data=)
    patch: type
    create: Callable | None = None  # services.create_<noun>(actor=, data=); None where the route is written out
    create_in: type | None = None
    id_fields: dict = field(default_factory=dict)


def _fresh_detail(ledger: _Ledger, request, pk: int) -> dict:
    # Read again through the selector so the answer is what the caller may see after the write.
    return ledger.render(request.auth, ledger.get_for(request.auth, pk))


def _created(ledger: _Ledger, request, obj) -> Status:
    return Status(201, _fresh_detail(ledger, request, obj.pk))


# Creates check no ``people.view`` here: the service refuses without ``people.change`` first.
def _create(ledger: _Ledger, request, payload) -> Status:
    obj = ledger.create(actor=request.auth, data=_to_fields(payload.dict(), ledger.id_fields))
    return _created(ledger, request, obj)


def _detail(ledger: _Ledger, request, pk: int) -> dict:
    _view(request)
    return _fresh_detail(ledger, request, pk)


def _update(ledger: _Ledger, request, pk: int, payload) -> dict:
    _view(request)
    obj = ledger.get_for(request.auth, pk)
    data = _to_fields(payload.dict(exclude_unset=True), ledger.id_fields)
    ledger.update(actor=request.auth, **{ledger.noun: obj}, data=data)
    return _fresh_detail(ledger, request, pk)


def _reveal(ledger: _Ledger, request, pk: int, payload) -> dict:
    _view(request)
    obj = ledger.get_for(request.auth, pk)
    value = services.reveal(actor=request.auth, obj=obj, field=payload.field, reason=payload.reason)
    return {"field": payload.field, "value": value}


def _param(name: str, annotation) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)


def _add_route(method: str, path: str, response, name: str, params: list[inspect.Parameter], handle) -> None:
    """Register ``handle(request, *params)`` as a view called ``name`` with those typed parameters.

    Ninja reads a view's name (operation id, summary, URL name) and signature (validation, schema),
    so the route is the one a hand-written ``def <name>(request, <params>)`` would make.
    """

    def view(request, **values):
        return handle(request, *(values[param.name] for param in params))

    view.__name__ = view.__qualname__ = name
    view.__signature__ = inspect.Signature([_param("request", inspect.Parameter.empty), *params])
    router.api_operation([method], path, response=response)(view)


def _add_ledger_routes(ledger: _Ledger) -> None:
    """``POST <path>`` (unless ``create`` is None), ``GET`` and ``PATCH <path>/{<noun>_id}``."""
    noun, pk = ledger.noun, _param(f"{ledger.noun}_id", int)
    one = f"{ledger.path}/{{{pk.name}}}"
    if ledger.create is not None:
        created = {201: ledger.out}
        create_params = [_param("payload", ledger.create_in)]
        _add_route("POST", ledger.path, created, f"create_{noun}", create_params, partial(_create, ledger))
    _add_route("GET", one, ledger.out, f"{noun}_detail", [pk], partial(_detail, ledger))
    patch_params = [pk, _param("payload", ledger.patch)]
    _add_route("PATCH", one, ledger.out, f"update_{noun}", patch_params, partial(_update, ledger))


# --- persons ---------------------------------------------------------------------------------------


@router.get("/persons", response=PersonPageOut)
def list_persons(request, query: Query[PersonListQuery]):
    """Persons in your reach. Names and personal numbers are searched with ``POST /persons/search``."""
    _view(request)
    filters = selectors.PersonFilters(
        region=query.region,
        building=query.building,
        household=query.household,
        population_type=query.population_type,
        status=query.status,
        label=query.label,
    )
    return _persons_page(request.auth, selectors.search_persons(request.auth, filters), query.page, query.page_size)


@router.post("/persons/search", response=PersonPageOut)
def search_persons(request, payload: PersonSearchIn):
    """By name (contains), exact ID number or phone (through the keyed hash), address, label, region."""
    _view(request)
    data = payload.dict()
    page, page_size = data.pop("page"), data.pop("page_size")
    filters = selectors.PersonFilters(**data)
    return _persons_page(request.auth, selectors.search_persons(request.auth, filters), page, page_size)


PERSONS = _Ledger(
    noun="person",
    path="/persons",
    out=PersonOut,
    get_for=selectors.get_person_for,
    render=_person_out,
    update=services.update_person,
    patch=PersonPatch,
    create=services.create_person,
    create_in=PersonIn,
    id_fields={"household_id": "household", "house_id": "house"},
)
_add_ledger_routes(PERSONS)


@router.post("/persons/{person_id}/reveal", response=RevealOut)
def reveal_person_number(request, person_id: int, payload: RevealIn):
    """One full number (``id_number`` or ``phone``); needs ``people.reveal`` and a reason; audited."""
    return _reveal(PERSONS, request, person_id, payload)


@router.get("/persons/{person_id}/labels", response=list[LabelOut])
def person_labels(request, person_id: int):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    person = selectors.get_person_for(request.auth, person_id)
    return [_label_out(label) for label in selectors.labels_for(request.auth).filter(person=person)]


@router.post("/persons/{person_id}/labels", response={201: LabelOut})
def add_person_label(request, person_id: int, payload: LabelIn):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    person = selectors.get_person_for(request.auth, person_id)
    label = services.add_label(
        actor=request.auth,
        person=person,
        kind=payload.kind,
        details=payload.details,
        since=payload.since,
        note=payload.note,
    )
    return Status(201, _label_out(label))


@router.patch("/labels/{label_id}", response=LabelOut)
def update_label(request, label_id: int, payload: LabelPatch):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    label = selectors.get_label_for(request.auth, label_id)
    label = services.update_label(actor=request.auth, label=label, **payload.dict(exclude_unset=True))
    return _label_out(label)


@router.delete("/labels/{label_id}", response={204: None})
def remove_label(request, label_id: int):
    permissions.require(request.auth, permissions.VIEW, permissions.LABELS)
    label = selectors.get_label_for(request.auth, label_id)
    services.remove_label(actor=request.auth, label=label)
    return Status(204, None)


@router.get("/label-counts", response=list[LabelCountOut])
def label_counts(request, region: str = Query("", max_length=24)):
    """How many persons carry each label under ``region`` (or your whole reach)."""
    return [{"kind": k, "label": label, "count": n} for k, label, n in selectors.label_counts(request.auth, region)]


# --- households ------------------------------------------------------------------------------------


def _household_item(household: Household) -> dict:
    return {
        "id": household.pk,
        "number": household.number,
        "kind": household.kind,
        "house_id": household.house_id,
        "address": household.house.address if household.house_id else "",
        "head_id": household.head_id,
        "head_name": household.head.name if household.head_id else "",
        "region": _region(household),
    }


def _household_out(user, household: Household) -> dict:
    portrait = selectors.household_portrait(user, household)
    data = _household_item(household)
    data["note"] = household.note
    data["members"] = [
        {
            "id": p.pk,
            "name": p.name,
            "relation": p.relation,
            "relation_label": str(p.get_relation_display()),
            "gender": p.gender,
            "age": _age(p.birth_date),
            "id_number_masked": p.id_number_masked,
            "phone_masked": p.phone_masked,
            "labels": [_label_out(label) for label in p.shown_labels] if portrait.labels_visible else None,
        }
        for p in portrait.members
    ]
    return data


@router.get("/households", response=HouseholdPageOut)
def list_households(request, query: Query[HouseholdListQuery]):
    _view(request)
    queryset = _under_region(request, selectors.households_for, query.region)
    if query.house:
        queryset = queryset.filter(house_id=query.house)
    if query.building:
        queryset = queryset.filter(house__building_id=query.building)
    queryset = queryset.select_related("house", "head", "region").order_by("id")
    return _page_out(queryset, query, _household_item)


HOUSEHOLDS = _Ledger(
    noun="household",
    path="/households",
    out=HouseholdOut,
    get_for=selectors.get_household_for,
    render=_household_out,
    update=services.update_household,
    patch=HouseholdPatch,
    create=services.create_household,
    create_in=HouseholdIn,
    id_fields={"house_id": "house"},
)
_add_ledger_routes(HOUSEHOLDS)


# --- houses ------------------------------------------------------------------------------------------


def _house_out(house: House) -> dict:
    return {
        "id": house.pk,
        "building_id": house.building_id,
        "unit": house.unit,
        "floor": house.floor,
        "position": house.position,
        "room": house.room,
        "address": house.address,
        "area": float(house.area) if house.area is not None else None,
        "use": house.use,
        "use_label": str(house.get_use_display()),
        "owner_name": house.owner_name,
        "owner_phone_masked": house.owner_phone_masked,
        "hazards": house.hazards,
        "region": _region(house),
    }


@router.get("/houses", response=HousePageOut)
def list_houses(request, query: Query[HouseListQuery]):
    _view(request)
    queryset = _under_region(request, selectors.houses_for, query.region)
    if query.building:
        queryset = queryset.filter(building_id=query.building)
    if query.use:
        queryset = queryset.filter(use=query.use)
    queryset = queryset.select_related("region").order_by("building_id", "unit", "floor", "position")
    return _page_out(queryset, query, _house_out)


HOUSES = _Ledger(
    noun="house",
    path="/houses",
    out=HouseOut,
    get_for=selectors.get_house_for,
    render=_ignoring_user(_house_out),
    update=services.update_house,
    patch=HousePatch,
    create=services.create_house,
    create_in=HouseIn,
    id_fields={"building_id": "building"},
)
_add_ledger_routes(HOUSES)


@router.post("/houses/{house_id}/reveal", response=RevealOut)
def reveal_house_number(request, house_id: int, payload: RevealIn):
    return _reveal(HOUSES, request, house_id, payload)


# --- buildings and compounds ------------------------------------------------------------------------


def _building_out(building: Building) -> dict:
    return {
        "id": building.pk,
        "name": building.name,
        "full_name": str(building),
        "compound_id": building.compound_id,
        "address": building.address,
        "use": building.use,
        "floors": building.floors,
        "units": building.units,
        "rooms_per_floor": building.rooms_per_floor,
        "built_year": building.built_year,
        "lon": building.lon,
        "lat": building.lat,
        "region": _region(building),
    }


@router.get("/buildings", response=BuildingPageOut)
def list_buildings(request, query: Query[BuildingListQuery]):
    _view(request)
    queryset = _under_region(request, selectors.buildings_for, query.region)
    if query.compound:
        queryset = queryset.filter(compound_id=query.compound)
    queryset = queryset.select_related("compound", "region").order_by("compound__name", "name", "id")
    return _page_out(queryset, query, _building_out)


@router.post("/buildings", response={201: BuildingOut})
def create_building(request, payload: BuildingIn):
    data = _to_fields(payload.dict(), BUILDINGS.id_fields)
    with_houses = data.pop("with_houses")
    building = services.create_building(actor=request.auth, data=data, with_houses=with_houses)
    return _created(BUILDINGS, request, building)


BUILDINGS = _Ledger(
    noun="building",
    path="/buildings",
    out=BuildingOut,
    get_for=selectors.get_building_for,
    render=_ignoring_user(_building_out),
    update=services.update_building,
    patch=BuildingPatch,
    id_fields={"compound_id": "compound"},
)
_add_ledger_routes(BUILDINGS)


@router.get("/buildings/{building_id}/cells", response=BuildingCellsOut)
def building_cells(request, building_id: int):
    """The building view (作战图) as data: one cell per unit × floor × position."""
    _view(request)
    building = selectors.get_building_for(request.auth, building_id)
    grid = selectors.building_grid(request.auth, building)
    labels_visible = permissions.can(request.auth, permissions.LABELS)
    cells = [
        {
            "house_id": cell.house.pk if cell.house else None,
            "unit": cell.unit,
            "floor": cell.floor,
            "position": cell.position,
            "room": cell.house.room if cell.house else "",
            "use": cell.house.use if cell.house else "",
            "residents": cell.residents,
            "labels": [kind for kind, _mark, _colour in cell.marks],
        }
        for _floor, row in grid.rows
        for cell in row
    ]
    return {
        "building": _building_out(building),
        "floors": [floor for floor, _row in grid.rows],
        "units": grid.units,
        "positions": grid.positions,
        "cells": cells,
        "use_counts": grid.use_counts,
        "label_counts": grid.label_counts if labels_visible else None,
        "residents": grid.residents,
    }


def _compound_out(compound) -> dict:
    return {
        "id": compound.pk,
        "name": compound.name,
        "address": compound.address,
        "property_company_id": compound.property_company_id,
        "lon": compound.lon,
        "lat": compound.lat,
        "region": _region(compound),
    }


@router.get("/compounds", response=CompoundPageOut)
def list_compounds(request, query: Query[PageQuery], region: str = Query("", max_length=24)):
    _view(request)
    queryset = _under_region(request, selectors.compounds_for, region)
    queryset = queryset.select_related("region").order_by("name", "id")
    return _page_out(queryset, query, _compound_out)


COMPOUNDS = _Ledger(
    noun="compound",
    path="/compounds",
    out=CompoundOut,
    get_for=selectors.get_compound_for,
    render=_ignoring_user(_compound_out),
    update=services.update_compound,
    patch=CompoundPatch,
    create=services.create_compound,
    create_in=CompoundIn,
    id_fields={"property_company_id": "property_company"},
)
_add_ledger_routes(COMPOUNDS)


# --- organisations ---------------------------------------------------------------------------------


def _organisation_out(org: Organisation) -> dict:
    return {
        "id": org.pk,
        "kind": org.kind,
        "kind_label": str(org.get_kind_display()),
        "name": org.name,
        "credit_code": org.credit_code,
        "legal_person": org.legal_person,
        "phone_masked": org.phone_masked,
        "employees": org.employees,
        "address": org.address,
        "building_id": org.building_id,
        "business_scope": org.business_scope,
        "is_key": org.is_key,
        "is_active": org.is_active,
        "lon": org.lon,
        "lat": org.lat,
        "region": _region(org),
    }


@router.get("/organisations", response=OrganisationPageOut)
def list_organisations(request, query: Query[OrganisationListQuery]):
    _view(request)
    queryset = selectors.organisations_filtered(request.auth, region=query.region, kind=query.kind, q=query.q)
    return _page_out(queryset, query, _organisation_out)


ORGANISATIONS = _Ledger(
    noun="organisation",
    path="/organisations",
    out=OrganisationOut,
    get_for=selectors.get_organisation_for,
    render=_ignoring_user(_organisation_out),
    update=services.update_organisation,
    patch=OrganisationPatch,
    create=services.create_organisation,
    create_in=OrganisationIn,
    id_fields={"building_id": "building"},
)
_add_ledger_routes(ORGANISATIONS)


@router.post("/organisations/{organisation_id}/reveal", response=RevealOut)
def reveal_organisation_number(request, organisation_id: int, payload: RevealIn):
    return _reveal(ORGANISATIONS, request, organisation_id, payload)


# --- facilities ------------------------------------------------------------------------------------


def _facility_out(facility: Facility) -> dict:
    return {
        "id": facility.pk,
        "kind": facility.kind,
        "kind_label": str(facility.get_kind_display()),
        "code": facility.code,
        "name": facility.name,
        "status": facility.status,
        "status_label": str(facility.get_status_display()),
        "owner": facility.owner,
        "address": facility.address,
        "installed_on": facility.installed_on,
        "lon": facility.lon,
        "lat": facility.lat,
        "region": _region(facility),
    }


@router.get("/facilities", response=FacilityPageOut)
def list_facilities(request, query: Query[FacilityListQuery]):
    _view(request)
    queryset = selectors.facilities_filtered(
        request.auth, region=query.region, kind=query.kind, status=query.status, code=query.code
    )
    return _page_out(queryset, query, _facility_out)


FACILITIES = _Ledger(
    noun="facility",
    path="/facilities",
    out=FacilityOut,
    get_for=selectors.get_facility_for,
    render=_ignoring_user(_facility_out),
    update=services.update_facility,
    patch=FacilityPatch,
    create=services.create_facility,
    create_in=FacilityIn,
)
_add_ledger_routes(FACILITIES)


# --- Excel ledgers -----------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in excel.KINDS:
        from django.http import Http404

        raise Http404("kind")
    return kind


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("/ledgers/{kind}/template")
def ledger_template(request, kind: str):
    """An empty ledger to fill in: ``persons``, ``houses``, ``organisations`` or ``facilities``."""
    permissions.require(request.auth, permissions.CHANGE)
    return _xlsx(excel.template(_kind(kind)), f"{kind}-template.xlsx")


def _report_out(report) -> dict:
    return {
        "kind": report.kind,
        "total": report.total,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "created": report.created,
        "updated": report.updated,
        "problems": [
            {"row": p.row, "column": p.column, "title": p.title, "message": p.message} for p in report.problems
        ],
    }


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
        from django.core.exceptions import ValidationError

        raise ValidationError({"on_duplicate": _("Choose update or report.")})
    sheet = excel.read_ledger(kind, file.read())
    try:
        report = services.import_ledger(
            actor=request.auth, kind=kind, sheet=sheet, dry_run=dry_run, on_duplicate=on_duplicate
        )
    except ImportFailed as failed:
        return Status(400, _report_out(failed.report))
    return Status(200 if report.ok else 400, _report_out(report))


@router.post("/ledgers/persons/export")
def export_persons(request, payload: PersonSearchIn):
    """The filtered persons as .xlsx, masked and watermarked; audited."""
    data = payload.dict()
    data.pop("page"), data.pop("page_size")
    exported = exports.export_list(request.auth, "persons", selectors.PersonFilters(**data))
    return _xlsx(exported.content, exported.filename)


@router.post("/ledgers/{kind}/export")
def export_ledger(request, kind: str, payload: ExportFiltersIn):
    """Houses, organisations or facilities as .xlsx, masked and watermarked; audited."""
    kind = _kind(kind)
    filters = {k: v for k, v in payload.dict().items() if v not in ("", None)}
    exported = exports.export_list(request.auth, kind, filters)
    return _xlsx(exported.content, exported.filename)
