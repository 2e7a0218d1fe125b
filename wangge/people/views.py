"""Ledger pages: thin views over ``selectors`` (scoped reads, 404 out of reach) and ``services``.

Searches that carry names or personal numbers are POSTed; forms never echo a personal number; the
reveal fragment is never cached.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from wangge.people import excel, exports, permissions, portrait, selectors, services, uploads
from wangge.people.forms import (
    BuildingForm,
    CompoundForm,
    FacilityForm,
    HouseForm,
    HouseholdForm,
    ImportForm,
    LabelForm,
    OrganisationForm,
    PersonForm,
    PersonSearchForm,
    RevealForm,
)
from wangge.people.importing import ImportFailed
from wangge.people.labels import LABEL_MARKS, LabelKind, describe
from wangge.people.models import FacilityKind, FacilityStatus, HouseUse, OrganisationKind
from wangge.people.records import PERSON
from wangge.people.validators import PHONE_CHARS_RE, normalise_id

PAGE_SIZE = 30
KIND_CHOICES = [(k, excel.KIND_LABELS[k]) for k in excel.KINDS]
SENSITIVE_FIELDS = ("id_number", "phone", "number", "owner_phone", "name")


def ledger_view(capability: str = permissions.VIEW):
    """Logged in and holding ``capability`` (403 otherwise); the page's nav tab is "ledger"."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            permissions.require(request.user, permissions.VIEW, capability)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _page(request, template: str, context: dict, status: int = 200):
    context.setdefault("nav", "ledger")
    context.setdefault("can_change", permissions.can(request.user, permissions.CHANGE))
    context.setdefault("can_labels", permissions.can(request.user, permissions.LABELS))
    context.setdefault("can_reveal", permissions.can(request.user, permissions.REVEAL))
    context.setdefault("can_export", permissions.can(request.user, permissions.EXPORT))
    return render(request, template, context, status=status)


def _errors_onto(form, exc: ValidationError) -> None:
    for field, problems in exc.message_dict.items():
        target = field if field in form.fields and not form.fields[field].widget.is_hidden else None
        for problem in problems:
            form.add_error(target, problem)


def _form_page(request, form, *, title: str, cancel: str, status: int = 200, extra: dict | None = None):
    return _page(request, "people/form.html", {"form": form, "title": title, "cancel": cancel, **(extra or {})}, status)


# --- home -------------------------------------------------------------------------------------------


@ledger_view()
def index(request):
    region = request.GET.get("region", "")
    context = {
        "counts": selectors.ledger_counts(request.user, region),
        "label_counts": selectors.label_counts(request.user, region)
        if permissions.can(request.user, permissions.LABELS)
        else None,
        "grids": [g for g in selectors.grids_for(request.user) if g.level != "micro_grid"],
        "region": selectors.region_in_reach(request.user, region) if region else None,
    }
    return _page(request, "people/index.html", context)


# --- persons -----------------------------------------------------------------------------------------


def _filters_from(form: PersonSearchForm) -> selectors.PersonFilters:
    data = form.cleaned_data
    number = (data.get("number") or "").strip()
    filters = selectors.PersonFilters(
        name=data.get("name") or "",
        address=data.get("address") or "",
        label=data.get("label") or "",
        population_type=data.get("population_type") or "",
        region=data.get("region") or "",
    )
    if number:
        normalised = normalise_id(number)
        if len(normalised) >= 15 and normalised[:-1].isdigit():
            filters.id_number = normalised
        elif PHONE_CHARS_RE.match(number):
            filters.phone = number
        else:
            filters.id_number = normalised
    return filters


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@never_cache
@ledger_view()
def person_list(request):
    """GET shows the first page (optionally under ``?region=`` or with ``?label=``); the search form POSTs."""
    labels_visible = permissions.can(request.user, permissions.LABELS)
    if request.method == "POST":
        form = PersonSearchForm(request.POST, labels_visible=labels_visible)
    else:
        initial = {k: request.GET.get(k, "") for k in ("region", "label", "population_type")}
        form = PersonSearchForm(initial, labels_visible=labels_visible)
    persons, page = [], None
    if form.is_valid():
        try:
            queryset = selectors.search_persons(request.user, _filters_from(form))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            page = Paginator(queryset, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
            persons = selectors.attach_labels(request.user, list(page.object_list))
    return _page(
        request, "people/person_list.html", {"form": form, "persons": persons, "page_obj": page, "marks": LABEL_MARKS}
    )


@ledger_view()
def person_detail(request, pk):
    person = selectors.get_person_for(request.user, pk)
    selectors.attach_labels(request.user, [person])
    labels = [(label, describe(label.kind, label.details)) for label in person.shown_labels]
    panels = portrait.panels_for(request.user, portrait.PERSON, person)
    return _page(request, "people/person_detail.html", {"person": person, "labels": labels, "panels": panels})


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@ledger_view(permissions.CHANGE)
def person_new(request):
    initial = {
        "population_type": "registered",
        "political_status": "masses",
        "status": "living_here",
        "ethnicity": "汉族",
    }
    household = house = None
    if request.GET.get("household"):
        household = selectors.get_household_for(request.user, request.GET["household"])
        initial.update(
            household=household.pk, house=household.house_id, relation="head" if not household.head_id else ""
        )
    elif request.GET.get("house"):
        house = selectors.get_house_for(request.user, request.GET["house"])
        initial["house"] = house.pk
    form = PersonForm(request.POST or None, initial=initial, grids=selectors.grids_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor=request.user, data=form.data_for_service(editing=False))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("%(name)s was added to the ledger.") % {"name": person.name})
            return redirect("people:person", pk=person.pk)
    where = household or house
    title = _("New person") + (f" · {where}" if where else "")
    return _form_page(request, form, title=title, cancel=reverse("people:persons"), status=400 if form.errors else 200)


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@ledger_view(permissions.CHANGE)
def person_edit(request, pk):
    person = selectors.get_person_for(request.user, pk)
    initial = {f.name: getattr(person, f.name) for f in PERSON.fields if not f.pii}  # numbers are never echoed
    initial.update(household=person.household_id, house=person.house_id)
    form = PersonForm(request.POST or None, initial=initial, person=person, grids=selectors.grids_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, data=form.data_for_service(editing=True))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:person", pk=person.pk)
    return _form_page(
        request, form, title=_("Edit %(name)s") % {"name": person.name}, cancel=reverse("people:person", args=[pk]),
        status=400 if form.errors else 200,
    )  # fmt: skip


REVEAL_TARGETS = {
    "person": selectors.get_person_for,
    "house": selectors.get_house_for,
    "organisation": selectors.get_organisation_for,
}


@require_POST
@never_cache
@ledger_view(permissions.REVEAL)
def reveal(request, kind, pk):
    """One full number for a reason (an HTMX fragment); audited by the service."""
    getter = REVEAL_TARGETS.get(kind)
    if getter is None:
        raise PermissionDenied
    obj = getter(request.user, pk)
    form = RevealForm(request.POST)
    field = request.POST.get("field", "")
    context = {"kind": kind, "obj": obj, "field": field, "value": "", "error": ""}
    if not form.is_valid():
        context["error"] = _("This number cannot be revealed.")
        return render(request, "people/_reveal.html", context, status=400)
    try:
        context["value"] = services.reveal(actor=request.user, obj=obj, field=field, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "people/_reveal.html", context, status=400)
    return render(request, "people/_reveal.html", context)


# --- labels ------------------------------------------------------------------------------------------


@ledger_view(permissions.LABELS)
def label_new(request, person_pk):
    permissions.require(request.user, permissions.CHANGE)
    person = selectors.get_person_for(request.user, person_pk)
    kind = request.POST.get("kind") or request.GET.get("kind") or LabelKind.ELDERLY_ALONE
    form = LabelForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_label(
                actor=request.user,
                person=person,
                kind=form.cleaned_data["kind"],
                details=form.details(),
                since=form.cleaned_data["since"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:person", pk=person.pk)
    return _page(
        request, "people/label_form.html",
        {"form": form, "person": person, "title": _("Add a label to %(name)s") % {"name": person.name}},
        status=400 if form.errors else 200,
    )  # fmt: skip


@ledger_view(permissions.LABELS)
def label_edit(request, pk):
    permissions.require(request.user, permissions.CHANGE)
    label = selectors.get_label_for(request.user, pk)
    initial = {"kind": label.kind, "since": label.since, "note": label.note}
    initial.update({f"details__{k}": v for k, v in label.details.items()})
    form = LabelForm(request.POST or None, initial=initial, kind=label.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_label(
                actor=request.user, label=label, details=form.details(), since=form.cleaned_data["since"] or "",
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:person", pk=label.person_id)
    return _page(
        request, "people/label_form.html",
        {"form": form, "person": label.person, "label": label, "title": label.get_kind_display()},
        status=400 if form.errors else 200,
    )  # fmt: skip


@require_POST
@ledger_view(permissions.LABELS)
def label_delete(request, pk):
    label = selectors.get_label_for(request.user, pk)
    services.remove_label(actor=request.user, label=label)
    messages.success(request, _("The label was removed."))
    return redirect("people:person", pk=label.person_id)


# --- households --------------------------------------------------------------------------------------


@ledger_view()
def household_detail(request, pk):
    household = selectors.get_household_for(request.user, pk)
    card = selectors.household_portrait(request.user, household)
    members = [(p, [(label, describe(label.kind, label.details)) for label in p.shown_labels]) for p in card.members]
    panels = portrait.panels_for(request.user, portrait.HOUSEHOLD, household)
    return _page(
        request,
        "people/household_detail.html",
        {"household": household, "portrait": card, "members": members, "marks": LABEL_MARKS, "panels": panels},
    )


@ledger_view(permissions.CHANGE)
def household_new(request):
    house = selectors.get_house_for(request.user, request.GET.get("house") or request.POST.get("house"))
    form = HouseholdForm(request.POST or None, initial={"kind": "family"})
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(actor=request.user, data={**form.cleaned_data, "house": house})
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:household", pk=household.pk)
    return _form_page(
        request, form, title=_("New household in %(house)s") % {"house": house}, cancel=reverse("people:house", args=[house.pk]),
        status=400 if form.errors else 200, extra={"hidden": {"house": house.pk}},
    )  # fmt: skip


@ledger_view(permissions.CHANGE)
def household_edit(request, pk):
    household = selectors.get_household_for(request.user, pk)
    form = HouseholdForm(
        request.POST or None, initial={"number": household.number, "kind": household.kind, "note": household.note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(actor=request.user, household=household, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:household", pk=household.pk)
    return _form_page(
        request,
        form,
        title=str(household),
        cancel=reverse("people:household", args=[pk]),
        status=400 if form.errors else 200,
    )


# --- buildings, houses, compounds -------------------------------------------------------------------


@ledger_view()
def building_list(request):
    """The grid at a glance: every building with its houses, vacancies, rentals and residents."""
    region = request.GET.get("region", "")
    compound = request.GET.get("compound", "")
    buildings = selectors.buildings_overview(request.user, region, int(compound) if compound.isdigit() else None)
    compounds = list(
        selectors.under_region(selectors.compounds_for(request.user), request.user, region).order_by("name")[:500]
    )
    grids = [g for g in selectors.grids_for(request.user) if g.level != "micro_grid"]
    return _page(
        request, "people/building_list.html",
        {"buildings": buildings, "compounds": compounds, "grids": grids, "region": region, "compound": compound},
    )  # fmt: skip


@ledger_view()
def building_detail(request, pk):
    """The building view (作战图): floors × units × rooms, coloured by use, marked by labels."""
    building = selectors.get_building_for(request.user, pk)
    use = request.GET.get("use", "") if request.GET.get("use", "") in HouseUse.values else ""
    label = request.GET.get("label", "") if request.GET.get("label", "") in LabelKind.values else ""
    if label and not permissions.can(request.user, permissions.LABELS):
        label = ""
    grid = selectors.building_grid(request.user, building, use=use, label=label)
    context = {
        "building": building,
        "grid": grid,
        "use": use,
        "label": label,
        "uses": [(u, HouseUse(u).label, grid.use_counts.get(u, 0)) for u in HouseUse.values],
        "label_legend": [
            (k, LabelKind(k).label, LABEL_MARKS[k][0], LABEL_MARKS[k][1], grid.label_counts.get(k, 0))
            for k in LabelKind.values
        ],
    }
    template = "people/_building_grid.html" if request.headers.get("HX-Request") else "people/building_detail.html"
    return _page(request, template, context)


def _compounds_and_grids(user):
    compounds = list(selectors.compounds_for(user).order_by("name")[:1000])
    return compounds, selectors.grids_for(user)


@ledger_view(permissions.CHANGE)
def building_new(request):
    compounds, grids = _compounds_and_grids(request.user)
    form = BuildingForm(
        request.POST or None,
        compounds=compounds,
        grids=grids,
        initial={"compound": request.GET.get("compound", ""), "use": "residential"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["compound"] = data["compound"] or None
        try:
            building = services.create_building(actor=request.user, data=data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("The building and its houses were created."))
            return redirect("people:building", pk=building.pk)
    return _form_page(
        request, form, title=_("New building"), cancel=reverse("people:buildings"), status=400 if form.errors else 200
    )


@ledger_view(permissions.CHANGE)
def building_edit(request, pk):
    building = selectors.get_building_for(request.user, pk)
    compounds, grids = _compounds_and_grids(request.user)
    fields = ("name", "address", "use", "floors", "units", "rooms_per_floor", "built_year", "lon", "lat")
    initial = {name: getattr(building, name) for name in fields}
    initial["compound"] = building.compound_id or ""
    form = BuildingForm(request.POST or None, compounds=compounds, grids=grids, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in fields}
        data["compound"] = form.cleaned_data["compound"] or None
        if data["lon"] is None and data["lat"] is None:
            data.pop("lon"), data.pop("lat")
            if form.cleaned_data.get("region"):
                data["region"] = form.cleaned_data["region"]
        try:
            services.update_building(actor=request.user, building=building, data=data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:building", pk=building.pk)
    return _form_page(
        request,
        form,
        title=str(building),
        cancel=reverse("people:building", args=[pk]),
        status=400 if form.errors else 200,
    )


@ledger_view()
def house_detail(request, pk):
    house = selectors.get_house_for(request.user, pk)
    households = list(selectors.households_for(request.user).filter(house=house).select_related("head"))
    residents = selectors.attach_labels(
        request.user, list(selectors.persons_for(request.user).filter(house=house).order_by("household_id", "id"))
    )
    return _page(
        request,
        "people/house_detail.html",
        {"house": house, "households": households, "residents": residents, "marks": LABEL_MARKS},
    )


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@ledger_view(permissions.CHANGE)
def house_edit(request, pk):
    house = selectors.get_house_for(request.user, pk)
    initial = {name: getattr(house, name) for name in ("area", "use", "owner_name", "hazards")}
    form = HouseForm(request.POST or None, initial=initial, house=house)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_house(actor=request.user, house=house, data=form.data_for_service())
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:house", pk=house.pk)
    return _form_page(
        request, form, title=str(house), cancel=reverse("people:house", args=[pk]), status=400 if form.errors else 200
    )


@ledger_view(permissions.CHANGE)
def compound_new(request):
    form = CompoundForm(request.POST or None, grids=selectors.grids_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            compound = services.create_compound(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect(f"{reverse('people:buildings')}?compound={compound.pk}")
    return _form_page(
        request, form, title=_("New compound"), cancel=reverse("people:buildings"), status=400 if form.errors else 200
    )


# --- organisations and facilities -------------------------------------------------------------------


@ledger_view()
def organisation_list(request):
    region, kind, q = request.GET.get("region", ""), request.GET.get("kind", ""), request.GET.get("q", "")[:60]
    queryset = selectors.organisations_filtered(
        request.user, region=region, kind=kind if kind in OrganisationKind.values else "", q=q
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request, "people/organisation_list.html",
        {
            "page_obj": page, "kinds": OrganisationKind.choices, "kind": kind, "q": q, "region": region,
            "query": urlencode({"kind": kind, "q": q, "region": region}) + "&",
        },
    )  # fmt: skip


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@ledger_view(permissions.CHANGE)
def organisation_new(request):
    form = OrganisationForm(request.POST or None, grids=selectors.grids_for(request.user), initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organisation(actor=request.user, data=form.data_for_service(editing=False))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:organisation", pk=org.pk)
    return _form_page(
        request,
        form,
        title=_("New organisation"),
        cancel=reverse("people:organisations"),
        status=400 if form.errors else 200,
    )


@ledger_view()
def organisation_detail(request, pk):
    org = selectors.get_organisation_for(request.user, pk)
    return _page(request, "people/organisation_detail.html", {"org": org})


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@ledger_view(permissions.CHANGE)
def organisation_edit(request, pk):
    org = selectors.get_organisation_for(request.user, pk)
    fields = (
        "kind",
        "name",
        "credit_code",
        "legal_person",
        "employees",
        "address",
        "business_scope",
        "is_key",
        "is_active",
        "lon",
        "lat",
    )
    form = OrganisationForm(
        request.POST or None,
        organisation=org,
        grids=selectors.grids_for(request.user),
        initial={n: getattr(org, n) for n in fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(actor=request.user, organisation=org, data=form.data_for_service(editing=True))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return redirect("people:organisation", pk=org.pk)
    return _form_page(
        request,
        form,
        title=org.name,
        cancel=reverse("people:organisation", args=[pk]),
        status=400 if form.errors else 200,
    )


@ledger_view()
def facility_list(request):
    region, kind, status = request.GET.get("region", ""), request.GET.get("kind", ""), request.GET.get("status", "")
    queryset = selectors.facilities_filtered(
        request.user,
        region=region,
        kind=kind if kind in FacilityKind.values else "",
        status=status if status in FacilityStatus.values else "",
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request, "people/facility_list.html",
        {
            "page_obj": page, "kinds": FacilityKind.choices, "statuses": FacilityStatus.choices, "kind": kind,
            "status": status, "region": region, "query": urlencode({"kind": kind, "status": status, "region": region}) + "&",
        },
    )  # fmt: skip


@ledger_view(permissions.CHANGE)
def facility_new(request):
    form = FacilityForm(request.POST or None, initial={"status": "normal"})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_facility(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:facilities")
    return _form_page(
        request,
        form,
        title=_("New public facility"),
        cancel=reverse("people:facilities"),
        status=400 if form.errors else 200,
    )


@ledger_view(permissions.CHANGE)
def facility_edit(request, pk):
    facility = selectors.get_facility_for(request.user, pk)
    fields = ("kind", "code", "name", "status", "owner", "address", "installed_on", "lon", "lat")
    form = FacilityForm(request.POST or None, initial={n: getattr(facility, n) for n in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_facility(actor=request.user, facility=facility, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:facilities")
    return _form_page(
        request, form, title=str(facility), cancel=reverse("people:facilities"), status=400 if form.errors else 200
    )


# --- Excel ledgers -------------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@ledger_view(permissions.CHANGE)
def template_download(request, kind):
    if kind not in excel.KINDS:
        raise PermissionDenied
    return _xlsx(excel.template(kind), f"{kind}-template.xlsx")


@never_cache
@ledger_view(permissions.CHANGE)
def import_page(request):
    """Upload → dry run with every bad cell marked; a clean file is kept (encrypted) until confirmed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        data = form.cleaned_data["file"].read()
        sheet = excel.read_ledger(kind, data)
        report = services.import_ledger(
            actor=request.user, kind=kind, sheet=sheet, dry_run=True, on_duplicate=form.cleaned_data["on_duplicate"]
        )
        if report.ok:
            uploads.stash(
                request.session,
                data,
                {
                    "kind": kind,
                    "on_duplicate": form.cleaned_data["on_duplicate"],
                    "name": form.cleaned_data["file"].name[:100],
                },
            )
        else:
            uploads.discard(request.session)
    return _page(
        request,
        "people/import.html",
        {"form": form, "report": report, "kinds": KIND_CHOICES},
        status=400 if report and not report.ok else 200,
    )


@require_POST
@ledger_view(permissions.CHANGE)
def import_confirm(request):
    stashed = uploads.load(request.session)
    if stashed is None:
        messages.error(request, _("The checked file is gone: upload it again."))
        return redirect("people:import")
    data, meta = stashed
    sheet = excel.read_ledger(meta["kind"], data)
    try:
        report = services.import_ledger(
            actor=request.user, kind=meta["kind"], sheet=sheet, dry_run=False, on_duplicate=meta["on_duplicate"]
        )
    except ImportFailed as failed:
        uploads.discard(request.session)
        return _page(
            request,
            "people/import.html",
            {"form": ImportForm(), "report": failed.report, "kinds": KIND_CHOICES},
            status=400,
        )
    uploads.discard(request.session)
    messages.success(
        request,
        _("%(total)d rows imported: %(created)d new, %(updated)d updated.")
        % {"total": report.total, "created": report.created, "updated": report.updated},
    )
    return redirect("people:import")


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@require_POST
@ledger_view(permissions.EXPORT)
def export(request, kind):
    """The filtered list as masked, watermarked Excel; the filters come in the POST body."""
    if kind not in exports.EXPORT_KINDS:
        raise PermissionDenied
    if kind == "persons":
        form = PersonSearchForm(request.POST, labels_visible=permissions.can(request.user, permissions.LABELS))
        if not form.is_valid():
            raise PermissionDenied
        filters = _filters_from(form)
    else:
        filters = {
            k: request.POST.get(k, "")[:40]
            for k in ("region", "kind", "status", "use", "building")
            if request.POST.get(k)
        }
    try:
        exported = exports.export_list(request.user, kind, filters)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("people:index")
    return _xlsx(exported.content, exported.filename)
