"""Request and response bodies of the device API. Lists answer ``Page[…]``; a device carries whether it
protects a person, never who (the ledger's person page is where that is)."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import Text
from wangge.core.validators import Day
from wangge.devices.models import DeviceKind, DeviceState


class DeviceListQuery(PageQuery):
    kind: DeviceKind | None = None
    state: DeviceState | None = None
    region: str | None = Field(None, max_length=20, description="A region code: devices in its subtree")
    q: Text | None = Field(None, max_length=64, description="Part of the serial number or name")


class AlarmListQuery(PageQuery):
    kind: DeviceKind | None = None
    region: str | None = Field(None, max_length=20)
    device: int | None = Field(None, ge=1, le=2**31 - 1)


class DeviceRegionRef(Schema):
    code: str
    name: str


class DeviceItemOut(Schema):
    id: int
    serial: str
    kind: str
    kind_label: str
    name: str
    vendor: str
    state: str
    state_label: str
    lon: float
    lat: float
    address: str
    region: DeviceRegionRef
    heartbeat_seconds: int
    last_heartbeat: datetime | None
    last_alarm_at: datetime | None
    protects_person: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_vendor(obj) -> str:
        return obj.vendor.code

    @staticmethod
    def resolve_protects_person(obj) -> bool:
        return obj.protected_person_id is not None


class DeviceMessageOut(Schema):
    id: int
    message_id: str
    kind: str
    type: str
    value: Any = None
    snapshot_url: str
    sent_at: datetime | None
    received_at: datetime
    clock_flagged: bool
    transport: str
    case: str | None = Field(None, description="The case number the message opened or was added to")
    folded: bool

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None


class DeviceOut(DeviceItemOut):
    building_id: int | None
    house_id: int | None
    alarm_case: str | None
    offline_case: str | None
    messages: list[DeviceMessageOut]

    @staticmethod
    def resolve_alarm_case(obj) -> str | None:
        return obj.alarm_case.number if obj.alarm_case_id else None

    @staticmethod
    def resolve_offline_case(obj) -> str | None:
        return obj.offline_case.number if obj.offline_case_id else None

    @staticmethod
    def resolve_messages(obj) -> list:
        return getattr(obj, "recent", [])


class DeviceIn(Schema):
    vendor: str = Field(..., max_length=40)
    serial: Text = Field(..., min_length=1, max_length=64)
    kind: DeviceKind
    lon: float
    lat: float
    name: Text = Field("", max_length=100)
    address: Text = Field("", max_length=200)
    building_id: int | None = Field(None, ge=1, le=2**31 - 1)
    house_id: int | None = Field(None, ge=1, le=2**31 - 1)
    protected_person_id: int | None = Field(None, ge=1, le=2**31 - 1)
    heartbeat_seconds: int = Field(300, ge=10, le=7 * 24 * 3600)


class AlarmOut(Schema):
    id: int
    device_id: int
    serial: str
    device_kind: str
    type: str
    value: Any = None
    snapshot_url: str
    received_at: datetime
    clock_flagged: bool
    case: str | None
    folded: bool

    @staticmethod
    def resolve_serial(obj) -> str:
        return obj.device.serial

    @staticmethod
    def resolve_device_kind(obj) -> str:
        return obj.device.kind

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None


class IotWebhookOut(Schema):
    status: str = Field(description="accepted, duplicate, unknown, case (a new case) or folded (added to one)")
    case: str | None = None
    clock_flagged: bool = False


class IotUnknownDeviceOut(Schema):
    id: int
    serial: str
    kind: str
    transport: str
    messages: int
    first_seen: datetime
    last_seen: datetime
    last_payload: str


class IotDeadLetterOut(Schema):
    id: int
    transport: str
    topic: str
    serial: str
    kind: str
    payload: str
    reason: str
    retryable: bool
    received_at: datetime
    replayed_at: datetime | None
    attempts: int


class DeviceImportProblem(Schema):
    row: int
    column: str
    message: str


class DeviceImportOut(Schema):
    rows: int
    created: int
    problems: list[DeviceImportProblem]


class DeviceStatisticsQuery(Schema):
    date_from: Day | None = Field(None, description="First day (default: 29 days before date_to)")
    date_to: Day | None = Field(None, description="Last day, included (default: today)")
    region: str | None = Field(None, max_length=20, description="A region code: devices in its subtree")


class DeviceKindFiguresOut(Schema):
    """Read from a ``selectors.KindFigures``."""

    kind: str = Field(description="The device kind (empty for the total)")
    label: str
    devices: int
    online: int
    offline: int
    alarming: int
    alarms: int = Field(description="Alarms received in the period")
    cases: int = Field(description="Cases the period's alarms opened (repeats added to an open case are not)")
    false_alarms: int = Field(description="Of those cases, the ones rejected (a false alarm)")
    responded: int = Field(description="Of those cases, the ones with a first response")
    response_median_minutes: float | None = Field(description="From the case to its first response")
    response_mean_minutes: float | None


class DeviceStatisticsOut(Schema):
    """Read from a ``selectors.KindStatistics``."""

    date_from: date
    date_to: date
    region: DeviceRegionRef | None
    kinds: list[DeviceKindFiguresOut]
    total: DeviceKindFiguresOut
