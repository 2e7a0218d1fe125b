"""Party pages: thin views over ``selectors`` (scoped reads, 404 out of reach; 403 without ``people.view``)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wangge.core.errors import Conflict
from wangge.core.excel import XLSX
from wangge.party import conf, exports, forms, importing, selectors, services
from wangge.party.models import (
    CheckItem,
    ClaimStatus,
    ItemKind,
    ItemStatus,
    MemberStatus,
    OrganisationKind,
    RegistrationStatus,
)
from wangge.people import permissions, uploads
from wangge.regions.models import GRID_LEVELS, Level

PAGE_SIZE = 30


def party_view(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        permissions.require(request.user, permissions.VIEW)
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, template: str, context: dict):
    return render(request, template, {"nav": "party", **context})


def _tree(user) -> list[dict]:
    """The organisations the user sees, nested: the tops of their reach first."""
    rows = list(selectors.organisations_for(user).prefetch_related(selectors.SERVED_REGIONS).order_by("name", "id"))
    visible = {row.pk for row in rows}
    below: dict[int | None, list] = {}
    for row in rows:
        below.setdefault(row.parent_id if row.parent_id in visible else None, []).append(row)

    def nest(parent_id):
        return [{"organisation": row, "children": nest(row.pk)} for row in below.get(parent_id, [])]

    return nest(None)


@party_view
def tree(request):
    context = {"tree": _tree(request.user), "can_change": permissions.can(request.user, permissions.CHANGE)}
    return _page(request, "party/tree.html", context)


@party_view
def organisation_detail(request, pk: int):
    organisation = selectors.get_organisation_for(request.user, pk)
    visible = selectors.organisations_for(request.user)
    chain, node = [], organisation.parent
    while node is not None and visible.filter(pk=node.pk).exists():
        chain.insert(0, node)
        node = node.parent
    members = selectors.members_for(request.user)
    context = {
        "organisation": organisation,
        "served": organisation.served.select_related("region").order_by("region_path"),
        "chain": chain,
        "children": visible.filter(parent=organisation).order_by("name", "id"),
        "secretary": members.filter(pk=organisation.secretary_id).first() if organisation.secretary_id else None,
        "committee": organisation.committee.filter(member__in=members).select_related("member__person"),
        "members": members.filter(organisation=organisation, left_on__isnull=True).order_by("person__name", "id")[:200],
        "member_count": members.filter(organisation=organisation, left_on__isnull=True).count(),
        "cases": selectors.case_counts(request.user, organisation),
        "can_change": permissions.can(request.user, permissions.CHANGE),
    }
    return _page(request, "party/organisation_detail.html", context)


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


def _member_filters(params) -> dict:
    try:
        organisation = int(params["organisation"]) if params.get("organisation") else None
    except ValueError:
        raise Http404 from None
    kind = params.get("kind", "") if params.get("kind", "") in MemberStatus.values else ""
    left = params.get("left", "0")  # pages list the current members unless asked
    return {
        "organisation": organisation,
        "region": params.get("region", "")[:24],
        "kind": kind,
        "in_service": _flag(params.get("in_service", "")),
        "registered": _flag(params.get("registered", "")),
        "left": None if left == "all" else _flag(left),
    }


@party_view
def member_list(request):
    params = request.GET
    filters = _member_filters(params)
    organisation, kind = filters["organisation"], filters["kind"]
    rows = selectors.members_filtered(request.user, **filters).order_by("person__name", "id")
    page = Paginator(rows.select_related("person__region"), PAGE_SIZE).get_page(params.get("page") or 1)
    query = params.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "members": page.object_list,
        "statuses": MemberStatus.choices,
        "filters": {
            "region": params.get("region", ""),
            "kind": kind,
            "in_service": params.get("in_service", ""),
            "registered": params.get("registered", ""),
            "left": params.get("left", "0"),
        },
        "pickable": selectors.regions_in_reach(request.user, [Level.STREET, Level.COMMUNITY, *GRID_LEVELS]),
        "can_change": permissions.can(request.user, permissions.CHANGE),
        "organisation": selectors.get_organisation_for(request.user, organisation) if organisation else None,
        "query": query.urlencode(),
        "can_export": permissions.can(request.user, permissions.EXPORT),
    }
    return _page(request, "party/member_list.html", context)


@require_POST
@party_view
def member_export(request):
    """The filtered members as .xlsx (``people.export``; watermarked and audited)."""
    exported = exports.export_members(request.user, **_member_filters(request.POST))
    response = HttpResponse(exported.content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@party_view
def member_detail(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    central = getattr(member, "central_household", None) if hasattr(member, "central_household") else None
    households = []
    if central is not None:
        from wangge.people.selectors import households_for

        households = households_for(request.user).filter(party_covers__central=central).select_related("house")
    context = {
        "member": member,
        "central": central,
        "households": households,
        "minimum": conf.central_household_min(),
        "short": central is not None and len(households) < conf.central_household_min(),
        "can_change": permissions.can(request.user, permissions.CHANGE),
    }
    return _page(request, "party/member_detail.html", context)


@party_view
def coverage(request):
    code = request.GET.get("region", "")[:24]
    region = selectors.region_for(request.user, code) if code else selectors.default_coverage_region(request.user)
    if region is None:
        raise Http404
    total, grids = selectors.coverage(request.user, region.code)
    config = {
        "tileUrl": settings.MAP_TILE_URL,
        "buildings": selectors.uncovered_buildings_geojson(request.user, region.code),
    }
    context = {
        "region": region,
        "total": total,
        "grids": grids,
        "config": config,
        "uncovered": selectors.uncovered_households(request.user, region.code).order_by("id")[:100],
        "minimum": conf.central_household_min(),
        "kinds": OrganisationKind.choices,
    }
    return _page(request, "party/coverage.html", context)


@party_view
def central_edit(request, pk: int):
    """Choose the households a member covers as a 党员中心户: those of the member's grid in your reach;
    households another central household covers are shown, not offered (unless shared coverage is on)."""
    permissions.require(request.user, permissions.CHANGE)
    member = selectors.get_member_for(request.user, pk)
    from wangge.people.selectors import households_for

    area = member.grid.path if member.grid_id else member.person.region_path
    households = list(
        households_for(request.user).filter(region_path__startswith=area).select_related("house").order_by("id")[:500]
    )
    central = getattr(member, "central_household", None) if hasattr(member, "central_household") else None
    mine = set(central.covered.values_list("household_id", flat=True)) if central else set()
    others = dict(
        selectors.centrals_for(request.user)
        .exclude(member=member)
        .filter(covered__household__in=households)
        .values_list("covered__household_id", "member__person__name")
    )
    error = ""
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("households") if v.isdigit()]
        try:
            if chosen:
                services.set_central_household(actor=request.user, member=member, households=chosen)
            elif central is not None:  # none chosen: the member is no longer a central household
                services.remove_central_household(actor=request.user, central=central)
        except ValidationError as refused:
            error = " ".join(m for messages_ in refused.message_dict.values() for m in messages_)
            mine = set(chosen)
        else:
            messages.success(request, _("Saved."))
            return redirect("party:member", pk=member.pk)
    rows = [{"household": h, "checked": h.pk in mine, "covered_by": others.get(h.pk, "")} for h in households]
    context = {
        "member": member,
        "rows": rows,
        "error": error,
        "maximum": conf.central_household_max(),
        "minimum": conf.central_household_min(),
        "shared": conf.shared_coverage(),
    }
    return _page(request, "party/central_form.html", context)


# --- 双百 lists ------------------------------------------------------------------------------------------


def _signed_in(view):
    """Pages a member reaches from their own account: signed in is enough; what they see is scoped."""
    return login_required(view)


@_signed_in
def item_list(request):
    params = request.GET
    kind = params.get("kind", "") if params.get("kind", "") in ItemKind.values else ""
    status = params.get("status", "") if params.get("status", "") in ItemStatus.values else ""
    community = params.get("community", "")[:24]
    rows = selectors.items_filtered(request.user, community=community, kind=kind, status=status)
    page = Paginator(rows.prefetch_related(selectors.ITEM_CLAIMS), PAGE_SIZE).get_page(params.get("page") or 1)
    can_change = permissions.can(request.user, permissions.CHANGE)
    communities = selectors.regions_in_reach(request.user, [Level.COMMUNITY]) if can_change else []
    form = forms.ItemForm(communities=communities)
    if request.method == "POST" and can_change:
        form = forms.ItemForm(request.POST, communities=communities)
        if form.is_valid():
            try:
                item = services.publish_item(actor=request.user, **form.cleaned_data)
            except ValidationError as refused:
                forms.apply_service_errors(form, refused)
            else:
                messages.success(request, _("Published."))
                return redirect("party:item", pk=item.pk)
    query = params.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "items": page.object_list,
        "kinds": ItemKind.choices,
        "statuses": ItemStatus.choices,
        "filters": {"kind": kind, "status": status, "community": community},
        "pickable": selectors.regions_in_reach(request.user, [Level.STREET, Level.COMMUNITY]),
        "query": query.urlencode(),
        "form": form if communities else None,
        "reads_ledger": permissions.can(request.user, permissions.VIEW),
    }
    return _page(request, "party/item_list.html", context)


@_signed_in
def item_detail(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    claim = selectors.claim_of(item)
    own = selectors.own_member(request.user)
    units = list(selectors.own_units(request.user).filter(community=item.community))
    can_change = permissions.can(request.user, permissions.CHANGE)
    complete_form = forms.CompleteForm()
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "claim":
                unit = request.POST.get("unit") or None
                member = request.POST.get("member") or None
                services.claim_item(actor=request.user, item=item, member=member, unit=unit)
                messages.success(request, _("Claimed."))
                return redirect("party:item", pk=item.pk)
            if action == "complete" and claim is not None:
                complete_form = forms.CompleteForm(request.POST, request.FILES)
                if complete_form.is_valid():
                    data = complete_form.cleaned_data
                    services.complete_claim(
                        actor=request.user, claim=claim, note=data["note"], hours=data["hours"], photo=data["photo"]
                    )
                    messages.success(request, _("Marked done."))
                    return redirect("party:item", pk=item.pk)
            status = 400
        except ValidationError as refused:
            status = 400
            if action == "complete":
                forms.apply_service_errors(complete_form, refused)
            else:
                error = " ".join(m for messages_ in refused.message_dict.values() for m in messages_)
        except Conflict as clash:
            error, status = str(clash), 409
    may_complete = (
        claim is not None and claim.status == ClaimStatus.CLAIMED and services.may_complete(request.user, claim)
    )
    context = {
        "item": item,
        "claim": claim,
        "claimant_visible": claim is not None and selectors.may_see_claimant(request.user, claim),
        "own": own,
        "units": units,
        "can_change": can_change,
        "members": (
            selectors.members_for(request.user)
            .filter(left_on__isnull=True, person__region_path__startswith=item.community_path)
            .order_by("person__name")[:300]
            if can_change and item.status == ItemStatus.OPEN
            else []
        ),
        "complete_form": complete_form if may_complete else None,
        "error": error,
    }
    return render(request, "party/item_detail.html", {"nav": "party", **context}, status=status)


@login_required
@require_GET
def claim_photo(request, pk: int):
    """The photo of a done claim, only for someone who may see the item (404 otherwise)."""
    claim = selectors.get_claim_for(request.user, pk)
    if not claim.photo:
        raise Http404
    try:
        handle = claim.photo.open("rb")
    except FileNotFoundError:
        raise Http404("photo file") from None
    response = FileResponse(handle, content_type=claim.photo_type or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- 双报到 ---------------------------------------------------------------------------------------------


@_signed_in
def mine(request):
    """A member's own party work: register (双报到) with the community where they live, the items of their
    communities, what they claimed."""
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("unit"):
                services.register_unit(actor=request.user, unit=request.POST["unit"])
            else:
                services.register_member(actor=request.user)
        except ValidationError as refused:
            error = " ".join(m for messages_ in refused.message_dict.values() for m in messages_)
        except Conflict as clash:
            error = str(clash)
        else:
            messages.success(request, _("Registered. The community will confirm."))
            return redirect("party:mine")
    own = selectors.own_member(request.user)
    units = list(selectors.own_units(request.user).select_related("community", "registration").order_by("name"))
    for unit in units:
        unit.own_members = list(selectors.unit_members(request.user, unit)[:200])
    registration = getattr(own, "registration", None) if own is not None else None
    items = selectors.items_for(request.user).prefetch_related(selectors.ITEM_CLAIMS)
    context = {
        "own": own,
        "registration": registration,
        "units": units,
        "open_items": items.filter(status=ItemStatus.OPEN).order_by("-created_at", "-id")[:50],
        "claimed": selectors.items_filtered(request.user, mine=True).order_by("-created_at", "-id")[:100],
        "error": error,
    }
    return render(request, "party/mine.html", {"nav": "party", **context}, status=400 if error else 200)


@party_view
def registrations(request):
    """Who registered with the communities in reach (双报到), confirmed or not, and what each did."""
    community = request.GET.get("community", "")[:24]
    status = request.GET.get("status", "") if request.GET.get("status", "") in RegistrationStatus.values else ""
    error = ""
    if request.method == "POST":
        registration = selectors.get_registration_for(request.user, request.POST.get("registration"))
        try:
            services.confirm_registration(actor=request.user, registration=registration)
        except ValidationError as refused:
            error = " ".join(m for messages_ in refused.message_dict.values() for m in messages_)
        except (Conflict, PermissionDenied) as clash:
            error = str(clash)
        else:
            messages.success(request, _("Confirmed."))
            return redirect(request.get_full_path())
    rows = selectors.registration_rows(request.user, community=community, status=status)
    context = {
        "rows": rows,
        "filters": {"community": community, "status": status},
        "statuses": RegistrationStatus.choices,
        "pickable": selectors.regions_in_reach(request.user, [Level.STREET, Level.COMMUNITY]),
        "can_change": permissions.can(request.user, permissions.CHANGE),
        "error": error,
    }
    return render(request, "party/registrations.html", {"nav": "party", **context}, status=400 if error else 200)


# --- organisation and member writes (people.change) ------------------------------------------------------


def _changer(view):
    @party_view
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        permissions.require(request.user, permissions.CHANGE)
        return view(request, *args, **kwargs)

    return wrapper


def _organisation_choices(user, exclude=None):
    rows = selectors.organisations_for(user).order_by("name", "id")
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return list(rows[:1000])


def _form_page(request, template: str, context: dict, *, invalid: bool):
    return render(request, template, {"nav": "party", **context}, status=400 if invalid else 200)


@_changer
def organisation_new(request):
    regions = selectors.regions_in_reach(request.user)
    organisations = _organisation_choices(request.user)
    initial = {"parent": request.GET.get("parent", "")}
    form = forms.OrganisationForm(request.POST or None, initial=initial, organisations=organisations, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.create_organisation(
                actor=request.user,
                kind=data["kind"],
                name=data["name"],
                regions=data["regions"],
                parent=data["parent"],
                community=data["community"] or None,
                note=data["note"],
            )
        except ValidationError as refused:
            forms.apply_service_errors(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("party:organisation", pk=organisation.pk)
    context = {"form": form, "title": _("New party organisation")}
    return _form_page(request, "party/form_page.html", context, invalid=request.method == "POST")


@_changer
def organisation_edit(request, pk: int):
    organisation = selectors.get_organisation_for(request.user, pk)
    regions = selectors.regions_in_reach(request.user)
    initial = {
        "name": organisation.name,
        "regions": [s.region.code for s in organisation.served.select_related("region")],
        "community": organisation.community.code if organisation.community_id else "",
        "note": organisation.note,
    }
    form = forms.OrganisationForm(request.POST or None, initial=initial, regions=regions, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_organisation(
                actor=request.user,
                organisation=organisation,
                name=data["name"],
                regions=data["regions"],
                community=data["community"] or None,
                note=data["note"],
            )
        except ValidationError as refused:
            forms.apply_service_errors(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("party:organisation", pk=organisation.pk)
    context = {"form": form, "title": organisation.name, "back": organisation}
    return _form_page(request, "party/form_page.html", context, invalid=request.method == "POST")


@_changer
def organisation_move(request, pk: int):
    organisation = selectors.get_organisation_for(request.user, pk)
    choices = _organisation_choices(request.user, exclude=organisation)
    form = forms.MoveForm(request.POST or None, initial={"parent": organisation.parent_id}, organisations=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_organisation(
                actor=request.user, organisation=organisation, parent=form.cleaned_data["parent"]
            )
        except ValidationError as refused:
            forms.apply_service_errors(form, refused)
        else:
            messages.success(request, _("Moved."))
            return redirect("party:organisation", pk=organisation.pk)
    context = {"form": form, "title": _("Move %(name)s") % {"name": organisation.name}, "back": organisation}
    return _form_page(request, "party/form_page.html", context, invalid=request.method == "POST")


def _member_form(request, data=None, *, member=None):
    organisations = _organisation_choices(request.user)
    grids = selectors.regions_in_reach(request.user, GRID_LEVELS)
    chosen = None
    if member is None:
        initial = {"person": request.GET.get("person", ""), "organisation": request.GET.get("organisation", "")}
        chosen = selectors.chosen_person(request.user, (data or {}).get("person") or initial["person"])
    else:
        initial = {
            "organisation": member.organisation_id,
            "status": member.status,
            "joined_on": member.joined_on,
            "in_service": member.in_service,
            "employer": member.employer,
            "grid": member.grid.code if member.grid_id else "",
        }
    return forms.MemberForm(
        data, initial=initial, organisations=organisations, grids=grids, editing=member is not None, chosen=chosen
    )


@require_GET
@_changer
def person_search(request):
    """The add-member form's person search (HTMX fragment): radio buttons for the persons found in reach."""
    q = request.GET.get("person_q", "")
    context = {"persons": selectors.person_choices(request.user, q), "q": q.strip(), "name": "person"}
    return render(request, "party/_person_choices.html", context)


@_changer
def member_new(request):
    form = _member_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.create_member(actor=request.user, **{**data, "grid": data["grid"] or None})
        except ValidationError as refused:
            forms.apply_service_errors(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("party:member", pk=member.pk)
    context = {"form": form, "title": _("New party member"), "tab": "members"}
    return _form_page(request, "party/form_page.html", context, invalid=request.method == "POST")


@_changer
def member_edit(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    form = _member_form(request, request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_member(actor=request.user, member=member, **{**data, "grid": data["grid"] or None})
        except ValidationError as refused:
            forms.apply_service_errors(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("party:member", pk=member.pk)
    context = {"form": form, "title": member.person.name, "back_member": member, "tab": "members"}
    return _form_page(request, "party/form_page.html", context, invalid=request.method == "POST")


@_changer
def member_leave(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    form = forms.LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_leaves(
                actor=request.user,
                member=member,
                left_on=data["left_on"],
                leave_kind=data["leave_kind"],
                note=data["leave_note"],
            )
        except ValidationError as refused:
            forms.apply_service_errors(form, refused)
        except Conflict as clash:
            form.add_error(None, str(clash))
        else:
            messages.success(request, _("Saved."))
            return redirect("party:member", pk=member.pk)
    context = {
        "form": form,
        "title": _("%(name)s leaves") % {"name": member.person.name},
        "intro": _(
            "The member is kept with the date and how they left, never deleted; they stop being a central household, secretary or committee member."
        ),
        "back_member": member,
        "tab": "members",
    }
    return _form_page(request, "party/form_page.html", context, invalid=request.method == "POST")


# --- members from Excel: a dry run naming every row's result, then the import confirmed ------------------

IMPORT_KEY = "party_member_import"


def _import_page(request, form, report, *, status=200):
    context = {"form": form, "report": report, "title": _("Import party members"), "tab": "members"}
    return render(request, "party/member_import.html", {"nav": "party", **context}, status=status)


@never_cache
@_changer
def member_import(request):
    """Upload → every row checked through the single add's rules and nothing stored; a clean file is kept
    (encrypted, ``people.uploads``) until confirmed."""
    form = forms.MemberImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        report = importing.run(actor=request.user, sheet=importing.read(data), dry_run=True)
        if report.ok:
            uploads.stash(request.session, data, {"name": form.cleaned_data["file"].name[:100]}, key=IMPORT_KEY)
        else:
            uploads.discard(request.session, key=IMPORT_KEY)
    invalid = request.method == "POST" and (report is None or not report.ok)
    return _import_page(request, form, report, status=400 if invalid else 200)


@require_POST
@_changer
def member_import_confirm(request):
    stashed = uploads.load(request.session, key=IMPORT_KEY)
    if stashed is None:
        messages.error(request, _("The checked file is gone: upload it again."))
        return redirect("party:member_import")
    data, _meta = stashed
    uploads.discard(request.session, key=IMPORT_KEY)
    report = importing.run(actor=request.user, sheet=importing.read(data), dry_run=False)
    if not report.ok:
        return _import_page(request, forms.MemberImportForm(), report, status=400)
    messages.success(request, _("%(n)d party members imported.") % {"n": report.added})
    return redirect("party:members")


@require_GET
@_changer
def member_import_template(request):
    response = HttpResponse(importing.member_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="party-members-template.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# --- 红色物业 --------------------------------------------------------------------------------------------


def _last_half() -> dict:
    """The half year that ended last: the one to list."""
    today = timezone.localdate()
    return {"year": today.year, "half": 1} if today.month > 6 else {"year": today.year - 1, "half": 2}


@party_view
def property_list(request):
    """The red property companies in reach, the published red/black lists; register and publish (staff)."""
    user = request.user
    can_change = permissions.can(user, permissions.CHANGE)
    communities = selectors.regions_in_reach(user, [Level.COMMUNITY])
    register = listing = None
    if can_change:
        register = forms.CompanyForm(
            request.POST if request.POST.get("form") == "register" else None,
            companies=selectors.unregistered_property_companies(user),
            communities=communities,
            organisations=_organisation_choices(user),
        )
        listing = forms.ListingForm(
            request.POST if request.POST.get("form") == "publish" else None,
            initial=_last_half(),
            communities=communities,
        )
    invalid = False
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = register if request.POST.get("form") == "register" else listing
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is register:
                    made = services.register_company(actor=user, **data)
                    messages.success(request, _("Saved."))
                    return redirect("party:property_company", pk=made.pk)
                made = services.publish_listing(actor=user, **data)
                messages.success(request, _("Published."))
                return redirect("party:property_listing", pk=made.pk)
            except ValidationError as refused:
                forms.apply_service_errors(form, refused)
            except Conflict as clash:
                form.add_error(None, str(clash))
        invalid = True
    context = {
        "companies": selectors.companies_for(user).order_by("community_path", "id")[:200],
        "listings": selectors.listings_for(user)[:50],
        "register": register,
        "listing": listing,
        "tab": "property",
    }
    return render(request, "party/property_list.html", {"nav": "party", **context}, status=400 if invalid else 200)


@party_view
def property_detail(request, pk: int):
    company = selectors.get_company_for(request.user, pk)
    can_change = permissions.can(request.user, permissions.CHANGE)
    form = forms.CheckForm(request.POST or None, initial={"month": timezone.localdate().replace(day=1)})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_check(actor=request.user, company=company, **form.cleaned_data)
            except ValidationError as refused:
                forms.apply_service_errors(form, refused)
            except Conflict as clash:
                form.add_error(None, str(clash))
            else:
                messages.success(request, _("Saved."))
                return redirect("party:property_company", pk=company.pk)
    year = timezone.localdate().year
    context = {
        "company": company,
        "checks": company.checks.order_by("-month")[:12],
        "items": CheckItem.choices,
        "quarters": [selectors.quarter_score(company, year, q) for q in (1, 2, 3, 4)],
        "compounds": selectors.company_compounds(request.user, company),
        "form": form if can_change else None,
        "tab": "property",
    }
    invalid = request.method == "POST"
    return render(request, "party/property_detail.html", {"nav": "party", **context}, status=400 if invalid else 200)


@login_required
def property_listing(request, pk: int):
    """A published list: the community's staff and residents alike (it is public to the community)."""
    listing = selectors.get_listing_for(request.user, pk)
    return render(request, "party/property_listing.html", {"nav": "party", "listing": listing, "tab": "property"})


@_changer
def unit_staff(request, pk: int):
    """The accounts acting for a co-building unit (its own staff): they register it, claim for it and see its
    members and claims from their own 党员报到 page."""
    unit = selectors.get_organisation_for(request.user, pk)
    if unit.kind != OrganisationKind.COBUILDING:
        raise Http404
    current = "\n".join(
        unit.staff.select_related("user").order_by("user__username").values_list("user__username", flat=True)
    )
    form = forms.UnitStaffForm(request.POST or None, initial={"staff": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_unit_staff(actor=request.user, unit=unit, usernames=form.cleaned_data["staff"].split())
        except ValidationError as refused:
            forms.apply_service_errors(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("party:organisation", pk=unit.pk)
    context = {"form": form, "title": _("Staff of %(name)s") % {"name": unit.name}, "back": unit}
    return _form_page(request, "party/form_page.html", context, invalid=request.method == "POST")
