"""Party pages: thin views over ``selectors`` (scoped reads, 404 out of reach; 403 without ``people.view``)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.excel import XLSX
from wangge.party import conf, exports, selectors, services
from wangge.party.models import MemberStatus, OrganisationKind
from wangge.people import permissions

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
    return _page(request, "party/tree.html", {"tree": _tree(request.user)})


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
        "members": members.filter(organisation=organisation).order_by("person__name", "id")[:200],
        "member_count": members.filter(organisation=organisation).count(),
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
    return {
        "organisation": organisation,
        "region": params.get("region", "")[:24],
        "kind": kind,
        "in_service": _flag(params.get("in_service", "")),
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
        "filters": {"region": params.get("region", ""), "kind": kind, "in_service": params.get("in_service", "")},
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
        "shared": conf.shared_coverage(),
    }
    return _page(request, "party/central_form.html", context)
