"""Every write of patrols: start (on foot or in a patrol car), a batch of points, finish, the closing of
forgotten patrols, the link of a case reported during a patrol, household visits, and the patrol cars
themselves. One transaction each, audited, keyword-only ``actor``."""

import math
import uuid
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.models import Membership, Role
from wangge.accounts.roles import roles_of
from wangge.cases import services as case_services
from wangge.cases.models import Case, Source
from wangge.core.text import check_text
from wangge.patrols import conf, selectors, track
from wangge.patrols.models import COLUMNS, Patrol, PatrolCase, Vehicle, Visit, VisitPhoto
from wangge.patrols.plates import normalise_plate
from wangge.people import permissions as people_permissions
from wangge.people import selectors as people_selectors
from wangge.regions.locator import get_locator
from wangge.regions.models import GRID_LEVELS, Level, Region

# Who patrols: the roles working in the field, in the order their region is preferred as the patrol's place.
PATROL_ROLES = (Role.GRID_WORKER, Role.MICRO_GRID_LIAISON, Role.GRID_CHIEF, Role.COMMUNITY_STAFF)
PATROLLED_LEVELS = (*GRID_LEVELS, Level.MICRO_GRID)
BATCH_ID_MAX = 64
ID_MAX = 2**63 - 1  # the largest id a database column holds: a larger number is no car and no account
BATCH_IDS_KEPT = 2000  # the newest batch ids remembered per patrol (a replay is older than a few hours)


def _patrol_memberships(user):
    return Membership.objects.filter(user=user, is_active=True, role__in=PATROL_ROLES, region__is_active=True)


def can_patrol(user) -> bool:
    """Grid workers, liaisons, grid chiefs and community staff record patrols."""
    return _patrol_memberships(user).exists()


def _home_region(user, under: str = "") -> Region | None:
    """The region of the user's patrol membership (by PATROL_ROLES' order), under ``under`` when given."""
    rows = list(
        _patrol_memberships(user).filter(region__path__startswith=under).select_related("region").order_by("id")
    )
    if not rows:
        return None
    rows.sort(key=lambda m: PATROL_ROLES.index(m.role))
    return rows[0].region


def start_patrol(*, actor, at: datetime | None = None, vehicle=None) -> tuple[Patrol, bool]:
    """Start a patrol for ``actor``, on foot or as a trip in ``vehicle`` (a car id the actor drives); a patrol
    still open is answered instead, as it is (created False). An open patrol older than the auto-close limit is
    closed first. A car trip belongs to the driver's patrol region inside the car's region."""
    region = _home_region(actor)
    if region is None:
        raise PermissionDenied(_("Only grid workers and their chiefs record patrols."))
    now = at or timezone.now()
    close_stale(now=now, worker=actor)
    car = _driven_car(actor, vehicle) if vehicle not in (None, "") else None
    if car is not None:
        region = _home_region(actor, under=car.region_path)
        if region is None:
            raise ValidationError({"vehicle": _("You no longer patrol in the region of this car.")})
    with transaction.atomic():
        open_one = Patrol.objects.select_for_update().filter(worker=actor, ended_at__isnull=True).first()
        if open_one is not None:
            return open_one, False
        if car is not None:
            _check_car_free(Vehicle.objects.select_for_update().get(pk=car.pk), now)
        patrol = Patrol.objects.create(
            worker=actor, region=region, region_path=region.path, started_at=now, vehicle=car
        )
        audit.record(actor=actor, action="patrol.start", obj=patrol, changes={"vehicle": car.plate} if car else None)
    return patrol, True


def _driven_car(actor, vehicle) -> Vehicle:
    """The car ``vehicle`` (an id) if ``actor`` is one of its drivers and it is in service; else a 400 naming
    ``vehicle`` (the same for a car that is not theirs and one that does not exist)."""
    try:
        pk = int(vehicle)
    except (TypeError, ValueError):
        pk = None
    car = Vehicle.objects.filter(pk=pk, drivers=actor).first() if pk and 0 < pk <= ID_MAX else None
    if car is None:
        raise ValidationError({"vehicle": _("Choose a patrol car you are a driver of.")})
    if not car.is_active:
        raise ValidationError({"vehicle": _("This patrol car is out of service.")})
    return car


def _check_car_free(car: Vehicle, now: datetime) -> None:
    """A car is on one trip at a time (called with the car's row locked, so two drivers cannot both take it)."""
    limit = now - timedelta(hours=conf.auto_close_hours())
    out = car.trips.filter(ended_at__isnull=True, started_at__gt=limit).select_related("worker").first()
    if out is not None:
        raise ValidationError(
            {
                "vehicle": _("%(plate)s is out on a trip with %(driver)s since %(at)s.")
                % {"plate": car.plate, "driver": out.worker, "at": timezone.localtime(out.started_at).strftime("%H:%M")}
            }
        )


def _parse_points(points) -> np.ndarray:
    if not isinstance(points, list | tuple):
        raise ValidationError({"points": _("Send a list of points [lon, lat, t, accuracy].")})
    if len(points) > conf.max_batch_points():
        raise ValidationError({"points": _("A batch carries at most %(n)d points.") % {"n": conf.max_batch_points()}})
    rows = np.zeros((len(points), COLUMNS), dtype=np.float64)
    rows[:, track.REGION] = -1
    for i, point in enumerate(points):
        if not isinstance(point, list | tuple) or len(point) not in (3, 4):
            raise ValidationError({"points": _("Point %(i)d is not [lon, lat, t, accuracy].") % {"i": i}})
        try:
            lon, lat, t = (float(v) for v in point[:3])
            accuracy = float(point[3]) if len(point) == 4 and point[3] is not None else 0.0
        except (TypeError, ValueError):
            raise ValidationError({"points": _("Point %(i)d is not [lon, lat, t, accuracy].") % {"i": i}}) from None
        if not all(map(math.isfinite, (lon, lat, t, accuracy))) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError({"points": _("Point %(i)d has no valid position.") % {"i": i}})
        if not (946684800 <= t <= 32503680000) or accuracy < 0:  # 2000-01-01 … 3000-01-01
            raise ValidationError({"points": _("Point %(i)d has no valid time or accuracy.") % {"i": i}})
        rows[i, :4] = (lon, lat, t, accuracy)
    return rows


def _grid_of(rows: np.ndarray) -> np.ndarray:
    """Each point's grid or micro-grid (the locator's deepest region when it is one), -1 elsewhere."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    found = get_locator().locate_many(rows[:, track.LON], rows[:, track.LAT])
    ids = {int(i) for i in np.unique(found) if i >= 0}
    patrolled = set(Region.objects.filter(pk__in=ids, level__in=PATROLLED_LEVELS).values_list("pk", flat=True))
    return np.array([i if i in patrolled else -1 for i in found.tolist()], dtype=np.int64)


def _refresh(patrol: Patrol, rows: np.ndarray) -> None:
    """The patrol's figures from its points."""
    kept = track.kept(rows)
    patrol.points = rows.tobytes()
    patrol.point_count = len(rows)
    patrol.dropped_jumps = len(rows) - len(kept)
    patrol.flagged_count = int(((kept[:, track.FLAGS].astype(np.int64) & track.OUTSIDE) != 0).sum())
    patrol.distance_m = round(track.distance_m(rows), 1)
    regions = sorted({int(r) for r in kept[:, track.REGION] if r >= 0})
    patrol.regions_passed = regions
    end = patrol.ended_at
    if end is not None:
        patrol.duration_s = max(0, int((end - patrol.started_at).total_seconds()))
    elif len(kept):
        patrol.duration_s = max(0, int(kept[-1, track.T] - patrol.started_at.timestamp()))


def add_points(*, actor, patrol: Patrol, batch_id: str, points) -> tuple[Patrol, bool]:
    """Store a batch of points. A batch id seen before changes nothing (answers ``False``): the phone
    resends a batch whose answer it did not get. Points may come late (taken offline) and out of order."""
    batch_id = str(batch_id or "").strip()
    if not batch_id or len(batch_id) > BATCH_ID_MAX:
        raise ValidationError({"batch_id": _("Give each batch an id of 1 to %(n)d characters.") % {"n": BATCH_ID_MAX}})
    incoming = _parse_points(points)
    incoming[:, track.REGION] = _grid_of(incoming)
    incoming = track.mark_outside(incoming, incoming[:, track.REGION].astype(np.int64))
    if patrol.worker_id != actor.pk:
        raise PermissionDenied(_("Only the worker on the patrol adds its points."))
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if batch_id in locked.batch_ids:
            return locked, False
        if locked.ended_at is not None:
            # Points sent after the end (kept offline) still belong to the patrol, up to its end.
            incoming = incoming[incoming[:, track.T] <= locked.ended_at.timestamp() + 60]
        existing = locked.array()
        rows, _duplicates = track.merge(existing, incoming)
        if len(rows) > conf.max_points():
            raise ValidationError({"points": _("A patrol holds at most %(n)d points.") % {"n": conf.max_points()}})
        first_new = len(existing)
        if len(incoming):
            earliest = float(np.floor(incoming[:, track.T].min()))
            first_new = int(np.searchsorted(np.floor(rows[:, track.T]), earliest, side="left"))
        rows = track.mark_jumps(rows, conf.max_speed_mps(car=locked.vehicle_id is not None), start=first_new)
        _refresh(locked, rows)
        locked.batch_ids = [*locked.batch_ids, batch_id][-BATCH_IDS_KEPT:]
        locked.save()
    return locked, True


def finish_patrol(*, actor, patrol: Patrol, at: datetime | None = None) -> Patrol:
    if patrol.worker_id != actor.pk:
        raise PermissionDenied(_("Only the worker on the patrol ends it."))
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if locked.ended_at is not None:
            return locked
        locked.ended_at = max(at or timezone.now(), locked.started_at)
        _refresh(locked, locked.array())
        locked.save()
        audit.record(actor=actor, action="patrol.finish", obj=locked)
    return locked


def close_stale(*, now: datetime | None = None, worker=None) -> int:
    """Close the patrols left open longer than ``PATROL_AUTO_CLOSE_HOURS``: they end at their last point
    (or their start when they have none). Run every ten minutes (``tasks``) and before a new start."""
    now = now or timezone.now()
    limit = now - timedelta(hours=conf.auto_close_hours())
    stale = Patrol.objects.filter(ended_at__isnull=True, started_at__lte=limit)
    if worker is not None:
        stale = stale.filter(worker=worker)
    closed = 0
    for pk in stale.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            locked = Patrol.objects.select_for_update().filter(pk=pk, ended_at__isnull=True).first()
            if locked is None:
                continue
            kept = track.kept(locked.array())
            end = locked.started_at
            if len(kept):
                end = max(end, datetime.fromtimestamp(float(kept[-1, track.T]), tz=UTC))
            locked.ended_at = min(end, locked.started_at + timedelta(hours=conf.auto_close_hours()))
            locked.closed_automatically = True
            _refresh(locked, locked.array())
            locked.save()
            audit.record(actor=None, action="patrol.auto_close", obj=locked)
            closed += 1
    return closed


def open_patrol_of_reporter(intake) -> int | None:
    """Before the report's transaction (no read inside the write lock): the open patrol its reporter is on."""
    reporter = intake.reporter
    # A reporter without a patrol role (a resident, department staff) has no patrol: no query for them. The
    # reporter is the request's user, whose roles the permission check has already read and kept on it.
    if reporter is None or not set(roles_of(reporter)) & set(PATROL_ROLES):
        return None
    limit = (intake.at or timezone.now()) - timedelta(hours=conf.auto_close_hours())
    return (
        Patrol.objects.filter(worker_id=reporter.pk, ended_at__isnull=True, started_at__gte=limit)
        .order_by("-started_at")
        .values_list("pk", flat=True)
        .first()
    )


def link_reported_case(notice, patrol_id: int | None) -> None:
    """``cases.events.REPORTED`` (in the report's transaction): a case its reporter raised while on an open
    patrol is linked to that patrol."""
    if patrol_id is not None:
        PatrolCase.objects.get_or_create(patrol_id=patrol_id, case=notice.case)


# --- patrol cars -------------------------------------------------------------------------------------------

VEHICLE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
ODOMETER_MAX_KM = 2_000_000


def _vehicle_region(actor, code) -> Region:
    """A district, street or community the actor manages the cars of (one answer for unknown and out of reach)."""
    region = Region.objects.defer("boundary").filter(code=str(code or ""), is_active=True).first()
    if region is None or not selectors.manages_vehicles(actor, region.path):
        raise ValidationError({"region": _("Choose a street or community whose patrol cars you manage.")})
    if region.level not in VEHICLE_LEVELS:
        raise ValidationError({"region": _("A patrol car belongs to a district, street or community.")})
    return region


def check_drivers(region: Region, ids) -> list:
    """The accounts named by ``ids``, each of whom must patrol in ``region`` (PATROL_ROLES under it)."""
    try:
        wanted = {int(i) for i in ids or ()}
    except (TypeError, ValueError):
        raise ValidationError({"drivers": _("Name the drivers by their account ids.")}) from None
    if any(not 0 < i <= ID_MAX for i in wanted):
        raise ValidationError({"drivers": _("Name the drivers by their account ids.")})
    found = {
        m.user
        for m in Membership.objects.filter(
            user_id__in=wanted,
            user__is_active=True,
            is_active=True,
            role__in=PATROL_ROLES,
            region__is_active=True,
            region__path__startswith=region.path,
        ).select_related("user")
    }
    missing = sorted(wanted - {u.pk for u in found})
    if missing:
        raise ValidationError(
            {
                "drivers": _("These accounts do not patrol in %(region)s: %(ids)s.")
                % {"region": region.name, "ids": ", ".join(map(str, missing))}
            }
        )
    return sorted(found, key=lambda u: u.pk)


def _odometer(value) -> int:
    try:
        km = int(value or 0)
    except (TypeError, ValueError):
        km = -1
    if not 0 <= km <= ODOMETER_MAX_KM:
        raise ValidationError({"odometer_km": _("Enter the odometer in whole kilometres, 0 to 2,000,000.")})
    return km


def _label(value) -> str:
    label = check_text(str(value or ""), field="label").strip()
    if len(label) > 60:
        raise ValidationError({"label": _("At most %(n)d characters.") % {"n": 60}})
    return label


def _unique_plate(plate: str, vehicle: Vehicle | None = None) -> str:
    plate = normalise_plate(plate)
    taken = Vehicle.objects.filter(plate=plate)
    if vehicle is not None:
        taken = taken.exclude(pk=vehicle.pk)
    if taken.exists():
        raise ValidationError({"plate": _("A patrol car with this plate is already registered.")})
    return plate


def register_vehicle(
    *, actor, plate: str, region: str, label: str = "", drivers=(), odometer_km: int = 0, is_active: bool = True
) -> Vehicle:
    """Register a patrol car of a region the actor manages (403 for a role that manages none)."""
    if not selectors.manages_vehicles(actor):
        raise PermissionDenied(_("Only the staff who manage a region's patrol cars register them."))
    place = _vehicle_region(actor, region)
    car = Vehicle(
        plate=_unique_plate(plate),
        label=_label(label),
        region=place,
        region_path=place.path,
        odometer_km=_odometer(odometer_km),
        is_active=bool(is_active),
    )
    people = check_drivers(place, drivers)
    with transaction.atomic():
        car.save()
        car.drivers.set(people)
        audit.record(actor=actor, action="vehicle.register", obj=car, changes={"drivers": [u.username for u in people]})
    return car


VEHICLE_FIELDS = ("plate", "label", "region", "drivers", "odometer_km", "is_active")


def change_vehicle(*, actor, vehicle: Vehicle, changes: dict) -> Vehicle:
    """Change a car's plate, label, region, drivers, odometer or service (only the keys given). The drivers are
    checked against the car's region after the change; the actor must manage both the old and the new region."""
    if not selectors.manages_vehicles(actor, vehicle.region_path):
        raise PermissionDenied(_("Only the staff who manage this car's region change it."))
    unknown = set(changes) - set(VEHICLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed.")})
    before = {"plate": vehicle.plate, "label": vehicle.label, "region": vehicle.region.code}
    before |= {"odometer_km": vehicle.odometer_km, "is_active": vehicle.is_active}
    place = _vehicle_region(actor, changes["region"]) if "region" in changes else vehicle.region
    if "plate" in changes:
        vehicle.plate = _unique_plate(changes["plate"], vehicle)
    if "label" in changes:
        vehicle.label = _label(changes["label"])
    if "odometer_km" in changes:
        vehicle.odometer_km = _odometer(changes["odometer_km"])
    if "is_active" in changes:
        vehicle.is_active = bool(changes["is_active"])
    vehicle.region, vehicle.region_path = place, place.path
    ids = changes["drivers"] if "drivers" in changes else vehicle.drivers.values_list("pk", flat=True)
    people = check_drivers(place, ids)
    after = {"plate": vehicle.plate, "label": vehicle.label, "region": place.code}
    after |= {"odometer_km": vehicle.odometer_km, "is_active": vehicle.is_active}
    diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    with transaction.atomic():
        vehicle.save()
        if "drivers" in changes:
            old = sorted(vehicle.drivers.values_list("username", flat=True))
            vehicle.drivers.set(people)
            new = sorted(u.username for u in people)
            if old != new:
                diff["drivers"] = [old, new]
        audit.record(actor=actor, action="vehicle.change", obj=vehicle, changes=diff)
    return vehicle


# --- household visits (入户走访) ---------------------------------------------------------------------------


def _subject(actor, household, person):
    """The household and person visited, looked up in the actor's reach (404 outside it, like an absent one)."""
    people_permissions.require(actor, people_permissions.VIEW)
    if household in (None, "") and person in (None, ""):
        raise ValidationError({"household_id": _("Choose the household or the person visited.")})
    found_household = people_selectors.get_household_for(actor, household) if household not in (None, "") else None
    found_person = people_selectors.get_person_for(actor, person) if person not in (None, "") else None
    if found_household is None and found_person is not None and found_person.household_id:
        found_household = people_selectors.households_for(actor).filter(pk=found_person.household_id).first()
    return found_household, found_person


def record_visit(
    *,
    actor,
    household=None,
    person=None,
    visited_on: date,
    people_met: str = "",
    notes: str = "",
    needs: str = "",
    photos=(),
) -> Visit:
    """Record a visit to a household or a person in the actor's reach (404 outside it)."""
    found_household, found_person = _subject(actor, household, person)
    errors = {}
    people_met = check_text(people_met or "", field="people_met").strip()
    notes = (notes or "").strip()
    needs = (needs or "").strip()
    if len(people_met) > 200:
        errors["people_met"] = _("At most %(n)d characters.") % {"n": 200}
    if len(notes) > 4000:
        errors["notes"] = _("At most %(n)d characters.") % {"n": 4000}
    if len(needs) > 2000:
        errors["needs"] = _("At most %(n)d characters.") % {"n": 2000}
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("A visit cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    check_text(notes, field="notes", multiline=True)
    check_text(needs, field="needs", multiline=True)
    cleaned = [case_services.validate_photo(p, field="photos") for p in photos]
    subject = found_household or found_person
    with transaction.atomic():
        visit = Visit.objects.create(
            worker=actor,
            household=found_household,
            person=found_person,
            region_path=subject.region_path,
            visited_on=visited_on,
            people_met=people_met,
            notes=notes,
            needs=needs,
        )
        for upload, meta in cleaned:
            _store_visit_photo(visit, upload, meta)
        audit.record(actor=actor, action="visit.record", obj=visit)
    return visit


MAX_VISIT_PHOTOS = 6


def add_visit_photos(*, actor, visit: Visit, photos) -> list[VisitPhoto]:
    """Photos taken on the visit, added afterwards (a phone sends them once it has signal): only by the worker
    who made the visit, each checked by the shared upload guard, at most MAX_VISIT_PHOTOS per visit."""
    if visit.worker_id != actor.pk:
        raise PermissionDenied(_("Only the worker who made the visit adds its photos."))
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": _("Add at least one photo.")})
    cleaned = [case_services.validate_photo(p, field="photos") for p in photos]
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.photos.count() + len(cleaned) > MAX_VISIT_PHOTOS:
            raise ValidationError({"photos": _("A visit keeps at most %(n)d photos.") % {"n": MAX_VISIT_PHOTOS}})
        stored = [_store_visit_photo(locked, upload, meta) for upload, meta in cleaned]
        audit.record(actor=actor, action="visit.photos", obj=locked, changes={"added": len(stored)})
    return stored


def _store_visit_photo(visit: Visit, upload, meta) -> VisitPhoto:
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[meta["content_type"]]
    photo = VisitPhoto(visit=visit, size=upload.size, **meta)
    photo.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(upload.read()), save=False)
    photo.save()
    return photo


def raise_case(*, actor, visit: Visit, category: str, description: str = "", urgent: bool = False) -> Case:
    """Turn the visit's need into a case in one step (reported by the worker, naming the household or
    person), linked back to the visit. A visit raises one case; asking again answers it."""
    if visit.case_id:
        return visit.case
    if visit.worker_id != actor.pk:
        raise PermissionDenied(_("Only the worker who made the visit raises its case."))
    lon, lat = _where(visit)
    report = case_services.Report(
        category=category,
        description=(description or visit.needs or "").strip(),
        lon=lon,
        lat=lat,
        source=Source.PATROL,
        urgent=urgent,
        idempotency_key=f"visit-{visit.pk}",
        household_id=visit.household_id,
        person_id=visit.person_id,
    )
    case, _created = case_services.report_case(actor=actor, report=report)
    with transaction.atomic():
        Visit.objects.filter(pk=visit.pk, case__isnull=True).update(case=case)
        audit.record(actor=actor, action="visit.case", obj=visit, summary=case.number)
    visit.case = case
    return case


def _where(visit: Visit) -> tuple[float, float]:
    """Where the household lives: its building, else its compound, else the middle of its grid."""
    household = visit.household or (visit.person.household if visit.person_id else None)
    house = household.house if household and household.house_id else (visit.person.house if visit.person_id else None)
    building = house.building if house else None
    for place in (building, building.compound if building else None):
        if place is not None and place.lon is not None and place.lat is not None:
            return place.lon, place.lat
    region = (household or visit.person).region
    if region.center_lon is None:
        raise ValidationError({"visit": _("The household has no place on the map: report the case from its page.")})
    return region.center_lon, region.center_lat
