"""The demo's patrols, visits and patrol cars: walks for the first street's grid workers with sane figures,
and for every street a few cars driven by its grid workers on a month of trips at town speeds along the roads
between the grids, tens of kilometres each; a worker who drives on a day does not walk that day."""

import pytest
from django.db.models import Max, Min

from tests.patrols.conftest import STREET_1
from wangge.patrols.demo import CARS_PER_STREET, DAYS, TRIP_DAYS, create_demo_patrols
from wangge.patrols.models import Patrol, Vehicle, Visit
from wangge.patrols.plates import normalise_plate
from wangge.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_demo_patrols_and_visits(caller):
    summary = create_demo_patrols(seed=7)
    assert "Patrols:" in summary
    street = Region.objects.get(code=STREET_1)
    walks = Patrol.objects.filter(vehicle__isnull=True)
    assert walks.exists()
    assert not walks.exclude(region_path__startswith=street.path).exists()
    assert walks.values("worker").distinct().count() >= 2
    sample = walks.filter(worker__username="gridworker1").order_by("started_at").first()
    assert sample.distance_m > 1000 and sample.dropped_jumps == 0 and sample.regions_passed
    assert 3000 <= sample.duration_s <= 7000
    assert Visit.objects.filter(region_path__startswith=street.path).exists()
    detail = caller("gridworker1").get(f"/patrols/{sample.pk}").json()
    assert detail["grids"] and detail["track"]["features"][0]["geometry"]["coordinates"]
    assert walks.filter(worker__username="gridworker1").count() <= DAYS


def test_demo_patrol_cars_and_a_month_of_trips(caller):
    create_demo_patrols(seed=7)
    streets = Region.objects.filter(level=Level.STREET, is_active=True)
    for street in streets:
        cars = Vehicle.objects.filter(region=street)
        assert cars.count() == CARS_PER_STREET
        for car in cars:
            assert normalise_plate(car.plate) == car.plate and car.odometer_km > 0
            drivers = list(car.drivers.all())
            assert drivers and all(d.memberships.filter(region__path__startswith=street.path).exists() for d in drivers)
            trips = car.trips.all()
            assert trips.count() == TRIP_DAYS
            assert not trips.exclude(worker__in=drivers).exists()
            assert not trips.exclude(region_path__startswith=street.path).exists()
    trips = Patrol.objects.filter(vehicle__isnull=False)
    span = trips.aggregate(first=Min("started_at"), last=Max("started_at"))
    assert (span["last"] - span["first"]).days == TRIP_DAYS - 1
    for trip in trips.order_by("id")[:20]:
        km_per_hour = trip.distance_m / 1000 / (trip.duration_s / 3600)
        assert 20 <= trip.distance_m / 1000 <= 150 and 15 <= km_per_hour <= 55
        assert trip.dropped_jumps == 0 and len(trip.regions_passed) > 10
    first = Vehicle.objects.filter(drivers__username="gridworker1").get()
    assert set(first.drivers.values_list("username", flat=True)) >= {"gridworker1", "gridworker2"}
    # On a day gridworker1 drives, there is no walk of theirs.
    for trip in trips.filter(worker__username="gridworker1"):
        day = trip.started_at.date()
        assert not Patrol.objects.filter(worker=trip.worker, vehicle__isnull=True, started_at__date=day).exists(), day
    page = caller("leader").get(f"/vehicles/{first.pk}").json()
    assert page["trips"] == TRIP_DAYS and page["mileage_km"] > first.odometer_km + 20 * TRIP_DAYS
