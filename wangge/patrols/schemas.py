"""Request and response bodies of the patrols API (names start with ``Patrol``: unique across the API)."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import MultilineText, Text
from wangge.core.validators import Day


class PatrolPointsIn(Schema):
    batch_id: Text = Field(..., min_length=1, max_length=64, description="The phone's id of this batch")
    points: list[list[float | None]] = Field(
        ..., max_length=5000, description="[[lon, lat, t (Unix seconds), accuracy (m)], …] in WGS84"
    )


class PatrolListQuery(PageQuery):
    worker: int | None = Field(None, ge=1, le=2**31 - 1, description="A worker's user id")
    region: str | None = Field(None, max_length=24, description="Patrols of workers under this region code")
    date_from: Day | None = None
    date_to: Day | None = None


class PatrolRegionRef(Schema):
    code: str
    name: str
    level: str


class PatrolCaseRef(Schema):
    number: str
    title: str
    status: str


class PatrolVehicleRef(Schema):
    id: int
    plate: str


class PatrolItemOut(Schema):
    id: int
    worker_id: int
    worker: str
    region: str
    vehicle: PatrolVehicleRef | None = Field(None, description="The patrol car, when the patrol is its trip")
    started_at: datetime
    ended_at: datetime | None
    closed_automatically: bool
    distance_m: float
    duration_s: int
    point_count: int
    flagged_count: int
    dropped_jumps: int


class PatrolTrackPropertiesOut(Schema):
    kind: Literal["track", "outside"] = Field(
        ..., description="track: the simplified lines between gaps; outside: points outside every grid"
    )


class PatrolTrackGeometryOut(Schema):
    type: Literal["MultiLineString", "MultiPoint"]
    coordinates: list = Field(..., description="[lon, lat] pairs (per line for the MultiLineString)")


class PatrolTrackFeatureOut(Schema):
    type: Literal["Feature"]
    properties: PatrolTrackPropertiesOut
    geometry: PatrolTrackGeometryOut


class PatrolTrackOut(Schema):
    """GeoJSON FeatureCollection: the simplified track and the points outside every grid."""

    type: Literal["FeatureCollection"]
    features: list[PatrolTrackFeatureOut]


class PatrolOut(PatrolItemOut):
    grids: list[PatrolRegionRef]
    cases: list[PatrolCaseRef]
    track: PatrolTrackOut


class PatrolBatchOut(Schema):
    stored: bool = Field(..., description="False when this batch id was seen before (nothing changed)")
    patrol: PatrolItemOut


class PatrolCoverageQuery(Schema):
    region: str = Field(..., max_length=24)
    days: int | None = Field(None, ge=1, le=366)


class PatrolCoverageCell(Schema):
    code: str
    name: str
    level: str
    covered: bool
    last_patrolled: str | None


class PatrolCoverageWorker(Schema):
    worker_id: int
    worker: str
    distance_m: float
    duration_s: int


class PatrolCoverageOut(Schema):
    region: str
    days: int
    date_from: str
    date_to: str
    cells: list[PatrolCoverageCell]
    covered: int
    workers: list[PatrolCoverageWorker]


class VisitIn(Schema):
    household_id: int | None = Field(None, ge=1, le=2**31 - 1)
    person_id: int | None = Field(None, ge=1, le=2**31 - 1)
    visited_on: Day
    people_met: Text = Field("", max_length=200)
    notes: MultilineText = Field("", max_length=4000, description="民情日记: what was seen and heard")
    needs: MultilineText = Field("", max_length=2000)


class VisitCaseIn(Schema):
    category: Text = Field(..., max_length=16, description="A sub-class code of the case catalogue")
    description: MultilineText = Field("", max_length=2000, description="The need's text by default")
    urgent: bool = False


class VisitListQuery(PageQuery):
    household: int | None = Field(None, ge=1, le=2**31 - 1)
    person: int | None = Field(None, ge=1, le=2**31 - 1)
    worker: int | None = Field(None, ge=1, le=2**31 - 1)
    date_from: Day | None = None
    date_to: Day | None = None


class VisitOut(Schema):
    id: int
    worker_id: int
    worker: str
    household_id: int | None
    person_id: int | None
    visited_on: date
    people_met: str
    notes: str
    needs: str
    case: str | None = Field(None, description="The number of the case raised from the need")
    photos: int
    photo_urls: list[str] = Field(description="each photo, opened with a session or the same bearer token")


class VisitOverdueOut(Schema):
    household_id: int
    address: str
    last_visit: date | None
    labelled: bool


# --- patrol cars (/vehicles) and their trips (/trips) ---------------------------------------------------


class PatrolStartIn(Schema):
    vehicle: int | None = Field(
        None, ge=1, le=2**31 - 1, description="A patrol car you are a driver of: the patrol is its trip"
    )


class VehicleListQuery(PageQuery):
    region: Text | None = Field(None, max_length=24, description="Cars of this region and the regions below it")
    active: bool | None = Field(None, description="Only cars in service (true) or out of service (false)")


class VehicleDriverOut(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name or obj.username


class VehicleItemOut(Schema):
    id: int
    plate: str = Field(description="As printed: 苏E·12345")
    label: str
    region: PatrolRegionRef
    is_active: bool
    odometer_km: int = Field(description="The odometer when the car was registered")
    trips: int
    mileage_km: float = Field(description="odometer_km plus the distance of all its trips")
    drivers: list[VehicleDriverOut]

    @staticmethod
    def resolve_trips(obj) -> int:
        return obj.trip_count

    @staticmethod
    def resolve_drivers(obj) -> list:
        return list(obj.drivers.all())


class VehicleMonthOut(Schema):
    month: date = Field(description="The month's first day")
    trips: int
    km: float


class VehicleOut(VehicleItemOut):
    km_this_month: float
    trips_this_month: int
    months: list[VehicleMonthOut] = Field(description="The last 12 months, this one last, whoever drove")
    out_since: datetime | None = Field(None, description="When the car left on the trip it is on now")

    @staticmethod
    def resolve_km_this_month(obj) -> float:
        return obj.months[-1]["km"]

    @staticmethod
    def resolve_trips_this_month(obj) -> int:
        return obj.months[-1]["trips"]


AccountId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class VehicleIn(Schema):
    plate: Text = Field(..., max_length=20, description="苏E·12345, 苏E12345, 苏e 12345 …")
    label: Text = Field("", max_length=60, description="Make and model")
    region: Text = Field(..., max_length=24, description="The district, street or community the car belongs to")
    drivers: list[AccountId] = Field(default_factory=list, max_length=200, description="Account ids of its drivers")
    odometer_km: int = Field(0, ge=0, le=2_000_000)
    is_active: bool = True


class VehiclePatchIn(Schema):
    plate: Text | None = Field(None, max_length=20)
    label: Text | None = Field(None, max_length=60)
    region: Text | None = Field(None, max_length=24)
    drivers: list[AccountId] | None = Field(None, max_length=200, description="Replaces the list of drivers")
    odometer_km: int | None = Field(None, ge=0, le=2_000_000)
    is_active: bool | None = None


class TripListQuery(PageQuery):
    vehicle: int | None = Field(None, ge=1, le=2**31 - 1, description="A car's id")
    driver: int | None = Field(None, ge=1, le=2**31 - 1, description="A driver's account id")
    date_from: Day | None = None
    date_to: Day | None = None
