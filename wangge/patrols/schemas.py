"""Request and response bodies of the patrols API (names start with ``Patrol``: unique across the API)."""

from datetime import date, datetime
from typing import Literal

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


class PatrolItemOut(Schema):
    id: int
    worker_id: int
    worker: str
    region: str
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
