"""Patrols over JSON under ``/api/v1/patrols``: start, batches of points, finish, lists and one patrol with its
track; coverage per region. Thin: reads through ``selectors`` (scoped: 404 out of reach), writes through
``services`` (400 naming the field)."""

from ninja import Query, Router, Status

from wangge.core.pagination import Page, keyset_page
from wangge.patrols import conf, selectors, services, track
from wangge.patrols.models import Patrol
from wangge.patrols.schemas import (
    PatrolBatchOut,
    PatrolCoverageOut,
    PatrolCoverageQuery,
    PatrolItemOut,
    PatrolListQuery,
    PatrolOut,
    PatrolPointsIn,
)

router = Router(tags=["patrols"])


def item(patrol: Patrol) -> dict:
    return {
        "id": patrol.pk,
        "worker_id": patrol.worker_id,
        "worker": str(patrol.worker),
        "region": patrol.region.code,
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
def start(request):
    """Start a patrol (201), or answer the patrol you still have open (200)."""
    patrol, created = services.start_patrol(actor=request.auth)
    patrol = selectors.get_patrol_for(request.auth, patrol.pk)
    return Status(201 if created else 200, item(patrol))


@router.get("", response=Page[PatrolItemOut])
def list_patrols(request, query: Query[PatrolListQuery]):
    """Your patrols; a chief, community staff or leader also sees those of the workers in their regions."""
    rows = selectors.patrols_filtered(
        request.auth, worker=query.worker, region=query.region or "", date_from=query.date_from, date_to=query.date_to
    ).select_related("worker", "region")
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
