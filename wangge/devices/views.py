"""Device pages: thin views over ``selectors`` (scoped reads, 404 out of reach) and, for administrators, the
Excel import (``imports``: a dry run listing every row's result, then the checked file registered at once)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wangge.core.excel import XLSX
from wangge.devices import imports, permissions, selectors
from wangge.devices.forms import ImportForm, StatisticsForm
from wangge.devices.models import DeviceKind, DeviceState
from wangge.people import uploads

IMPORT_SESSION_KEY = "devices_import"

PAGE_SIZE = 30
MAP_LIMIT = 2000


def _filters(request) -> dict:
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    return {
        "kind": kind if kind in DeviceKind.values else "",
        "state": state if state in DeviceState.values else "",
        "region": request.GET.get("region", "").strip()[:20],
        "q": request.GET.get("q", "").strip()[:64],
    }


def _region_choices(user) -> list[tuple[str, str]]:
    """(code, name) of the regions the filter offers, indented by depth under the shallowest."""
    regions = selectors.picker_regions(user)
    top = min((r.depth for r in regions), default=0)
    return [(r.code, f"{'· ' * (r.depth - top)}{r.name}") for r in regions]


def _devices(request, filters):
    try:
        return selectors.devices_filtered(request.user, **filters), ""
    except Http404 as exc:
        return selectors.devices_for(request.user).none(), str(exc)


@login_required
def device_list(request):
    filters = _filters(request)
    rows, problem = _devices(request, filters)
    page = Paginator(rows.order_by("serial", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "devices/device_list.html",
        {
            "nav": "devices",
            "page_obj": page,
            "devices": page.object_list,
            "filters": filters,
            "problem": problem,
            "query": query,
            "kinds": DeviceKind.choices,
            "states": DeviceState.choices,
            "regions": _region_choices(request.user),
            "counts": selectors.state_counts(request.user),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@login_required
def device_detail(request, pk: int):
    device = selectors.get_device_for(request.user, pk)
    return render(
        request,
        "devices/device_detail.html",
        {
            "nav": "devices",
            "device": device,
            "messages_": selectors.recent_messages(device),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@login_required
def device_map(request):
    filters = _filters(request)
    rows, problem = _devices(request, filters)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [d.lon, d.lat]},
            "properties": {
                "id": d.pk,
                "serial": d.serial,
                "name": d.name or d.serial,
                "kind": str(d.get_kind_display()),
                "state": d.state,
                "stateLabel": str(d.get_state_display()),
                "url": f"/devices/{d.pk}/",
            },
        }
        for d in rows.order_by("serial")[:MAP_LIMIT]
    ]
    config = {"tileUrl": settings.MAP_TILE_URL, "devices": {"type": "FeatureCollection", "features": features}}
    return render(
        request,
        "devices/device_map.html",
        {
            "nav": "devices",
            "config": config,
            "filters": filters,
            "problem": problem,
            "kinds": DeviceKind.choices,
            "states": DeviceState.choices,
            "regions": _region_choices(request.user),
            "shown": len(features),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@login_required
@require_GET
def device_statistics(request):
    """Per device kind: online/offline now, alarms, cases, false alarms and response times over a period."""
    form = StatisticsForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    problem, figures, status = "", None, 400 if form.errors else 200
    try:
        figures = selectors.kind_statistics(
            request.user,
            date_from=chosen.get("date_from"),
            date_to=chosen.get("date_to"),
            region=(chosen.get("region") or "").strip(),
        )
    except ValidationError as exc:  # a reversed or too long period: the message, a 400
        problem, status = " ".join(m for found in exc.message_dict.values() for m in found), 400
    except Http404 as exc:  # a region out of reach answers like an absent one
        problem, status = str(exc), 404
    return render(
        request,
        "devices/statistics.html",
        {
            "nav": "devices",
            "form": form,
            "figures": figures,
            "problem": problem,
            "regions": _region_choices(request.user),
            "can_manage": permissions.can_manage(request.user),
        },
        status=status,
    )


def _import_page(request, form, report=None, status=200):
    return render(
        request,
        "devices/import.html",
        {"nav": "devices", "form": form, "report": report, "can_manage": True, "columns": imports.COLUMNS},
        status=status,
    )


@never_cache
@login_required
def device_import(request):
    """Upload → dry run with every row's result; a clean file is kept (encrypted) until it is confirmed."""
    permissions.require_manage(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form, status=400 if form.errors else 200)
    upload = form.cleaned_data["file"]
    try:
        report = imports.import_devices(actor=request.user, upload=upload, dry_run=True)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error("file" if name not in form.fields else name, errors)
        uploads.discard(request.session, key=IMPORT_SESSION_KEY)
        return _import_page(request, form, status=400)
    if report.ok and report.rows:
        upload.seek(0)
        uploads.stash(request.session, upload.read(), {"name": upload.name[:100]}, key=IMPORT_SESSION_KEY)
    else:
        uploads.discard(request.session, key=IMPORT_SESSION_KEY)
    return _import_page(request, ImportForm(), report, status=200 if report.ok else 400)


@require_POST
@login_required
def device_import_confirm(request):
    """Register the rows of the file the dry run checked (checked again: all rows or none)."""
    permissions.require_manage(request.user)
    stashed = uploads.load(request.session, key=IMPORT_SESSION_KEY)
    if stashed is None:
        messages.error(request, _("The checked file is gone: upload it again."))
        return redirect("devices:import")
    data, meta = stashed
    upload = SimpleUploadedFile(meta.get("name") or "devices.xlsx", data, content_type=XLSX)
    try:
        report = imports.import_devices(actor=request.user, upload=upload, dry_run=False)
    except ValidationError as exc:
        uploads.discard(request.session, key=IMPORT_SESSION_KEY)
        form = ImportForm()
        for errors in exc.message_dict.values():
            form.add_error(None, errors)
        return _import_page(request, form, status=400)
    uploads.discard(request.session, key=IMPORT_SESSION_KEY)
    if not report.ok:  # something changed since the dry run (e.g. a serial registered meanwhile)
        return _import_page(request, ImportForm(), report, status=400)
    messages.success(
        request,
        ngettext("%(n)d device registered.", "%(n)d devices registered.", report.created) % {"n": report.created},
    )
    return redirect("devices:list")
