"""Reads of patrols, always scoped: a worker sees their own patrols; chiefs, community staff, leaders and the
command centre see those of the regions of those memberships (404 for the rest, like an absent one)."""

from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from wangge.accounts.models import Membership, Role
from wangge.accounts.scope import paths_filter, restrict, restrict_regions
from wangge.patrols import conf
from wangge.patrols.models import Patrol, Visit
from wangge.people import permissions as people_permissions
from wangge.people import selectors as people_selectors
from wangge.people.models import PersonLabel
from wangge.regions.models import Level, Region

# Roles that oversee other people's patrols in their regions (a grid worker sees only their own).
OVERSEERS = (
    Role.GRID_CHIEF,
    Role.COMMUNITY_STAFF,
    Role.STREET_LEADER,
    Role.COMMAND_OPERATOR,
    Role.DISPATCHER,
    Role.DUTY_CHIEF,
    Role.ADMIN,
)


def overseen_paths(user) -> tuple[str, ...]:
    if not user or not user.is_authenticated:
        return ()
    cached = getattr(user, "_wangge_patrol_paths", None)
    if cached is None:
        cached = tuple(
            sorted(
                set(
                    Membership.objects.filter(
                        user=user, is_active=True, role__in=OVERSEERS, region__is_active=True
                    ).values_list("region__path", flat=True)
                )
            )
        )
        user._wangge_patrol_paths = cached
    return cached


def patrols_for(user) -> QuerySet:
    if not user or not user.is_authenticated or not user.is_active:
        return Patrol.objects.none()
    if user.is_superuser:
        return Patrol.objects.all()
    paths = overseen_paths(user)
    return Patrol.objects.filter(Q(worker=user) | paths_filter(paths, "region_path") if paths else Q(worker=user))


def get_patrol_for(user, pk: int) -> Patrol:
    patrol = patrols_for(user).select_related("worker", "region").filter(pk=pk).first()
    if patrol is None:
        raise Http404
    return patrol


def patrols_filtered(user, *, worker: int | None = None, region: str = "", date_from=None, date_to=None):
    rows = patrols_for(user)
    if worker:
        rows = rows.filter(worker_id=worker)
    if region:
        target = get_region_overseen(user, region)
        rows = rows.filter(region_path__startswith=target.path)
    if date_from:
        rows = rows.filter(started_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(started_at__date__lte=date_to)
    return rows


def open_patrol(user) -> Patrol | None:
    return Patrol.objects.filter(worker=user, ended_at__isnull=True).order_by("-started_at").first()


def grids_passed(patrol: Patrol) -> list[Region]:
    """The grids and micro-grids the patrol passed through (a micro-grid's grid too)."""
    regions = list(Region.objects.defer("boundary").filter(pk__in=patrol.regions_passed))
    parents = {r.parent_id for r in regions if r.level == Level.MICRO_GRID} - {r.pk for r in regions}
    regions += list(Region.objects.defer("boundary").filter(pk__in=parents))
    return sorted(regions, key=lambda r: r.code)


def cases_of(patrol: Patrol):
    return patrol.cases.order_by("created_at")


def get_region_overseen(user, code: str) -> Region:
    """A region the caller may look at patrols in: under one of their overseeing memberships (or any for a
    superuser); 404 otherwise."""
    region = restrict_regions(Region.objects.defer("boundary"), user).filter(code=code, is_active=True).first()
    if region is None:
        raise Http404
    if not user.is_superuser and not any(region.path.startswith(p) for p in overseen_paths(user)):
        raise Http404
    return region


def coverage(user, code: str, *, days: int | None = None, today: date | None = None) -> dict:
    """Which micro-grids (or grids without micro-grids) under ``code`` were patrolled within ``days`` days,
    with the last patrol day of each, and each worker's patrol time and distance in that window."""
    region = get_region_overseen(user, code)
    days = days or conf.coverage_days()
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    cells = list(
        Region.objects.defer("boundary")
        .filter(
            path__startswith=region.path, is_active=True, level__in=(Level.MICRO_GRID, Level.GRID, Level.SPECIAL_GRID)
        )
        .order_by("code")
    )
    with_children = {c.parent_id for c in cells if c.level == Level.MICRO_GRID}
    cells = [c for c in cells if c.level == Level.MICRO_GRID or c.pk not in with_children]
    patrols = patrols_for(user).filter(started_at__date__gte=since)
    patrols = patrols.filter(started_at__date__lte=today)
    last: dict[int, date] = {}
    for started, passed in patrols.values_list("started_at", "regions_passed").iterator(chunk_size=500):
        day = timezone.localdate(started)
        for region_id in passed or ():
            if region_id not in last or last[region_id] < day:
                last[region_id] = day
    rows = [{"region": c, "last_patrolled": last.get(c.pk), "covered": c.pk in last} for c in cells]
    workers = (
        patrols.filter(region_path__startswith=region.path)
        .values("worker_id", "worker__username", "worker__display_name")
        .annotate(distance_m=Sum("distance_m"), duration_s=Sum("duration_s"))
        .order_by("worker__username")
    )
    return {
        "region": region,
        "days": days,
        "date_from": since,
        "date_to": today,
        "cells": rows,
        "covered": sum(1 for r in rows if r["covered"]),
        "workers": list(workers),
    }


def default_region(user) -> Region | None:
    """The widest region whose patrols the caller oversees (for the coverage page without ``region``)."""
    if user.is_superuser:
        return Region.objects.defer("boundary").filter(parent__isnull=True, is_active=True).order_by("code").first()
    paths = overseen_paths(user)
    if not paths:
        return None
    return Region.objects.defer("boundary").filter(path=min(paths, key=len), is_active=True).first()


# --- household visits ----------------------------------------------------------------------------------


def visits_for(user) -> QuerySet:
    """Visits of the households and persons in the caller's data reach (people.view needed)."""
    if not people_permissions.can(user, people_permissions.VIEW):
        return Visit.objects.none()
    return restrict(Visit.objects.all(), user, field="region_path")


def get_visit_for(user, pk: int) -> Visit:
    visit = (
        visits_for(user)
        .select_related("worker", "household__house", "person", "case")
        .prefetch_related("photos")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def visits_of_household(user, household) -> QuerySet:
    return visits_for(user).filter(Q(household=household) | Q(person__household=household)).select_related("worker")


def visits_of_person(user, person) -> QuerySet:
    subject = Q(person=person)
    if person.household_id:
        subject |= Q(household_id=person.household_id, person__isnull=True)
    return visits_for(user).filter(subject).select_related("worker")


def overdue_households(user, *, today: date | None = None) -> QuerySet:
    """Households in the caller's reach whose last visit is older than their interval (or who were never
    visited): ``VISIT_EVERY_DAYS``, or ``VISIT_EVERY_DAYS_LABELLED`` with a member labelled ``VISIT_LABELS``.
    Each row carries ``last_visit`` and ``labelled``."""
    today = today or timezone.localdate()
    labelled = Exists(PersonLabel.objects.filter(person__household=OuterRef("pk"), kind__in=conf.visit_labels()))
    rows = (
        people_selectors.households_for(user)
        .annotate(
            last_visit=Max("visits__visited_on", filter=Q(visits__isnull=False)),
            labelled=labelled,
        )
        .filter(
            Q(last_visit__isnull=True)
            | Q(labelled=True, last_visit__lt=today - timedelta(days=conf.visit_every_days_labelled()))
            | Q(labelled=False, last_visit__lt=today - timedelta(days=conf.visit_every_days()))
        )
    )
    if not people_permissions.can(user, people_permissions.VIEW):
        return rows.none()
    return rows


def coverage_geojson(found: dict) -> dict:
    """The cells of ``coverage()`` as GeoJSON (one query for their boundaries), for the map layer."""
    boundaries = dict(
        Region.objects.filter(pk__in=[row["region"].pk for row in found["cells"]]).values_list("pk", "boundary")
    )
    features = []
    for row in found["cells"]:
        boundary = boundaries.get(row["region"].pk)
        if not boundary:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": boundary,
                "properties": {
                    "name": row["region"].name,
                    "covered": row["covered"],
                    "last": row["last_patrolled"].isoformat() if row["last_patrolled"] else "",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
