"""The patrol car pages: a driver picks the car on the start page and the patrol shows its plate; the list
of cars and one car with its figures, months, drivers and the trips the reader may see; 404 for those with
no car to see; Chinese by default."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.patrols.conftest import GRID_1, STREET_1
from wangge.accounts.models import User
from wangge.patrols import services
from wangge.patrols.models import Patrol, Vehicle
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def car(db, outsider):
    return services.register_vehicle(
        actor=User.objects.get(username="leader"),
        plate="苏E·12345",
        region=STREET_1,
        label="比亚迪秦",
        drivers=[User.objects.get(username="gridworker1").pk],
        odometer_km=20000,
    )


def test_a_driver_picks_the_car_on_the_start_page_and_the_patrol_shows_its_plate(browser, car):
    client = browser("gridworker1")
    page = client.get("/patrols/").content.decode()
    assert 'data-testid="patrol-vehicle-select"' in page and f'<option value="{car.pk}">' in page
    assert client.post("/patrols/start/", {"vehicle": car.pk}).status_code == 302
    trip = Patrol.objects.get(worker__username="gridworker1", ended_at__isnull=True)
    assert trip.vehicle == car
    page = client.get("/patrols/").content.decode()
    assert re.search(r'data-testid="patrol-vehicle">.*苏E·12345', page)
    assert "patrol-vehicle-select" not in page  # on a trip: nothing to pick
    client.post(f"/patrols/{trip.pk}/finish/")
    detail = client.get(f"/patrols/{trip.pk}/").content.decode()
    assert re.search(rf'data-testid="patrol-vehicle"><a href="/patrols/vehicles/{car.pk}/">苏E·12345</a>', detail)
    # The community oversees the trip but not the street's car: the plate without a link.
    overseen = browser("community1").get(f"/patrols/{trip.pk}/").content.decode()
    assert 'data-testid="patrol-vehicle">苏E·12345</dd>' in overseen


def test_a_car_one_does_not_drive_is_refused_on_the_page_with_the_reason(browser, car):
    answer = browser("gridworker2").post("/patrols/start/", {"vehicle": car.pk})
    assert answer.status_code == 400
    assert "Choose a patrol car you are a driver of." in answer.content.decode()
    assert not Patrol.objects.filter(worker__username="gridworker2").exists()
    assert "patrol-vehicle-select" not in browser("gridworker2").get("/patrols/").content.decode()  # drives none


def test_the_car_pages(browser, car):
    region = Region.objects.get(code=GRID_1)
    for at, metres in ((datetime(2031, 3, 18, 6, tzinfo=UTC), 40_000), (datetime(2031, 1, 9, 6, tzinfo=UTC), 8_050)):
        Patrol.objects.create(
            worker=User.objects.get(username="gridworker1"),
            region=region,
            region_path=region.path,
            vehicle=car,
            started_at=at,
            ended_at=at + timedelta(hours=2),
            duration_s=7200,
            distance_m=metres,
        )
    index = browser("leader").get("/patrols/").content.decode()
    assert 'data-testid="vehicles-link"' in index
    listing = browser("leader").get("/patrols/vehicles/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert 'data-testid="vehicle-table"' in body and "苏E·12345" in body and "20048 km" in body
    with time_machine.travel(datetime(2031, 3, 20, 2, tzinfo=UTC), tick=False):
        page = browser("leader").get(f"/patrols/vehicles/{car.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="vehicle-plate">苏E·12345' in body and "20048.0 km" in body
    months = re.findall(r"<td>(\d{4}-\d{2})</td>", body.split('data-testid="vehicle-months"')[1].split("</table>")[0])
    assert months == ["2031-03", "2031-02", "2031-01"]  # from the first month with a trip, newest first
    assert "8.1 km" in body and "40.0 km" in body
    drivers = body.split('data-testid="vehicle-drivers"')[1].split("</ul>")[0]
    assert str(User.objects.get(username="gridworker1")) in drivers
    assert body.count("/patrols/vehicles/") >= 1 and "2031-03-18 14:00" in body
    assert browser("gridworker1").get(f"/patrols/vehicles/{car.pk}/").status_code == 200  # its driver


@pytest.mark.parametrize("persona", ["resident1", "department1", "gridworker2"])
def test_no_car_page_for_those_with_no_car_to_see(browser, car, persona):
    assert browser(persona).get("/patrols/vehicles/").status_code == 404
    assert browser(persona).get(f"/patrols/vehicles/{car.pk}/").status_code == 404
    assert 'data-testid="vehicles-link"' not in browser(persona).get("/patrols/").content.decode()


def test_the_car_pages_speak_chinese(browser, car):
    body = browser("leader", language="zh-hans").get(f"/patrols/vehicles/{car.pk}/").content.decode()
    assert "巡逻车" in body and "每月里程" in body
    assert Vehicle.objects.count() == 1
