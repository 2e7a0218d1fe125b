"""Reads of patrols, always scoped: a worker sees their own patrols; chiefs, community staff, leaders and the
command centre see those of the regions of those memberships (404 for the rest, like an absent one)."""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, FloatField, Max, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from wangge.accounts.models import Membership, Role, User
from wangge.accounts.scope import paths_filter, restrict, restrict_regions
from wangge.core.validators import FIRST_DAY, LAST_DAY
from wangge.patrols import conf
from wangge.patrols.counters import PATROL_COUNTERS
from wangge.patrols.models import Patrol, Vehicle, Visit
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
    patrol = patrols_for(user).select_related("worker", "region", "vehicle").filter(pk=pk).first()
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
    return (
        Patrol.objects.filter(worker=user, ended_at__isnull=True)
        .select_related("vehicle")
        .order_by("-started_at")
        .first()
    )


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


# --- patrol cars and their trips -------------------------------------------------------------------------
# A car is seen by those who oversee patrols in its region (or above) and by its drivers; its trips are patrols,
# seen as patrols are (a driver sees their own trips, overseers those of the workers under them). A car's
# figures (mileage, trips, km per month) are the car's own, whoever drove: the trip list is the reader's.

# Who registers and changes the patrol cars of a region: its community staff, the street's leaders and the
# command centre's duty chiefs (who send the cars out), administrators.
VEHICLE_MANAGERS = (Role.COMMUNITY_STAFF, Role.STREET_LEADER, Role.DUTY_CHIEF, Role.ADMIN)


def vehicle_manager_paths(user) -> tuple[str, ...]:
    if not user or not user.is_authenticated or not user.is_active:
        return ()
    cached = getattr(user, "_wangge_vehicle_paths", None)
    if cached is None:
        cached = user._wangge_vehicle_paths = tuple(
            sorted(
                set(
                    Membership.objects.filter(
                        user=user, is_active=True, role__in=VEHICLE_MANAGERS, region__is_active=True
                    ).values_list("region__path", flat=True)
                )
            )
        )
    return cached


def manages_vehicles(user, path: str | None = None) -> bool:
    """Whether ``user`` manages patrol cars at all (``path`` None) or those of the region at ``path``."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    paths = vehicle_manager_paths(user)
    return bool(paths) if path is None else any(path.startswith(p) for p in paths)


def vehicles_for(user) -> QuerySet:
    if not user or not user.is_authenticated or not user.is_active:
        return Vehicle.objects.none()
    if user.is_superuser:
        return Vehicle.objects.all()
    # The drivers' table as a subquery: an OR over the join would repeat a car once per driver.
    driven = Q(pk__in=Vehicle.drivers.through.objects.filter(user_id=user.pk).values("vehicle_id"))
    paths = overseen_paths(user)
    return Vehicle.objects.filter(driven | paths_filter(paths, "region_path") if paths else driven)


def with_mileage(rows: QuerySet) -> QuerySet:
    """Each car with ``trip_count`` and ``trip_m`` (the distance of all its trips) and its drivers in one query."""
    return (
        rows.select_related("region")
        .annotate(
            trip_count=Count("trips"),
            trip_m=Coalesce(Sum("trips__distance_m"), Value(0.0), output_field=FloatField()),
        )
        .prefetch_related(Prefetch("drivers", queryset=User.objects.order_by("username")))
    )


def vehicles_filtered(user, *, region: str = "", active: bool | None = None) -> QuerySet:
    rows = vehicles_for(user)
    if region:
        rows = rows.filter(region_path__startswith=get_region_overseen(user, region).path)
    if active is not None:
        rows = rows.filter(is_active=active)
    return with_mileage(rows)


def get_vehicle_for(user, pk) -> Vehicle:
    try:
        return with_mileage(vehicles_for(user)).get(pk=int(pk))
    except (Vehicle.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def vehicles_driven_by(user) -> QuerySet:
    """The cars in service ``user`` may take out on a patrol."""
    if not user or not user.is_authenticated:
        return Vehicle.objects.none()
    return Vehicle.objects.filter(drivers=user, is_active=True).order_by("plate")


def month_start(day: date, back: int = 0) -> date:
    """The first day of the month ``back`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def vehicle_months(vehicle: Vehicle, *, months: int = 12, today: date | None = None) -> list[dict]:
    """The car's trips and kilometres in each of the last ``months`` months (this one last), whoever drove."""
    today = today or timezone.localdate()
    first = month_start(today, months - 1)
    low, high = _day_bounds(first, today)
    zone = timezone.get_current_timezone()
    found = {
        (row["month"].date() if isinstance(row["month"], datetime) else row["month"]): row
        for row in Patrol.objects.filter(vehicle=vehicle, started_at__gte=low, started_at__lt=high)
        .annotate(month=TruncMonth("started_at", tzinfo=zone))
        .values("month")
        .annotate(trips=Count("id"), metres=Sum("distance_m"))
        .order_by("month")
    }
    rows = []
    for back in range(months - 1, -1, -1):
        start = month_start(today, back)
        row = found.get(start, {})
        rows.append({"month": start, "trips": row.get("trips", 0), "km": round((row.get("metres") or 0) / 1000, 1)})
    return rows


def out_since(vehicle: Vehicle) -> datetime | None:
    """When the car left on the trip it is on now (a trip left open past the auto-close limit does not count)."""
    limit = timezone.now() - timedelta(hours=conf.auto_close_hours())
    return (
        vehicle.trips.filter(ended_at__isnull=True, started_at__gt=limit)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )


def trips_for(user) -> QuerySet:
    """Patrols driven in a car, seen as patrols are."""
    return patrols_for(user).filter(vehicle__isnull=False)


def trips_filtered(user, *, vehicle: int | None = None, driver: int | None = None, date_from=None, date_to=None):
    rows = trips_for(user)
    if vehicle:
        rows = rows.filter(vehicle_id=vehicle)
    if driver:
        rows = rows.filter(worker_id=driver)
    if date_from or date_to:
        low, high = _day_bounds(date_from or FIRST_DAY, date_to or LAST_DAY)
        rows = rows.filter(started_at__gte=low, started_at__lt=high)
    return rows.select_related("worker", "region", "vehicle")


def get_trip_for(user, pk: int) -> Patrol:
    trip = trips_for(user).select_related("worker", "region", "vehicle").filter(pk=pk).first()
    if trip is None:
        raise Http404
    return trip


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
    car_metres = Counter()
    patrols = Patrol.objects.filter(region_path__startswith=under, started_at__gte=low, started_at__lt=high)
    for worker_id, path, passed, duration, distance, vehicle in patrols.values_list(
        "worker_id", "region_path", "regions_passed", "duration_s", "distance_m", "vehicle_id"
    ).iterator(chunk_size=1000):
        spread(path, patrols=1)
        seconds[path] += duration or 0
        if vehicle is None:
            metres[path] += distance or 0
        else:
            spread(path, car_trips=1)
            car_metres[path] += distance or 0
        covered.update(r for r in passed or () if r in cell_path)
        if worker_id in worker_path:
            patrolling.add(worker_id)
    for path in set(seconds) | set(metres) | set(car_metres):
        spread(path, patrol_hours=seconds[path] / 3600, patrol_km=metres[path] / 1000, car_km=car_metres[path] / 1000)
    for key in (total, *rows.values()):
        for name in ("patrol_hours", "patrol_km", "car_km"):
            key[name] = round(key[name])
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
    """Each grid worker under ``region`` with their patrols, hours, kilometres on foot (``km``) and in a patrol
    car (``car_km``) and visits of the period (counts only, for the bulletin and the ranking: the caller has
    scoped the region)."""
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
                "car_km": 0.0,
                "visits": 0,
            },
        )
    on_foot = Q(vehicle__isnull=True)
    patrols = (
        Patrol.objects.filter(worker_id__in=workers, started_at__gte=low, started_at__lt=high)
        .values("worker_id")
        .annotate(
            n=Count("id"),
            seconds=Sum("duration_s"),
            metres=Sum("distance_m", filter=on_foot),
            car_metres=Sum("distance_m", filter=Q(vehicle__isnull=False)),
        )
        .order_by()
    )
    for row in patrols:
        figures = workers[row["worker_id"]]
        figures["patrols"] = row["n"]
        figures["hours"] = round((row["seconds"] or 0) / 3600, 1)
        figures["km"] = round((row["metres"] or 0) / 1000, 1)
        figures["car_km"] = round((row["car_metres"] or 0) / 1000, 1)
    visits = (
        Visit.objects.filter(worker_id__in=workers, visited_on__gte=start, visited_on__lte=end)
        .values("worker_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in visits:
        workers[row["worker_id"]]["visits"] = row["n"]
    return sorted(workers.values(), key=lambda w: (-w["hours"], w["username"]))
