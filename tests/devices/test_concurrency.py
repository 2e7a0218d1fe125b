"""Two workers taking the same message at once (the broker sent it again, to another worker, while the first
was still writing it), on PostgreSQL where they really write side by side: one effect. (On SQLite the workers'
write transactions take turns behind ``serialized_writes``, a lock across processes.) Each thread runs the
whole production transaction on a connection of its own."""

import uuid

import pytest

from tests.cases.conftest import point_in
from tests.devices.conftest import GRID_1, body
from tests.postgres import committed, concurrent_postgres, in_thread, race  # noqa: F401 (fixture)
from wangge.accounts.models import AuditLog
from wangge.devices import ingest, services
from wangge.devices.models import Device, DeviceMessage, Transport, Vendor

pytestmark = concurrent_postgres("needs concurrent connections and row locks")


@pytest.fixture
def serial(committed):  # noqa: F811
    """A device committed by another connection; it, its vendor, its messages and their cases go afterwards."""
    last_log = in_thread(lambda: AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)

    def register():
        vendor, _secret = services.create_vendor(actor=None, code=f"race-{uuid.uuid4().hex[:8]}", name="Race")
        lon, lat = point_in(GRID_1)
        data = services.DeviceIn(
            vendor=vendor.code, serial=f"RACE-{uuid.uuid4().hex[:8]}", kind="smoke", lon=lon, lat=lat
        )
        return services.register_device(actor=None, data=data)

    device = in_thread(register)
    yield device.serial

    def clean_up():
        committed.extend(
            DeviceMessage.objects.filter(device_id=device.pk).exclude(case=None).values_list("case_id", flat=True)
        )
        Device.objects.filter(pk=device.pk).delete()
        Vendor.objects.filter(pk=device.vendor_id).delete()
        AuditLog.objects.filter(pk__gt=last_log).delete()

    in_thread(clean_up)


def take(serial, kind, payload):
    return ingest.ingest([ingest.Incoming(serial=serial, kind=kind, payload=payload, transport=Transport.MQTT)])[0]


def test_the_same_alarm_taken_by_two_workers_at_once_opens_one_case(serial):
    alarm = body("fire-once", type="smoke")
    outcomes = race(lambda worker: take(serial, "alarm", alarm), "first", "second")
    assert sorted(o.status for o in outcomes.values()) == ["case", "duplicate"]

    def effects():
        messages = DeviceMessage.objects.filter(device__serial=serial, kind="alarm")
        return messages.count(), len({m.case_id for m in messages})

    assert in_thread(effects) == (1, 1)


def test_the_same_heartbeats_taken_by_two_workers_at_once_are_stored_once(serial):
    beats = [body(f"beat-{n}") for n in range(50)]

    def take_all(worker):
        batch = [ingest.Incoming(serial=serial, kind="heartbeat", payload=b, transport=Transport.MQTT) for b in beats]
        return [o.status for o in ingest.ingest(batch)]

    outcomes = race(take_all, "first", "second")
    statuses = outcomes["first"] + outcomes["second"]
    assert statuses.count("accepted") == 50 and statuses.count("duplicate") == 50
    assert in_thread(lambda: DeviceMessage.objects.filter(device__serial=serial).count()) == 50
