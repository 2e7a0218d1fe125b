"""Reads of patrols, always scoped: a worker sees their own patrols; chiefs, community staff, leaders and the
command centre see those of the regions of those memberships (404 for the rest, like an absent one)."""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from wangge.accounts.models import Membership, Role
from wangge.accounts.scope import paths_filter, restrict, restrict_regions
from wangge.patrols import conf
from wangge.patrols.counters import PATROL_COUNTERS
from wangge.patrols.models import Patrol, Visit
from wangge.people import permissions as people_permissions
from wangge.people import selectors as people_selectors
from wangge.people.models import Household, PersonLabel
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
    # Day by day from the newest, with bounds in time (not ``__date`` lookups): the (region_path, started_at)
    # index serves them, no row's time is converted, and the first day a cell is seen is its last patrol day.
    patrols = patrols_for(user)
    wanted = {c.pk for c in cells}
    last: dict[int, date] = {}
    for back in range(days):
        day = today - timedelta(days=back)
        low, high = _day_bounds(day, day)
        passed_that_day = patrols.filter(started_at__gte=low, started_at__lt=high).values_list(
            "regions_passed", flat=True
        )
        for passed in passed_that_day.iterator(chunk_size=2000):
            for region_id in passed or ():
                if region_id in wanted and region_id not in last:
                    last[region_id] = day
        if len(last) == len(wanted):
            break
    low, high = _day_bounds(since, today)
    patrols = patrols.filter(started_at__gte=low, started_at__lt=high)
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


# --- counters for assessment (counts only: the caller has scoped the region) ---------------------------


def _cells_under(path: str) -> list[Region]:
    """The micro-grids under ``path``, and the grids there without micro-grids (coverage's cells)."""
    cells = list(
        Region.objects.defer("boundary")
        .filter(path__startswith=path, is_active=True, level__in=(Level.MICRO_GRID, Level.GRID, Level.SPECIAL_GRID))
        .only("pk", "path", "level", "parent_id")
    )
    with_children = {c.parent_id for c in cells if c.level == Level.MICRO_GRID}
    return [c for c in cells if c.level == Level.MICRO_GRID or c.pk not in with_children]


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of ``start`` to the start of the day after ``end`` (local time)."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def work_counters(region: Region, start: date, end: date, children=()) -> tuple[Counter, dict[str, Counter]]:
    """The counters of ``counters.PATROL_COUNTERS`` under ``region`` for the days ``start``–``end``, in total
    and for each of ``children`` (regions below it, keyed by code). Counts only; the caller has checked that
    the region is in the reader's reach (assessment reads it through a scoped node)."""
    low, high = _day_bounds(start, end)
    under = region.path
    total = Counter({name: 0 for name in PATROL_COUNTERS})
    rows = {c.code: Counter({name: 0 for name in PATROL_COUNTERS}) for c in children}
    prefixes = [(c.path, c.code) for c in children]

    def spread(path: str, **counts) -> None:
        total.update(counts)
        for prefix, code in prefixes:
            if path.startswith(prefix):
                rows[code].update(counts)
                break

    cells = _cells_under(under)
    cell_path = {c.pk: c.path for c in cells}
    for cell in cells:
        spread(cell.path, cells=1)
    workers = (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__path__startswith=under)
        .values_list("user_id", "region__path")
        .order_by("user_id")
    )
    worker_path = {}
    for user_id, path in workers:
        worker_path.setdefault(user_id, path)
    for path in worker_path.values():
        spread(path, workers=1)
    covered: set[int] = set()
    patrolling: set[int] = set()
    seconds = Counter()
    metres = Counter()
    patrols = Patrol.objects.filter(region_path__startswith=under, started_at__gte=low, started_at__lt=high)
    for worker_id, path, passed, duration, distance in patrols.values_list(
        "worker_id", "region_path", "regions_passed", "duration_s", "distance_m"
    ).iterator(chunk_size=1000):
        spread(path, patrols=1)
        seconds[path] += duration or 0
        metres[path] += distance or 0
        covered.update(r for r in passed or () if r in cell_path)
        if worker_id in worker_path:
            patrolling.add(worker_id)
    for path in set(seconds) | set(metres):
        spread(path, patrol_hours=seconds[path] / 3600, patrol_km=metres[path] / 1000)
    for key in (total, *rows.values()):
        key["patrol_hours"] = round(key["patrol_hours"])
        key["patrol_km"] = round(key["patrol_km"])
    for pk in covered:
        spread(cell_path[pk], cells_covered=1)
    for worker_id in patrolling:
        spread(worker_path[worker_id], workers_patrolling=1)
    visits = (
        Visit.objects.filter(region_path__startswith=under, visited_on__gte=start, visited_on__lte=end)
        .values("region_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in visits:
        spread(row["region_path"], visits=row["n"])
    for path, on_time in _households_on_time(under, end):
        spread(path, households=1, households_visited_on_time=int(on_time))
    return total, rows


def _households_on_time(under: str, day: date):
    """(region path, visited within its interval as of ``day``) for every household under ``under``."""
    labelled = Exists(PersonLabel.objects.filter(person__household=OuterRef("pk"), kind__in=conf.visit_labels()))
    households = (
        Household.objects.filter(region_path__startswith=under)
        .annotate(last_visit=Max("visits__visited_on", filter=Q(visits__visited_on__lte=day)), labelled=labelled)
        .values_list("region_path", "last_visit", "labelled")
    )
    strict = day - timedelta(days=conf.visit_every_days_labelled())
    loose = day - timedelta(days=conf.visit_every_days())
    for path, last, is_labelled in households.iterator(chunk_size=2000):
        yield path, last is not None and last >= (strict if is_labelled else loose)


def worker_figures(region: Region, start: date, end: date) -> list[dict]:
    """Each grid worker under ``region`` with their patrols, hours, kilometres and visits of the period
    (counts only, for the bulletin and the ranking: the caller has scoped the region)."""
    low, high = _day_bounds(start, end)
    members = (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__path__startswith=region.path)
        .select_related("user", "region")
        .order_by("user__username", "id")
    )
    workers: dict[int, dict] = {}
    for m in members:
        workers.setdefault(
            m.user_id,
            {
                "user_id": m.user_id,
                "username": m.user.username,
                "name": m.user.display_name or m.user.username,
                "region": m.region.name,
                "patrols": 0,
                "hours": 0.0,
                "km": 0.0,
                "visits": 0,
            },
        )
    patrols = (
        Patrol.objects.filter(worker_id__in=workers, started_at__gte=low, started_at__lt=high)
        .values("worker_id")
        .annotate(n=Count("id"), seconds=Sum("duration_s"), metres=Sum("distance_m"))
        .order_by()
    )
    for row in patrols:
        figures = workers[row["worker_id"]]
        figures["patrols"] = row["n"]
        figures["hours"] = round((row["seconds"] or 0) / 3600, 1)
        figures["km"] = round((row["metres"] or 0) / 1000, 1)
    visits = (
        Visit.objects.filter(worker_id__in=workers, visited_on__gte=start, visited_on__lte=end)
        .values("worker_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in visits:
        workers[row["worker_id"]]["visits"] = row["n"]
    return sorted(workers.values(), key=lambda w: (-w["hours"], w["username"]))
