"""Demo patrols, visits and patrol cars: three weeks of a working day's patrol (a random walk inside the
worker's grid, a point every 30 s) and a few household visits a day for the first street's grid workers; and
for every street a few patrol cars, each out every afternoon of the last month with one of its drivers (the
street's grid workers), driving along the streets between the grids at town speeds (a point every 15 s,
tens of kilometres a trip). A worker who drives on a day does not walk that day. Called by ``wangge demo``
after the cases (not in the test town, which loads no cases). Bulk-written: the figures come from the same
``track`` functions the services use."""

import json
import math
import random
from datetime import datetime, time, timedelta

import networkx as nx
import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role
from wangge.patrols import conf, services, track
from wangge.patrols.models import COLUMNS, Patrol, Vehicle, Visit
from wangge.patrols.plates import normalise_plate
from wangge.people.models import Household
from wangge.regions.models import GRID_LEVELS, Level, Region

DAYS = 21
STEP_S = 30
TRIP_DAYS = 30
TRIP_STEP_S = 15
CARS_PER_STREET = 3
DRIVERS_PER_CAR = 3
CAR_MODELS = ["比亚迪秦PLUS 巡逻车", "五菱宏光 巡逻车", "吉利帝豪 巡逻车", "长安逸动 巡逻车"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
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


def _metres(lon_lat: np.ndarray) -> np.ndarray:
    """Positions in a local metre frame (equirectangular: good to a metre over a street)."""
    scale = 111_320.0 * math.cos(math.radians(float(lon_lat[:, 1].mean())))
    return np.column_stack([lon_lat[:, 0] * scale, lon_lat[:, 1] * 110_540.0])


def _roads(street: Region) -> nx.Graph:
    """The edges of the street's grids as its road network (grids are drawn along roads): a node per corner
    (rounded to about a metre, so that neighbours' shared corners meet), the largest connected piece."""
    graph = nx.Graph()
    grids = Region.objects.filter(path__startswith=street.path, level__in=GRID_LEVELS, boundary__isnull=False)
    for boundary in grids.values_list("boundary", flat=True):
        shape = shapely.from_geojson(json.dumps(boundary))
        for polygon in getattr(shape, "geoms", [shape]):
            corners = [(round(x, 5), round(y, 5)) for x, y in polygon.exterior.coords]
            for a, b in zip(corners, corners[1:], strict=False):
                if a != b:
                    graph.add_edge(a, b, metres=float(np.hypot(*np.diff(_metres(np.array([a, b])), axis=0)[0])))
    if not graph:
        return graph
    return graph.subgraph(max(nx.connected_components(graph), key=len)).copy()


def _tour(roads: nx.Graph, rng: random.Random, stops: int = 8) -> np.ndarray:
    """A car's round through ``stops`` corners of the street and back, along the shortest roads between them."""
    nodes = sorted(roads.nodes)
    chosen = [rng.choice(nodes) for _ in range(stops)]
    route = [chosen[0]]
    for a, b in zip(chosen, chosen[1:] + chosen[:1], strict=True):
        route += nx.shortest_path(roads, a, b, weight="metres")[1:]
    return np.array(route, dtype=np.float64)


def _drive(tour: np.ndarray, rng: random.Random, start_t: int, minutes: int) -> np.ndarray:
    """A trip round ``tour`` from a random place on it: 20–55 km/h with stops at lights, a fix every
    ``TRIP_STEP_S`` a few metres off the road."""
    frame = _metres(tour)
    along = np.r_[0.0, np.cumsum(np.hypot(*np.diff(frame, axis=0).T))]
    total = float(along[-1])
    rows = np.zeros((minutes * 60 // TRIP_STEP_S, COLUMNS))
    rows[:, track.REGION] = -1
    at, speed, stopped = rng.uniform(0, total), rng.uniform(8, 12), 0
    for i in range(len(rows)):
        if stopped:
            stopped -= 1
        elif rng.random() < 0.04:
            stopped = rng.randint(1, 5)  # a red light or a word with someone
        else:
            speed = min(max(speed + rng.gauss(0, 1.5), 5.5), 15.3)
            at = (at + speed * TRIP_STEP_S) % total
        lon = float(np.interp(at, along, tour[:, 0])) + rng.gauss(0, 2e-5)
        lat = float(np.interp(at, along, tour[:, 1])) + rng.gauss(0, 2e-5)
        rows[i, :4] = (round(lon, 7), round(lat, 7), start_t + i * TRIP_STEP_S, rng.choice((5, 6, 8, 10)))
    return rows


def _patrol_of(worker, region: Region, start: datetime, minutes: int, rows: np.ndarray, vehicle=None) -> Patrol:
    rows[:, track.REGION] = services._grid_of(rows)
    rows = track.mark_outside(rows, rows[:, track.REGION].astype(np.int64))
    rows = track.mark_jumps(rows, conf.max_speed_mps(car=vehicle is not None))
    patrol = Patrol(
        worker=worker,
        region=region,
        region_path=region.path,
        vehicle=vehicle,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        batch_ids=["demo"],
    )
    services._refresh(patrol, rows)
    return patrol


def _plate(rng: random.Random, taken: set[str]) -> str:
    while True:
        if rng.random() < 0.3:  # new energy
            serial = f"D{rng.choice(PLATE_LETTERS)}{rng.randrange(10_000):04d}"
        else:
            serial = f"{rng.choice(PLATE_LETTERS)}{rng.randrange(10_000):04d}"
        plate = normalise_plate(f"苏E{serial}")
        if plate not in taken:
            taken.add(plate)
            return plate


def _cars(street: Region, workers: list, rng: random.Random, taken: set[str]) -> list[Vehicle]:
    """The street's patrol cars, each with DRIVERS_PER_CAR of its grid workers (in grid order, so the first
    street's first car is driven by the first grids' workers: gridworker1 and gridworker2)."""
    cars = []
    for n in range(CARS_PER_STREET):
        car = Vehicle.objects.create(
            plate=_plate(rng, taken),
            label=CAR_MODELS[n % len(CAR_MODELS)],
            region=street,
            region_path=street.path,
            odometer_km=rng.randrange(8_000, 60_000),
        )
        drivers = workers[n * DRIVERS_PER_CAR : (n + 1) * DRIVERS_PER_CAR]
        car.drivers.set([m.user for m in drivers])
        car.driver_memberships = drivers
        cars.append(car)
    return cars


def _trips(street: Region, workers: list, rng: random.Random, taken: set[str], today) -> tuple[list, set, int]:
    """A month of afternoon trips of the street's cars; the (worker, day) pairs that drove; the cars made."""
    roads = _roads(street)
    if not roads or not workers:
        return [], set(), 0
    cars = _cars(street, workers, rng, taken)
    trips, driving = [], set()
    for car in cars:
        if not car.driver_memberships:
            continue
        tour = _tour(roads, rng)
        for back in range(TRIP_DAYS, 0, -1):
            day = today - timedelta(days=back)
            membership = car.driver_memberships[back % len(car.driver_memberships)]
            start = timezone.make_aware(datetime.combine(day, time(14, rng.randint(0, 40))))
            minutes = rng.randint(90, 180)
            rows = _drive(tour, rng, int(start.timestamp()), minutes)
            trips.append(_patrol_of(membership.user, membership.region, start, minutes, rows, vehicle=car))
            driving.add((membership.user_id, day))
    return trips, driving, len(cars)


def _grid_workers(street: Region) -> list:
    return list(
        Membership.objects.filter(
            role=Role.GRID_WORKER, is_active=True, region__path__startswith=street.path, region__boundary__isnull=False
        )
        .select_related("user", "region")
        .order_by("region__code")
    )


@transaction.atomic
def create_demo_patrols(*, seed: int = 2026) -> str:
    rng = random.Random(seed)
    streets = list(Region.objects.filter(level=Level.STREET, is_active=True).order_by("code"))
    if not streets:
        return ""
    street = streets[0]
    workers = _grid_workers(street)
    today = timezone.localdate()
    trips, driving, car_count, taken = [], set(), 0, set(Vehicle.objects.values_list("plate", flat=True))
    for each in streets:
        made, drove, cars = _trips(each, workers if each is street else _grid_workers(each), rng, taken, today)
        trips += made
        driving |= drove
        car_count += cars
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
            if (membership.user_id, day) not in driving:  # a driver patrols in the car that day
                rows = _walk(shape, rng, int(start.timestamp()), minutes)
                patrols.append(_patrol_of(membership.user, membership.region, start, minutes, rows))
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
    Patrol.objects.bulk_create(patrols + trips, batch_size=200)
    Visit.objects.bulk_create(visits, batch_size=1000)
    return _(
        "Patrols: %(patrols)d patrols and %(visits)d household visits over %(days)d days; %(cars)d patrol cars "
        "drove %(trips)d trips (%(km)d km) over %(trip_days)d days."
    ) % {
        "patrols": len(patrols),
        "visits": len(visits),
        "days": DAYS,
        "cars": car_count,
        "trips": len(trips),
        "km": round(sum(t.distance_m for t in trips) / 1000),
        "trip_days": TRIP_DAYS,
    }
