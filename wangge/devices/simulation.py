"""Realistic device traffic for the demo and the bench: heartbeats (with readings in them), readings and now
and then an alarm, published to the broker as devices and vendors' clouds do."""

import json
import random
import uuid
from datetime import datetime

from django.utils import timezone

from wangge.devices.models import DeviceKind

ALARM_TYPES = {
    DeviceKind.SMOKE: ("smoke", lambda r: {"obscuration_db_m": round(r.uniform(0.12, 0.6), 2)}),
    DeviceKind.DOOR: ("no_movement_24h", lambda r: {"hours_without_opening": r.randint(24, 40)}),
    DeviceKind.WATER_LEAK: ("leak", lambda r: {"water_mm": r.randint(3, 40)}),
    DeviceKind.GAS: ("gas_leak", lambda r: {"lel_percent": r.randint(20, 60)}),
    DeviceKind.ELEVATOR: ("trapped", lambda r: {"floor": r.randint(1, 30), "people": r.randint(1, 4)}),
    DeviceKind.THROW_CAMERA: ("object_thrown", lambda r: {"floor_from": r.randint(8, 30)}),
    DeviceKind.FIRE_LANE_CAMERA: ("lane_blocked", lambda r: {"minutes": r.randint(5, 60)}),
}
READINGS = {
    DeviceKind.SMOKE: lambda r: {"battery": r.randint(60, 100), "obscuration_db_m": round(r.uniform(0, 0.05), 3)},
    DeviceKind.DOOR: lambda r: {"battery": r.randint(60, 100), "open": r.random() < 0.1},
    DeviceKind.WATER_LEAK: lambda r: {"battery": r.randint(60, 100), "water_mm": 0},
    DeviceKind.GAS: lambda r: {"lel_percent": r.randint(0, 3)},
    DeviceKind.ELEVATOR: lambda r: {"floor": r.randint(1, 30), "load_kg": r.randint(0, 900)},
    DeviceKind.THROW_CAMERA: lambda r: {"fps": 25},
    DeviceKind.FIRE_LANE_CAMERA: lambda r: {"fps": 25},
}


def message(kind: str, msg_kind: str, rng: random.Random, *, now: datetime | None = None) -> bytes:
    """One body ``{message_id, ts, type, value, snapshot_url}`` as a device of ``kind`` would send."""
    ts = timezone.localtime(now or timezone.now()).isoformat()
    if msg_kind == "alarm":
        alarm_type, value = ALARM_TYPES.get(kind, ("alarm", lambda r: None))
        snapshot = f"https://snapshots.example.invalid/{uuid.uuid4().hex}.jpg" if "camera" in kind else ""
        data = {"type": alarm_type, "value": value(rng), "snapshot_url": snapshot}
    else:
        data = {"type": "status", "value": READINGS.get(kind, lambda r: None)(rng), "snapshot_url": ""}
    return json.dumps({"message_id": uuid.uuid4().hex, "ts": ts, **data}, ensure_ascii=False).encode()
