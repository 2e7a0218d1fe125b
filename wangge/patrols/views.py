"""Patrol pages: the phone's start/finish page (the GPS is recorded by ``static/patrols/recorder.js``; a driver
picks the patrol car there), one patrol on a map, coverage per region, household visits, the patrol cars and
one car with its trips. Thin: scoped reads through ``selectors`` (404 out of reach)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.api_auth import login_or_bearer_required
from wangge.patrols import conf, forms, offers, selectors, services, track
from wangge.patrols.models import VisitPhoto
from wangge.people import permissions as people_permissions

LIST_SIZE = 50


def _index(request, *, start_errors=(), chosen: str = "", status: int = 200):
    """Your open patrol (start / finish) and the latest patrols you may see."""
    user = request.user
    can_patrol = services.can_patrol(user)
    current = selectors.open_patrol(user) if can_patrol else None
    rows = (
        selectors.patrols_for(user)
        .select_related("worker", "region", "vehicle")
        .order_by("-started_at", "-id")[:LIST_SIZE]
    )
    overseen = bool(selectors.overseen_paths(user) or user.is_superuser)
    context = {
        "nav": "patrols",
        "can_patrol": can_patrol,
        "current": current,
        "patrols": rows,
        "cars": list(selectors.vehicles_driven_by(user)) if can_patrol and current is None else [],
        "chosen": chosen,
        "start_errors": start_errors,
        "recorder": {
            "pointsUrl": f"/api/v1/patrols/{current.pk}/points" if current else "",
            "patrol": current.pk if current else None,
        },
        "overseen": overseen,
        "sees_cars": overseen or selectors.vehicles_for(user).exists(),
    }
    return render(request, "patrols/index.html", context, status=status)


@login_required
def index(request):
    return _index(request)


@login_required
@require_POST
def start(request):
    """Start a patrol; ``vehicle`` (a car the worker drives) makes it that car's trip."""
    vehicle = request.POST.get("vehicle", "")[:12] or None
    try:
        services.start_patrol(actor=request.user, vehicle=vehicle)
    except ValidationError as error:
        problems = [m for messages_ in error.message_dict.values() for m in messages_]
        return _index(request, start_errors=problems, chosen=vehicle or "", status=400)
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
    vehicle = patrol.vehicle
    context = {
        "nav": "patrols",
        "patrol": patrol,
        "vehicle": vehicle,
        "vehicle_page": vehicle is not None and selectors.vehicles_for(request.user).filter(pk=vehicle.pk).exists(),
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
    config = {"tileUrl": settings.MAP_TILE_URL, "cells": selectors.coverage_geojson(found)}
    return render(request, "patrols/coverage.html", {"nav": "patrols", "config": config, **found})


# --- patrol cars -------------------------------------------------------------------------------------------


def _sees_cars(request) -> None:
    """Residents and department staff have no patrol cars to see: 404 rather than an empty page."""
    user = request.user
    if not (user.is_superuser or selectors.overseen_paths(user) or selectors.vehicles_for(user).exists()):
        raise Http404


@login_required
def vehicles(request):
    """The patrol cars the caller oversees or drives, with their trips and mileage."""
    _sees_cars(request)
    rows = selectors.vehicles_filtered(request.user).order_by("-is_active", "plate")
    return render(request, "patrols/vehicles.html", {"nav": "patrols", "vehicles": rows[:200]})


@login_required
def vehicle(request, pk: int):
    """One car: figures, kilometres per month, drivers and the trips the caller may see."""
    found = selectors.get_vehicle_for(request.user, pk)
    months = selectors.vehicle_months(found)
    top = max((m["km"] for m in months), default=0) or 1
    driven = [i for i, m in enumerate(months) if m["trips"]]
    shown = months[driven[0] :] if driven else months[-1:]  # from its first month with a trip: no empty year
    trips = selectors.trips_filtered(request.user, vehicle=found.pk).order_by("-started_at", "-id")[:LIST_SIZE]
    context = {
        "nav": "patrols",
        "vehicle": found,
        "months": [{**m, "share": round(100 * m["km"] / top)} for m in reversed(shown)],
        "this_month": months[-1],
        "out_since": selectors.out_since(found),
        "trips": trips,
    }
    return render(request, "patrols/vehicle.html", context)


# --- household visits --------------------------------------------------------------------------------------


def _people_view(request) -> None:
    people_permissions.require(request.user, people_permissions.VIEW)


@login_required
def visits(request):
    """Visits in your reach (newest first) and the households overdue for a visit."""
    _people_view(request)
    rows = selectors.visits_for(request.user).select_related("worker", "household__house", "person", "case")
    mine = request.GET.get("mine") == "1"
    if mine:
        rows = rows.filter(worker=request.user)
    overdue = selectors.overdue_households(request.user).select_related("house").order_by("id")
    context = {
        "nav": "visits",
        "visits": rows.order_by("-visited_on", "-id")[:LIST_SIZE],
        "overdue": overdue[:LIST_SIZE],
        "overdue_count": overdue.count(),
        "mine": mine,
        "every_days": conf.visit_every_days(),
        "every_days_labelled": conf.visit_every_days_labelled(),
    }
    return render(request, "patrols/visits.html", context)


@login_required
def visit_new(request):
    _people_view(request)
    source = request.POST if request.method == "POST" else request.GET
    household_id, person_id = source.get("household") or None, source.get("person") or None
    if household_id is None and person_id is None:
        # Opened without a household (a bookmark, a typed address): the visits page lists whom to visit.
        messages.info(request, _("Pick the household to visit: from the visits due below, or from its page."))
        return redirect("patrols:visits")
    subject_household, subject_person = services._subject(request.user, household_id, person_id)
    form = forms.VisitForm(request.POST or None, request.FILES or None, initial=source.dict())
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.record_visit(
                actor=request.user,
                household=subject_household.pk if subject_household and not subject_person else None,
                person=subject_person.pk if subject_person else None,
                visited_on=form.cleaned_data["visited_on"],
                people_met=form.cleaned_data["people_met"],
                notes=form.cleaned_data["notes"],
                needs=form.cleaned_data["needs"],
                photos=request.FILES.getlist("photos")[:6],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("patrols:visit", pk=visit.pk)
    context = {"nav": "visits", "form": form, "household": subject_household, "person": subject_person}
    return render(request, "patrols/visit_form.html", context, status=400 if form.errors else 200)


@login_required
def visit(request, pk: int):
    _people_view(request)
    found = selectors.get_visit_for(request.user, pk)
    form = forms.VisitCaseForm(request.POST or None)
    if request.method == "POST":
        if found.worker_id != request.user.pk:
            raise PermissionDenied
        if form.is_valid():
            try:
                case = services.raise_case(
                    actor=request.user,
                    visit=found,
                    category=form.cleaned_data["category"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Case %(number)s reported.") % {"number": case.number})
                return redirect("patrols:visit", pk=found.pk)
    context = {
        "nav": "visits",
        "visit": found,
        "case_form": form,
        "photos": list(found.photos.all()),
        "offers": offers.links_for(request.user, found),
    }
    return render(request, "patrols/visit_detail.html", context, status=400 if form.errors else 200)


@login_or_bearer_required
def visit_photo(request, pk: int):
    _people_view(request)
    photo = VisitPhoto.objects.filter(pk=pk, visit__in=selectors.visits_for(request.user)).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)
