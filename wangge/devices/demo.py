"""Demo devices in the demo town's first street (the demo leader's), like 常州 蓝山湖's 88 IoT devices and
cameras: smoke detectors and door sensors in the homes of elderly people living alone (戚墅堰), water-leak,
gas and elevator monitors in buildings, high-altitude-throw cameras on tall buildings and fire-lane cameras.
Two vendors (keys generated here, never stored in the repository), the shipped alarm mapping. Deterministic
for a seed; called by ``wangge demo`` after the ledger and the catalogue."""

import random
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core import pii
from wangge.devices.ingest import ensure_mappings
from wangge.devices.models import Device, DeviceKind, Vendor, VendorKey
from wangge.people.labels import LabelKind
from wangge.people.models import Building, House, PersonLabel
from wangge.regions.models import GRID_LEVELS, Level, Region

IOT_DEVICES = 88
CAMERAS = 24
VENDORS = [("haikang-demo", "海康威视 (demo)"), ("tuya-demo", "涂鸦智能 (demo)")]
KIND_NAMES = {
    DeviceKind.SMOKE: "烟感",
    DeviceKind.DOOR: "门磁",
    DeviceKind.WATER_LEAK: "水浸",
    DeviceKind.GAS: "燃气",
    DeviceKind.ELEVATOR: "电梯",
    DeviceKind.THROW_CAMERA: "高空抛物摄像头",
    DeviceKind.FIRE_LANE_CAMERA: "消防通道摄像头",
}
HEARTBEAT = {
    DeviceKind.SMOKE: 600,
    DeviceKind.DOOR: 600,
    DeviceKind.WATER_LEAK: 900,
    DeviceKind.GAS: 300,
    DeviceKind.ELEVATOR: 60,
    DeviceKind.THROW_CAMERA: 60,
    DeviceKind.FIRE_LANE_CAMERA: 60,
}


@transaction.atomic
def create_demo_devices(*, seed: int = 2026) -> str:
    rng = random.Random(seed)
    street = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").first()
    if street is None:
        return ""
    ensure_mappings()
    vendors = []
    for code, name in VENDORS:
        vendor, _created = Vendor.objects.get_or_create(code=code, defaults={"name": name})
        if not vendor.keys.exists():
            VendorKey.objects.create(
                vendor=vendor, secret_encrypted=pii.encrypt(secrets.token_urlsafe(32)), hint="demo"
            )
        vendors.append(vendor)
    # Buildings sit in grids or their micro-grids: a device takes its building's region.
    grids = {
        r.pk: r for r in Region.objects.filter(path__startswith=street.path, level__in=(*GRID_LEVELS, Level.MICRO_GRID))
    }
    buildings = list(
        Building.objects.filter(region_path__startswith=street.path, lon__isnull=False).order_by("id")[:400]
    )
    alone = list(
        PersonLabel.objects.filter(kind=LabelKind.ELDERLY_ALONE, region_path__startswith=street.path)
        .select_related("person")
        .order_by("id")[:20]
    )
    houses = {
        h.pk: h for h in House.objects.filter(pk__in=[lab.person.house_id for lab in alone if lab.person.house_id])
    }
    now = timezone.now()
    devices: list[Device] = []

    def add(kind, lon, lat, region, *, building=None, house=None, person=None, address=""):
        number = len(devices) + 1
        devices.append(
            Device(
                vendor=vendors[0] if kind in (DeviceKind.THROW_CAMERA, DeviceKind.FIRE_LANE_CAMERA) else vendors[1],
                serial=f"DEMO-{kind[:4].upper()}-{number:04d}",
                kind=kind,
                name=f"{KIND_NAMES[kind]} {number:03d}",
                lon=lon,
                lat=lat,
                address=address[:200],
                region=region,
                region_path=region.path,
                building=building,
                house=house,
                protected_person=person,
                heartbeat_seconds=HEARTBEAT[kind],
                last_heartbeat=now,
            )
        )

    # Smoke and door sensors for elderly people living alone (their alarms are urgent).
    for label in alone:
        person = label.person
        house = houses.get(person.house_id)
        building = Building.objects.filter(pk=house.building_id).first() if house else None
        if building is None or building.lon is None or building.region_id not in grids:
            continue
        for kind in (DeviceKind.SMOKE, DeviceKind.DOOR):
            add(
                kind,
                building.lon,
                building.lat,
                grids[building.region_id],
                building=building,
                house=house,
                person=person,
                address=house.address or building.address,
            )
    others = [DeviceKind.WATER_LEAK, DeviceKind.GAS, DeviceKind.SMOKE, DeviceKind.ELEVATOR]
    placed = [b for b in buildings if b.region_id in grids]
    rng.shuffle(placed)
    for building in placed:
        if len(devices) >= IOT_DEVICES:
            break
        jitter = (rng.uniform(-1, 1) * 1e-5, rng.uniform(-1, 1) * 1e-5)
        add(
            rng.choice(others),
            building.lon + jitter[0],
            building.lat + jitter[1],
            grids[building.region_id],
            building=building,
            address=building.address,
        )
    for index, building in enumerate(placed[:CAMERAS]):
        kind = DeviceKind.THROW_CAMERA if index % 2 == 0 else DeviceKind.FIRE_LANE_CAMERA
        add(kind, building.lon, building.lat, grids[building.region_id], building=building, address=building.address)
    Device.objects.bulk_create(devices, ignore_conflicts=True)
    return _("Devices: %(n)d in %(street)s, %(alone)d of them protecting elderly people living alone.") % {
        "n": len(devices),
        "street": street.name,
        "alone": len(alone),
    }
