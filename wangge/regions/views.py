from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from wangge.regions import selectors


@login_required
def tree(request):
    roots = selectors.with_child_counts(selectors.scope_roots(request.user))
    return render(request, "regions/tree.html", {"roots": roots, "nav": "regions"})


@login_required
def tree_children(request, code):
    parent = selectors.get_region_for(request.user, code)
    children = selectors.with_child_counts(selectors.children_for(request.user, parent.code))
    return render(request, "regions/_tree_nodes.html", {"nodes": children})


@login_required
def detail(request, code):
    region = selectors.get_region_for(request.user, code)
    card = selectors.region_card(region, request.user)
    children = selectors.with_child_counts(selectors.children_for(request.user, region.code))
    return render(
        request, "regions/detail.html", {"card": card, "region": region, "children": children, "nav": "regions"}
    )


@login_required
def card(request, code):
    region = selectors.get_region_for(request.user, code)
    return render(
        request,
        "regions/_card.html",
        {
            "card": selectors.region_card(region, request.user),
            "region": region,
            "child_count": region.children.filter(is_active=True).count(),
        },
    )


@login_required
def map_page(request):
    roots = selectors.scope_roots(request.user)
    requested = request.GET.get("code", "")
    start = selectors.get_region_for(request.user, requested).code if requested else ""
    config = {
        "roots": [r.code for r in roots],
        "start": start,
        "home": [r.code for r in roots],
        "api": "/api/v1/regions",
        "cardUrl": "/regions/__code__/card/",
        "tileUrl": settings.MAP_TILE_URL,
        "labels": {
            "all": _("All my areas"),
            "drill": _("Open the map inside"),
            "up": _("Up one level"),
            "loading": _("Loading…"),
            "failed": _("The map data could not be loaded."),
            "empty": _("This region has no drawn sub-regions."),
            "pick": _("Click a region on the map to see its card."),
        },
    }
    return render(request, "regions/map.html", {"config": config, "nav": "map"})
