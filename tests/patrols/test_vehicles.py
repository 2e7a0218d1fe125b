"""Patrol cars and their trips: plates checked and written one way, drivers who patrol in the car's region,
cars registered and changed by the staff who manage the region (nothing written on a refusal), a trip started
in a car one drives and the track cleaned at car speeds, the car's figures (mileage, this month, per month),
and who sees which car and trip through ``/vehicles`` and ``/trips``."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.patrols.conftest import COMMUNITY_1, GRID_1, GRID_2, STREET_1, T0
from wangge.accounts.models import AuditLog, User
from wangge.patrols import services
from wangge.patrols.models import Patrol, Vehicle
from wangge.patrols.plates import normalise_plate
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db

NOW = datetime(2031, 3, 20, 2, tzinfo=UTC)  # 10:00 in Shanghai on a day of its own: nothing else is there
OTHER_STREET_WORKER = "gw329901002001001"
OTHER_COMMUNITY_WORKER = "gw329901001002001"
OTHER_COMMUNITY = "329901001002"
ABSENT = 99999999


def _id(username: str) -> int:
    return User.objects.get(username=username).pk


@pytest.fixture
def car(db, outsider):
    """A patrol car of the leader's street, driven by gridworker1."""
    return services.register_vehicle(
        actor=User.objects.get(username="leader"),
        plate="苏e 12345",
        region=STREET_1,
        label="比亚迪秦",
        drivers=[_id("gridworker1")],
        odometer_km=20000,
    )


def _trip(car: Vehicle, username: str, at: datetime, km: float) -> Patrol:
    region = Region.objects.get(code=GRID_1 if username == "gridworker1" else GRID_2)
    return Patrol.objects.create(
        worker=User.objects.get(username=username),
        region=region,
        region_path=region.path,
        vehicle=car,
        started_at=at,
        ended_at=at + timedelta(hours=2),
        duration_s=7200,
        distance_m=km * 1000,
    )


def _field(answer) -> str:
    assert answer.status_code == 400, answer.content
    return answer.json()["errors"][0]["field"]


# --- plates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("苏E·12345", "苏E·12345"),
        ("苏E12345", "苏E·12345"),
        ("苏e 1234a", "苏E·1234A"),
        ("苏Ｅ－Ａ８Ｋ２１", "苏E·A8K21"),  # full width, as a Chinese keyboard may type it
        (" 京A.88888 ", "京A·88888"),
        ("苏E·D12345", "苏E·D12345"),  # new energy, small car
        ("苏E12345F", "苏E·12345F"),  # new energy, large car
        ("苏E1234警", "苏E·1234警"),  # police
    ],
)
def test_plates_are_stored_as_printed(typed, stored):
    assert normalise_plate(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "12345", "苏E1234", "苏E123456", "苏I12345", "苏E1234O", "XE12345", "苏E12345警", "苏ED12I45"]
)
def test_what_is_not_a_plate_is_refused_naming_the_field(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_plate(typed)
    assert list(refused.value.message_dict) == ["plate"]


# --- registering and changing cars ----------------------------------------------------------------------------


def test_a_street_leader_registers_a_car_with_its_drivers(caller):
    drivers = [_id("gridworker2"), _id("gridworker1")]
    answer = caller("leader").post(
        "/vehicles",
        {"plate": "苏e 54321", "label": "五菱宏光", "region": STREET_1, "drivers": drivers, "odometer_km": 12000},
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["plate"], body["label"], body["region"]["code"], body["is_active"]) == (
        "苏E·54321",
        "五菱宏光",
        STREET_1,
        True,
    )
    assert [d["username"] for d in body["drivers"]] == ["gridworker1", "gridworker2"]
    assert (body["trips"], body["mileage_km"], body["km_this_month"], body["out_since"]) == (0, 12000.0, 0.0, None)
    assert len(body["months"]) == 12
    assert AuditLog.objects.filter(action="vehicle.register", object_id=str(body["id"])).exists()
    # The same plate typed another way is the same car.
    assert _field(caller("leader").post("/vehicles", {"plate": "苏E54321", "region": STREET_1})) == "plate"
    assert _field(caller("leader").post("/vehicles", {"plate": "苏E5432", "region": STREET_1})) == "plate"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("gridworker1", 403),
        ("gridchief1", 403),
        ("liaison1", 403),
        ("resident1", 403),
        ("department1", 403),
        ("operator", 403),
        ("dutychief", 201),
        ("admin", 201),
    ],
)
def test_only_the_staff_who_manage_a_street_register_its_cars(caller, persona, status):
    answer = caller(persona).post("/vehicles", {"plate": "苏E·E7777", "region": STREET_1})
    assert answer.status_code == status, answer.content


def test_a_region_not_managed_or_not_a_street_or_community_is_refused_naming_the_region(caller):
    community = caller("community1")
    for region in (STREET_1, GRID_1, OTHER_COMMUNITY, "999999999999"):
        assert _field(community.post("/vehicles", {"plate": "苏E·E7777", "region": region})) == "region"
    assert community.post("/vehicles", {"plate": "苏E·E7777", "region": COMMUNITY_1}).status_code == 201


def test_drivers_must_patrol_in_the_car_s_region_and_nothing_is_written_otherwise(caller):
    before = Vehicle.objects.count()
    for outside in (OTHER_STREET_WORKER, OTHER_COMMUNITY_WORKER, "leader", "resident1", "department1"):
        answer = caller("community1").post(
            "/vehicles", {"plate": "苏E·E7777", "region": COMMUNITY_1, "drivers": [_id("gridworker1"), _id(outside)]}
        )
        assert _field(answer) == "drivers"
        assert str(_id(outside)) in answer.json()["errors"][0]["message"]
    assert (
        _field(
            caller("community1").post("/vehicles", {"plate": "苏E·E7777", "region": COMMUNITY_1, "drivers": [ABSENT]})
        )
        == "drivers"
    )
    assert Vehicle.objects.count() == before
    assert not AuditLog.objects.filter(action="vehicle.register").exists()


def test_changing_a_car(caller, car):
    assert caller("gridworker1").patch(f"/vehicles/{car.pk}", {"label": "x"}).status_code == 403  # a driver
    for persona in ("gridworker2", "community1", "resident1"):  # they do not see it
        assert caller(persona).patch(f"/vehicles/{car.pk}", {"label": "x"}).status_code == 404
    answer = caller("leader").patch(
        f"/vehicles/{car.pk}", {"label": "比亚迪秦PLUS", "drivers": [_id("gridworker2")], "is_active": False}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["plate"], body["label"], body["is_active"]) == ("苏E·12345", "比亚迪秦PLUS", False)
    assert [d["username"] for d in body["drivers"]] == ["gridworker2"]
    change = AuditLog.objects.get(action="vehicle.change", object_id=str(car.pk))
    assert change.changes["drivers"] == [["gridworker1"], ["gridworker2"]] and change.changes["is_active"] == [
        True,
        False,
    ]
    assert caller("gridworker1").get(f"/vehicles/{car.pk}").status_code == 404  # no longer a driver


def test_a_change_that_breaks_a_rule_names_the_field_and_changes_nothing(caller, car):
    other = services.register_vehicle(actor=User.objects.get(username="leader"), plate="苏E·D54321", region=STREET_1)
    leader = caller("leader")
    assert _field(leader.patch(f"/vehicles/{other.pk}", {"plate": "苏E12345"})) == "plate"
    assert _field(leader.patch(f"/vehicles/{car.pk}", {"region": "329901002000"})) == "region"  # not the leader's
    # gridworker1 does not patrol in the next community: the car cannot move there with its driver.
    assert _field(leader.patch(f"/vehicles/{car.pk}", {"region": OTHER_COMMUNITY})) == "drivers"
    assert _field(leader.patch(f"/vehicles/{car.pk}", {"drivers": [_id(OTHER_STREET_WORKER)]})) == "drivers"
    car.refresh_from_db()
    assert (car.region.code, list(car.drivers.values_list("username", flat=True))) == (STREET_1, ["gridworker1"])
    moved = leader.patch(f"/vehicles/{car.pk}", {"region": COMMUNITY_1, "odometer_km": 20100})
    assert moved.status_code == 200, moved.content
    assert (moved.json()["region"]["code"], moved.json()["odometer_km"]) == (COMMUNITY_1, 20100)
    assert caller("community1").get(f"/vehicles/{car.pk}").status_code == 200  # now in the community's reach


# --- trips ----------------------------------------------------------------------------------------------------


def test_a_driver_starts_a_trip_in_the_car_and_it_is_out_until_finished(caller, car):
    answer = caller("gridworker1").post("/patrols", {"vehicle": car.pk})
    assert answer.status_code == 201, answer.content
    trip = answer.json()
    assert trip["vehicle"] == {"id": car.pk, "plate": "苏E·12345"}
    assert trip["region"] == GRID_1  # the driver's own grid: the trip is scoped like their patrols
    assert caller("gridworker1").get(f"/trips/{trip['id']}").json()["vehicle"]["plate"] == "苏E·12345"
    assert caller("leader").get(f"/vehicles/{car.pk}").json()["out_since"]
    car.drivers.add(User.objects.get(username="gridworker2"))
    busy = caller("gridworker2").post("/patrols", {"vehicle": car.pk})
    assert _field(busy) == "vehicle" and "苏E·12345" in busy.json()["errors"][0]["message"]
    assert not Patrol.objects.filter(worker__username="gridworker2").exists()
    caller("gridworker1").post(f"/patrols/{trip['id']}/finish")
    assert caller("gridworker2").post("/patrols", {"vehicle": car.pk}).status_code == 201


def test_a_car_one_does_not_drive_is_refused_naming_the_vehicle(caller, car):
    other = services.register_vehicle(
        actor=User.objects.get(username="admin"),
        plate="苏E·K1234",
        region="329901002000",
        drivers=[_id(OTHER_STREET_WORKER)],
    )
    for vehicle in (car.pk, other.pk, ABSENT):  # not a driver of the first, the second is another street's
        assert _field(caller("gridworker2").post("/patrols", {"vehicle": vehicle})) == "vehicle"
    assert not Patrol.objects.filter(worker__username="gridworker2").exists()
    Vehicle.objects.filter(pk=car.pk).update(is_active=False)
    answer = caller("gridworker1").post("/patrols", {"vehicle": car.pk})
    assert _field(answer) == "vehicle" and "out of service" in answer.json()["errors"][0]["message"]
    assert caller("gridworker1").post("/patrols", raw=b"").status_code == 201  # no body: on foot, as before


def _fast_points(code: str, n: int = 60) -> list[list[float]]:
    """A fix a second at 100 km/h (27.8 m/s) eastwards, every other one 15 m behind or ahead of where the car
    is: fixes that seem to move at up to 58 m/s, as a phone in a car records them."""
    region = Region.objects.get(code=code)
    lon0, lat0 = region.center_lon, region.center_lat
    per_metre = 1 / 95_400  # degrees of longitude per metre at 31° N
    return [[round(lon0 + (27.8 * i + (15 if i % 2 else -15)) * per_metre, 7), lat0, T0 + i, 5] for i in range(n)]


def test_a_car_trip_keeps_highway_fixes_that_a_walk_drops_as_jumps(caller, car, started):
    trip = caller("gridworker1").post("/patrols", {"vehicle": car.pk}).json()["id"]
    walk = started("gridworker2")
    points = _fast_points(GRID_1)
    in_car = caller("gridworker1").post(f"/patrols/{trip}/points", {"batch_id": "a", "points": points}).json()
    on_foot = caller("gridworker2").post(f"/patrols/{walk}/points", {"batch_id": "a", "points": points}).json()
    assert in_car["patrol"]["dropped_jumps"] == 0
    assert in_car["patrol"]["distance_m"] == pytest.approx(59 * 27.8, rel=0.6)
    assert on_foot["patrol"]["dropped_jumps"] > 10


# --- figures and scope ----------------------------------------------------------------------------------------


def test_a_car_s_mileage_this_month_and_each_month_in_local_time(caller, car):
    car.drivers.add(User.objects.get(username="gridworker2"))
    _trip(car, "gridworker1", datetime(2031, 3, 18, 6, tzinfo=UTC), 40)
    _trip(car, "gridworker2", datetime(2031, 3, 17, 6, tzinfo=UTC), 35.5)  # another driver: the car's figures
    _trip(car, "gridworker1", datetime(2031, 2, 28, 17, tzinfo=UTC), 10)  # 1 March 01:00 in Shanghai
    _trip(car, "gridworker1", datetime(2031, 2, 10, 6, tzinfo=UTC), 50)
    _trip(car, "gridworker1", datetime(2030, 1, 10, 6, tzinfo=UTC), 70)  # over a year ago: in the mileage only
    with time_machine.travel(NOW, tick=False):
        body = caller("gridworker1").get(f"/vehicles/{car.pk}").json()
        page = caller("gridworker1").get("/vehicles").json()["items"]
    assert (body["trips"], body["mileage_km"]) == (5, 20205.5)
    assert (body["trips_this_month"], body["km_this_month"]) == (3, 85.5)
    months = [(m["month"], m["trips"], m["km"]) for m in body["months"]]
    assert months[0] == ("2030-04-01", 0, 0.0) and months[-2:] == [("2031-02-01", 1, 50.0), ("2031-03-01", 3, 85.5)]
    assert [(v["plate"], v["trips"], v["mileage_km"]) for v in page] == [("苏E·12345", 5, 20205.5)]


def test_who_sees_the_car_and_its_trips(caller, car):
    car.drivers.add(User.objects.get(username="gridworker2"))
    mine = _trip(car, "gridworker1", datetime(2031, 3, 18, 6, tzinfo=UTC), 40).pk
    theirs = _trip(car, "gridworker2", datetime(2031, 3, 17, 6, tzinfo=UTC), 30).pk
    on_foot = caller("gridworker1").post("/patrols").json()["id"]
    sees_car = {"leader": 200, "dutychief": 200, "gridworker1": 200, "gridworker2": 200, "admin": 200}
    sees_car |= {"community1": 404, "gridchief1": 404, "liaison1": 404, "resident1": 404, "department1": 404}
    for persona, status in sees_car.items():
        assert caller(persona).get(f"/vehicles/{car.pk}").status_code == status, persona
        listed = {v["id"] for v in caller(persona).get("/vehicles").json()["items"]}
        assert (car.pk in listed) == (status == 200), persona
    sees_trips = {
        "leader": {mine, theirs},
        "community1": {mine, theirs},  # the drivers' community oversees their patrols, in a car or not
        "gridchief1": {mine, theirs},
        "gridworker1": {mine},
        "gridworker2": {theirs},
        "liaison1": set(),
        "resident1": set(),
        "department1": set(),
    }
    for persona, expected in sees_trips.items():
        assert {t["id"] for t in caller(persona).get("/trips").json()["items"]} == expected, persona
        for trip in (mine, theirs):
            assert caller(persona).get(f"/trips/{trip}").status_code == (200 if trip in expected else 404), persona
    assert caller("gridworker1").get(f"/trips/{on_foot}").status_code == 404  # a walk is no trip
    assert caller("gridworker1").get(f"/patrols/{mine}").json()["vehicle"]["plate"] == "苏E·12345"


def test_trip_and_car_filters(caller, car):
    car.drivers.add(User.objects.get(username="gridworker2"))
    first = _trip(car, "gridworker1", datetime(2031, 3, 18, 6, tzinfo=UTC), 40).pk
    second = _trip(car, "gridworker2", datetime(2031, 3, 17, 6, tzinfo=UTC), 30).pk
    late = _trip(car, "gridworker1", datetime(2031, 3, 18, 17, tzinfo=UTC), 5).pk  # 19 March in Shanghai
    leader = caller("leader")

    def trips(**params) -> list[int]:
        answer = leader.get("/trips", params)
        assert answer.status_code == 200, answer.content
        return [t["id"] for t in answer.json()["items"]]

    assert trips(vehicle=car.pk) == [late, first, second]
    assert trips(driver=_id("gridworker2")) == [second]
    assert trips(date_from="2031-03-18", date_to="2031-03-18") == [first]
    assert trips(date_from="2031-03-19") == [late]
    assert trips(vehicle=car.pk, size=2)[:2] == [late, first]
    assert _field(leader.get("/trips", {"cursor": "not a cursor"})) == "cursor"

    def cars(**params) -> list[int]:
        return [v["id"] for v in leader.get("/vehicles", params).json()["items"]]

    assert cars(region=STREET_1) == [car.pk] and cars(region=COMMUNITY_1) == [] and cars(active=False) == []
    assert caller("gridworker1").get("/vehicles", {"region": STREET_1}).status_code == 404


def test_the_admin_keeps_the_same_rules(browser):
    street = Region.objects.get(code=STREET_1)
    admin = browser("admin")
    form = {"plate": "苏e 24680", "label": "", "region": street.pk, "odometer_km": 100, "is_active": "on"}
    refused = admin.post("/admin/patrols/vehicle/add/", {**form, "drivers": [_id(OTHER_STREET_WORKER)]})
    assert refused.status_code == 200 and "These accounts do not patrol in" in refused.content.decode()
    bad_plate = admin.post("/admin/patrols/vehicle/add/", {**form, "plate": "苏E123", "drivers": [_id("gridworker1")]})
    assert bad_plate.status_code == 200 and not Vehicle.objects.exists()
    added = admin.post("/admin/patrols/vehicle/add/", {**form, "drivers": [_id("gridworker1")]})
    assert added.status_code == 302, added.content[:500]
    car = Vehicle.objects.get()
    assert (car.plate, car.region_path, list(car.drivers.values_list("username", flat=True))) == (
        "苏E·24680",
        street.path,
        ["gridworker1"],
    )


def test_ids_no_column_holds_are_refused_naming_the_field(car):
    worker = User.objects.get(username="gridworker1")
    with pytest.raises(ValidationError) as refused:
        services.start_patrol(actor=worker, vehicle=2**70)
    assert list(refused.value.message_dict) == ["vehicle"]
    with pytest.raises(ValidationError) as refused:
        services.check_drivers(car.region, [2**70])
    assert list(refused.value.message_dict) == ["drivers"]
