"""The demo town has devices in its first street (the session's database is loaded by ``wangge demo``)."""

from wangge.devices.models import AlarmMapping, Device, DeviceKind


def test_the_demo_has_devices_of_every_kind_and_the_mapping(db):
    devices = Device.objects.filter(serial__startswith="DEMO-")
    assert devices.count() >= 88
    assert set(devices.values_list("kind", flat=True)) == set(DeviceKind.values)
    assert devices.filter(protected_person__isnull=False).exists()
    assert AlarmMapping.objects.filter(alarm_type="offline").exists()
