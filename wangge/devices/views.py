"""Device pages: thin views over ``selectors`` (scoped reads, 404 out of reach)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from wangge.devices import selectors
from wangge.devices.models import DeviceKind, DeviceState

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
        },
    )


@login_required
def device_detail(request, pk: int):
    device = selectors.get_device_for(request.user, pk)
    return render(
        request,
        "devices/device_detail.html",
        {"nav": "devices", "device": device, "messages_": selectors.recent_messages(device)},
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
        },
    )
