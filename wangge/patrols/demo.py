"""Demo patrols and visits: three weeks of a working day's patrol (a random walk inside the worker's grid,
a point every 30 s) and a few household visits a day for the first street's grid workers. Called by
``wangge demo`` after the cases (not in the test town, which loads no cases). Bulk-written: the figures come
from the same ``track`` functions the services use."""

import json
import random
from datetime import datetime, time, timedelta

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role
from wangge.patrols import conf, services, track
from wangge.patrols.models import COLUMNS, Patrol, Visit
from wangge.people.models import Household
from wangge.regions.models import Level, Region

DAYS = 21
STEP_S = 30
NOTES = [
    "老人身体尚好，子女每周回来一次。",
    "楼道堆放杂物，已提醒清理。",
    "家中独居老人，需定期关注。",
    "反映小区路灯不亮。",
    "一切正常，宣传了防诈骗知识。",
    "询问医保缴费事宜，已解答。",
]
NEEDS = ["", "", "", "楼道灯维修", "希望提供助餐服务", ""]


def _walk(shape, rng: random.Random, start_t: int, minutes: int) -> np.ndarray:
    inner = shape.buffer(-0.0001) if shape.area > 1e-7 else shape
    point = inner.representative_point()
    lon, lat = point.x, point.y
    heading = rng.uniform(0, 2 * np.pi)
    rows = np.zeros((minutes * 60 // STEP_S, COLUMNS))
    rows[:, track.REGION] = -1
    for i in range(len(rows)):
        heading += rng.gauss(0, 0.5)
        step = 1.2 * STEP_S / 111_000  # about 1.2 m/s
        nxt = (lon + step * np.cos(heading) / 0.85, lat + step * np.sin(heading))
        if not inner.contains(shapely.Point(*nxt)):
            heading += np.pi
            nxt = (lon + step * np.cos(heading) / 0.85, lat + step * np.sin(heading))
        lon, lat = nxt
        rows[i, :4] = (round(lon, 7), round(lat, 7), start_t + i * STEP_S, rng.choice((5, 8, 10, 15)))
    return rows


def create_demo_patrols(*, seed: int = 2026) -> str:
    rng = random.Random(seed)
    street = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").first()
    if street is None:
        return ""
    workers = list(
        Membership.objects.filter(
            role=Role.GRID_WORKER, is_active=True, region__path__startswith=street.path, region__boundary__isnull=False
        )
        .select_related("user", "region")
        .order_by("region__code")
    )
    today = timezone.localdate()
    patrols, visits = [], []
    for membership in workers:
        shape = shapely.from_geojson(json.dumps(membership.region.boundary))
        households = list(
            Household.objects.filter(region_path__startswith=membership.region.path).values_list("pk", "region_path")
        )
        for back in range(DAYS, 0, -1):
            day = today - timedelta(days=back)
            if day.weekday() == 6:
                continue
            start = timezone.make_aware(datetime.combine(day, time(9, rng.randint(0, 45))))
            minutes = rng.randint(50, 110)
            rows = _walk(shape, rng, int(start.timestamp()), minutes)
            rows[:, track.REGION] = services._grid_of(rows)
            rows = track.mark_outside(rows, rows[:, track.REGION].astype(np.int64))
            rows = track.mark_jumps(rows, conf.max_speed_mps())
            patrol = Patrol(
                worker=membership.user,
                region=membership.region,
                region_path=membership.region.path,
                started_at=start,
                ended_at=start + timedelta(minutes=minutes),
                batch_ids=["demo"],
            )
            services._refresh(patrol, rows)
            patrols.append(patrol)
            for household, path in rng.sample(households, min(len(households), rng.randint(0, 3))):
                i = rng.randrange(len(NOTES))
                visits.append(
                    Visit(
                        worker=membership.user,
                        household_id=household,
                        region_path=path,
                        visited_on=day,
                        people_met="户主",
                        notes=NOTES[i],
                        needs=NEEDS[i],
                    )
                )
    with transaction.atomic():
        Patrol.objects.bulk_create(patrols, batch_size=200)
        Visit.objects.bulk_create(visits, batch_size=1000)
    return _("Patrols: %(patrols)d patrols and %(visits)d household visits over %(days)d days.") % {
        "patrols": len(patrols),
        "visits": len(visits),
        "days": DAYS,
    }
