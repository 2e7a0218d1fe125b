"""Patrols over JSON under ``/api/v1/patrols``: start, batches of points, finish, lists and one patrol with its
track; coverage per region. Household visits under ``/api/v1/visits``, patrol cars under ``/api/v1/vehicles``
and their trips (patrols driven in them) under ``/api/v1/trips``. Thin: reads through ``selectors`` (scoped:
404 out of reach), writes through ``services`` (400 naming the field)."""

from django.urls import reverse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.patrols import conf, selectors, services, track
from wangge.patrols.models import Patrol, Visit
from wangge.patrols.schemas import (
    PatrolBatchOut,
    PatrolCoverageOut,
    PatrolCoverageQuery,
    PatrolItemOut,
    PatrolListQuery,
    PatrolOut,
    PatrolPointsIn,
    PatrolStartIn,
    TripListQuery,
    VehicleIn,
    VehicleItemOut,
    VehicleListQuery,
    VehicleOut,
    VehiclePatchIn,
    VisitCaseIn,
    VisitIn,
    VisitListQuery,
    VisitOut,
    VisitOverdueOut,
)
from wangge.people import permissions as people_permissions

router = Router(tags=["patrols"])


def item(patrol: Patrol) -> dict:
    return {
        "id": patrol.pk,
        "worker_id": patrol.worker_id,
        "worker": str(patrol.worker),
        "region": patrol.region.code,
        "vehicle": {"id": patrol.vehicle.pk, "plate": patrol.vehicle.plate} if patrol.vehicle_id else None,
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "closed_automatically": patrol.closed_automatically,
        "distance_m": patrol.distance_m,
        "duration_s": patrol.duration_s,
        "point_count": patrol.point_count,
        "flagged_count": patrol.flagged_count,
        "dropped_jumps": patrol.dropped_jumps,
    }


def detail(patrol: Patrol) -> dict:
    return {
        **item(patrol),
        "grids": [{"code": r.code, "name": r.name, "level": r.level} for r in selectors.grids_passed(patrol)],
        "cases": [{"number": c.number, "title": c.title, "status": c.status} for c in selectors.cases_of(patrol)],
        "track": track.geojson(patrol.array(), conf.simplify_tolerance_m()),
    }


@router.post("", response={200: PatrolItemOut, 201: PatrolItemOut})
def start(request, body: PatrolStartIn | None = None):
    """Start a patrol (201), on foot or in a patrol car you drive (``vehicle``: the patrol is the car's trip), or
    answer the patrol you still have open, as it is (200)."""
    vehicle = body.vehicle if body is not None else None
    patrol, created = services.start_patrol(actor=request.auth, vehicle=vehicle)
    patrol = selectors.get_patrol_for(request.auth, patrol.pk)
    return Status(201 if created else 200, item(patrol))


@router.get("", response=Page[PatrolItemOut])
def list_patrols(request, query: Query[PatrolListQuery]):
    """Your patrols; a chief, community staff or leader also sees those of the workers in their regions."""
    rows = selectors.patrols_filtered(
        request.auth, worker=query.worker, region=query.region or "", date_from=query.date_from, date_to=query.date_to
    ).select_related("worker", "region", "vehicle")
    return keyset_page(rows, query, order=("-started_at", "-id"), item=item)


@router.get("/coverage", response=PatrolCoverageOut)
def coverage(request, query: Query[PatrolCoverageQuery]):
    """Micro-grids patrolled within ``days`` days (PATROL_COVERAGE_DAYS by default) and each worker's totals."""
    found = selectors.coverage(request.auth, query.region, days=query.days)
    return {
        "region": found["region"].code,
        "days": found["days"],
        "date_from": found["date_from"].isoformat(),
        "date_to": found["date_to"].isoformat(),
        "covered": found["covered"],
        "cells": [
            {
                "code": row["region"].code,
                "name": row["region"].name,
                "level": row["region"].level,
                "covered": row["covered"],
                "last_patrolled": row["last_patrolled"].isoformat() if row["last_patrolled"] else None,
            }
            for row in found["cells"]
        ],
        "workers": [
            {
                "worker_id": w["worker_id"],
                "worker": w["worker__display_name"] or w["worker__username"],
                "distance_m": w["distance_m"] or 0,
                "duration_s": w["duration_s"] or 0,
            }
            for w in found["workers"]
        ],
    }


@router.get("/{patrol_id}", response=PatrolOut)
def get_patrol(request, patrol_id: int):
    """One patrol: figures, the grids passed, the cases raised and the track (GeoJSON, simplified)."""
    return detail(selectors.get_patrol_for(request.auth, patrol_id))


@router.post("/{patrol_id}/points", response=PatrolBatchOut)
def add_points(request, patrol_id: int, body: PatrolPointsIn):
    """A batch of points; a batch id already stored changes nothing (``stored`` false)."""
    patrol = selectors.get_patrol_for(request.auth, patrol_id)
    patrol, stored = services.add_points(actor=request.auth, patrol=patrol, batch_id=body.batch_id, points=body.points)
    patrol = selectors.get_patrol_for(request.auth, patrol.pk)
    return {"stored": stored, "patrol": item(patrol)}


@router.post("/{patrol_id}/finish", response=PatrolItemOut)
def finish(request, patrol_id: int):
    patrol = selectors.get_patrol_for(request.auth, patrol_id)
    patrol = services.finish_patrol(actor=request.auth, patrol=patrol)
    return item(selectors.get_patrol_for(request.auth, patrol.pk))


# --- household visits under /api/v1/visits ---------------------------------------------------------------

visits_router = Router(tags=["visits"])


def visit_item(visit: Visit) -> dict:
    return {
        "id": visit.pk,
        "worker_id": visit.worker_id,
        "worker": str(visit.worker),
        "household_id": visit.household_id,
        "person_id": visit.person_id,
        "visited_on": visit.visited_on,
        "people_met": visit.people_met,
        "notes": visit.notes,
        "needs": visit.needs,
        "case": visit.case.number if visit.case_id else None,
        "photos": len(visit.photos.all()),
        "photo_urls": [reverse("patrols:visit_photo", args=[p.pk]) for p in visit.photos.all()],
    }


@visits_router.get("", response=Page[VisitOut])
def list_visits(request, query: Query[VisitListQuery]):
    """Visits of the households and persons in your reach (people.view)."""
    people_permissions.require(request.auth, people_permissions.VIEW)
    rows = selectors.visits_for(request.auth).select_related("worker", "case").prefetch_related("photos")
    if query.household:
        rows = rows.filter(household_id=query.household)
    if query.person:
        rows = rows.filter(person_id=query.person)
    if query.worker:
        rows = rows.filter(worker_id=query.worker)
    if query.date_from:
        rows = rows.filter(visited_on__gte=query.date_from)
    if query.date_to:
        rows = rows.filter(visited_on__lte=query.date_to)
    return keyset_page(rows, query, order=("-visited_on", "-id"), item=visit_item)


@visits_router.post("", response={201: VisitOut})
def create_visit(request, body: VisitIn):
    """Record a visit to a household or person in your reach (404 outside it)."""
    visit = services.record_visit(
        actor=request.auth,
        household=body.household_id,
        person=body.person_id,
        visited_on=body.visited_on,
        people_met=body.people_met,
        notes=body.notes,
        needs=body.needs,
    )
    return Status(201, visit_item(selectors.get_visit_for(request.auth, visit.pk)))


@visits_router.get("/overdue", response=Page[VisitOverdueOut])
def overdue(request, query: Query[PageQuery]):
    """Households in your reach due a visit (VISIT_EVERY_DAYS; sooner with a labelled member)."""
    people_permissions.require(request.auth, people_permissions.VIEW)
    rows = selectors.overdue_households(request.auth).select_related("house")

    def shape(h):
        return {
            "household_id": h.pk,
            "address": str(h.house) if h.house_id else "",
            "last_visit": h.last_visit,
            "labelled": h.labelled,
        }

    return keyset_page(rows, query, order=("id",), item=shape)


@visits_router.get("/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: int):
    people_permissions.require(request.auth, people_permissions.VIEW)
    return visit_item(selectors.get_visit_for(request.auth, visit_id))


@visits_router.post("/{visit_id}/photos", response={201: VisitOut})
def visit_photos(request, visit_id: int, photos: File[list[UploadedFile]] = None):
    """Add photos to your visit (multipart, field ``photos``, repeatable; JPEG, PNG or WebP under
    CASE_PHOTO_MAX_BYTES, at most 6 per visit); they open at ``photo_urls`` with the same token."""
    people_permissions.require(request.auth, people_permissions.VIEW)
    visit = selectors.get_visit_for(request.auth, visit_id)
    services.add_visit_photos(actor=request.auth, visit=visit, photos=photos or [])
    return Status(201, visit_item(selectors.get_visit_for(request.auth, visit_id)))


@visits_router.post("/{visit_id}/case", response={201: VisitOut})
def visit_case(request, visit_id: int, body: VisitCaseIn):
    """Turn the visit's need into a case, linked back to the visit."""
    people_permissions.require(request.auth, people_permissions.VIEW)
    visit = selectors.get_visit_for(request.auth, visit_id)
    services.raise_case(
        actor=request.auth, visit=visit, category=body.category, description=body.description, urgent=body.urgent
    )
    return Status(201, visit_item(selectors.get_visit_for(request.auth, visit_id)))


# --- patrol cars under /api/v1/vehicles and their trips under /api/v1/trips ------------------------------

vehicles_router = Router(tags=["vehicles"])
trips_router = Router(tags=["vehicles"])


def vehicle_detail(request, pk: int):
    """The car read again for the caller, with its months and whether it is out now; the schema reads it."""
    vehicle = selectors.get_vehicle_for(request.auth, pk)
    vehicle.months = selectors.vehicle_months(vehicle)
    vehicle.out_since = selectors.out_since(vehicle)
    return vehicle


@vehicles_router.get("", response=Page[VehicleItemOut])
def list_vehicles(request, query: Query[VehicleListQuery]):
    """The patrol cars of the regions whose patrols you oversee, and those you drive."""
    rows = selectors.vehicles_filtered(request.auth, region=query.region or "", active=query.active)
    return keyset_page(rows, query, order=("plate", "id"), count=True)


@vehicles_router.post("", response={201: VehicleOut})
def register_vehicle(request, body: VehicleIn):
    """Register a patrol car of a district, street or community whose cars you manage; its drivers must patrol
    there."""
    vehicle = services.register_vehicle(actor=request.auth, **body.dict())
    return Status(201, vehicle_detail(request, vehicle.pk))


@vehicles_router.get("/{vehicle_id}", response=VehicleOut)
def get_vehicle(request, vehicle_id: int):
    """One car: its drivers, trips, mileage (odometer plus trips), this month's and each month's kilometres."""
    return vehicle_detail(request, vehicle_id)


@vehicles_router.patch("/{vehicle_id}", response=VehicleOut)
def change_vehicle(request, vehicle_id: int, body: VehiclePatchIn):
    """Change what is sent (``drivers`` replaces the list); the staff who manage the car's region only (403)."""
    vehicle = selectors.get_vehicle_for(request.auth, vehicle_id)
    services.change_vehicle(actor=request.auth, vehicle=vehicle, changes=body.dict(exclude_unset=True))
    return vehicle_detail(request, vehicle_id)


@trips_router.get("", response=Page[PatrolItemOut])
def list_trips(request, query: Query[TripListQuery]):
    """Patrols driven in a patrol car, seen as patrols are: your own, and an overseer's workers'."""
    rows = selectors.trips_filtered(
        request.auth, vehicle=query.vehicle, driver=query.driver, date_from=query.date_from, date_to=query.date_to
    )
    return keyset_page(rows, query, order=("-started_at", "-id"), item=item)


@trips_router.get("/{trip_id}", response=PatrolOut)
def get_trip(request, trip_id: int):
    """One trip: the patrol with its car, figures, grids passed, cases and track."""
    return detail(selectors.get_trip_for(request.auth, trip_id))
