"""Patrol pages: the phone's start/finish page (the GPS is recorded by ``static/patrols/recorder.js``), one
patrol on a map, coverage per region. Thin: scoped reads through ``selectors`` (404 out of reach)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Membership
from wangge.patrols import conf, selectors, services, track

LIST_SIZE = 50


@login_required
def index(request):
    """Your open patrol (start / finish) and the latest patrols you may see."""
    user = request.user
    can_patrol = Membership.objects.filter(user=user, is_active=True, role__in=services.PATROL_ROLES).exists()
    current = selectors.open_patrol(user) if can_patrol else None
    rows = selectors.patrols_for(user).select_related("worker", "region").order_by("-started_at", "-id")[:LIST_SIZE]
    context = {
        "nav": "patrols",
        "can_patrol": can_patrol,
        "current": current,
        "patrols": rows,
        "recorder": {
            "pointsUrl": f"/api/v1/patrols/{current.pk}/points" if current else "",
            "patrol": current.pk if current else None,
        },
        "overseen": selectors.overseen_paths(user) or user.is_superuser,
    }
    return render(request, "patrols/index.html", context)


@login_required
@require_POST
def start(request):
    services.start_patrol(actor=request.user)
    return redirect("patrols:index")


@login_required
@require_POST
def finish(request, pk: int):
    patrol = selectors.get_patrol_for(request.user, pk)
    services.finish_patrol(actor=request.user, patrol=patrol)
    messages.success(request, _("Patrol finished."))
    return redirect("patrols:detail", pk=patrol.pk)


@login_required
def detail(request, pk: int):
    patrol = selectors.get_patrol_for(request.user, pk)
    config = {
        "tileUrl": settings.MAP_TILE_URL,
        "track": track.geojson(patrol.array(), conf.simplify_tolerance_m()),
    }
    context = {
        "nav": "patrols",
        "patrol": patrol,
        "grids": selectors.grids_passed(patrol),
        "cases": selectors.cases_of(patrol),
        "config": config,
        "distance_km": patrol.distance_m / 1000,
        "duration_min": patrol.duration_s // 60,
    }
    return render(request, "patrols/detail.html", context)


@login_required
def coverage(request):
    code = request.GET.get("region", "")[:24]
    if not code:
        region = selectors.default_region(request.user)
        if region is None:
            raise Http404
        return redirect(f"{reverse('patrols:coverage')}?region={region.code}")
    try:
        days = int(request.GET.get("days", "") or conf.coverage_days())
    except ValueError:
        days = conf.coverage_days()
    days = min(max(days, 1), 366)
    found = selectors.coverage(request.user, code, days=days)
    return render(request, "patrols/coverage.html", {"nav": "patrols", **found})
