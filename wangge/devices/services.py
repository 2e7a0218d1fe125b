"""Every write of the device module but the message path (``ingest``): vendors and their keys, devices, the
alarm mapping, the offline scan and the dead-letter replay. One transaction each, audited, ``actor``
keyword-only (None: the system)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.core import pii
from wangge.core.text import check_text
from wangge.core.validators import validate_lon_lat
from wangge.devices import conf, ingest, permissions
from wangge.devices.models import (
    DeadLetter,
    Device,
    DeviceKind,
    DeviceMessage,
    DeviceState,
    MessageKind,
    Transport,
    Vendor,
    VendorKey,
)
from wangge.people.models import Building, House, Person
from wangge.regions.locator import locate_region

SIGNATURE_PREFIX = "sha256="


# --- vendors and keys ----------------------------------------------------------------------------------


@transaction.atomic
def create_vendor(*, actor, code: str, name: str) -> tuple[Vendor, str]:
    """A vendor and its first signing key; the key is answered once, never shown again."""
    if actor is not None:
        permissions.require_manage(actor)
    vendor = Vendor(code=(code or "").strip(), name=(name or "").strip())
    vendor.full_clean()
    vendor.save()
    secret = _new_key(vendor)
    audit.record(actor=actor, action="devices.vendor.create", obj=vendor)
    return vendor, secret


def _new_key(vendor: Vendor) -> str:
    secret = secrets.token_urlsafe(32)
    VendorKey.objects.create(vendor=vendor, secret_encrypted=pii.encrypt(secret), hint=secret[-4:])
    return secret


@transaction.atomic
def rotate_key(*, actor, vendor: Vendor, retire_others: bool = False) -> str:
    """A new key beside the active ones (the vendor switches over, then the old ones are retired)."""
    if actor is not None:
        permissions.require_manage(actor)
    Vendor.objects.select_for_update().get(pk=vendor.pk)
    if retire_others:
        vendor.keys.filter(is_active=True).update(is_active=False, retired_at=timezone.now())
    secret = _new_key(vendor)
    audit.record(actor=actor, action="devices.vendor.rotate_key", obj=vendor, changes={"retire_others": retire_others})
    return secret


@transaction.atomic
def retire_key(*, actor, key: VendorKey) -> None:
    if actor is not None:
        permissions.require_manage(actor)
    key.is_active = False
    key.retired_at = timezone.now()
    key.save(update_fields=["is_active", "retired_at"])
    audit.record(actor=actor, action="devices.vendor.retire_key", obj=key.vendor, changes={"key": key.hint})


def sign(secret: str, body: bytes) -> str:
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(vendor: Vendor, body: bytes, header: str) -> bool:
    """Whether ``header`` (``sha256=<hex>``) is the HMAC-SHA256 of ``body`` under an active key."""
    header = (header or "").strip()
    if not header.startswith(SIGNATURE_PREFIX):
        return False
    valid = False
    for stored in vendor.keys.filter(is_active=True).values_list("secret_encrypted", flat=True):
        expected = sign(pii.decrypt(stored), body)
        valid |= hmac.compare_digest(expected.encode(), header.encode())
    return valid


def count_refusal(vendor: Vendor) -> None:
    """One more refused webhook for ``vendor`` (one UPDATE, no lost count under concurrency)."""
    Vendor.objects.filter(pk=vendor.pk).update(rejected_count=F("rejected_count") + 1, last_rejected_at=timezone.now())


# --- devices -------------------------------------------------------------------------------------------


@dataclass
class DeviceIn:
    vendor: str
    serial: str
    kind: str
    lon: float | str
    lat: float | str
    name: str = ""
    address: str = ""
    building_id: int | None = None
    house_id: int | None = None
    protected_person_id: int | None = None
    heartbeat_seconds: int = 300


def _clean_device(data: DeviceIn, device: Device | None = None) -> Device:
    errors: dict[str, str] = {}
    device = device or Device()
    vendor = Vendor.objects.filter(code=str(data.vendor or "").strip()).first()
    if vendor is None:
        errors["vendor"] = _("Unknown vendor %(code)s.") % {"code": data.vendor}
    if data.kind not in DeviceKind.values:
        errors["kind"] = _("Unknown device kind %(kind)s.") % {"kind": data.kind}
    serial = str(data.serial or "").strip()
    if not serial or len(serial) > 64:
        errors["serial"] = _("Give a serial number of at most 64 characters.")
    try:
        interval = int(data.heartbeat_seconds)
        if not 10 <= interval <= 7 * 24 * 3600:
            raise ValueError
    except (TypeError, ValueError):
        errors["heartbeat_seconds"] = _("Give a heartbeat interval from 10 seconds to a week.")
        interval = 300
    try:
        lon, lat = validate_lon_lat(data.lon, data.lat)
    except ValidationError as exc:
        errors.update({f: m[0] for f, m in exc.message_dict.items()})
        lon = lat = 0.0
    region = None if errors else locate_region(lon, lat)
    if not errors and region is None:
        errors["lon"] = _("The point lies outside every grid.")
    for field, model in (("building_id", Building), ("house_id", House), ("protected_person_id", Person)):
        pk = getattr(data, field)
        if pk is not None and not model.objects.filter(pk=pk).exists():
            errors[field] = _("No such record in the ledger.")
    if errors:
        raise ValidationError(errors)
    device.vendor = vendor
    device.serial = serial
    device.kind = data.kind
    device.name = check_text((data.name or "").strip(), field="name")
    device.address = check_text((data.address or "").strip(), field="address")
    device.lon, device.lat = lon, lat
    device.region, device.region_path = region, region.path
    device.building_id, device.house_id = data.building_id, data.house_id
    device.protected_person_id = data.protected_person_id
    device.heartbeat_seconds = interval
    device.full_clean(exclude=["region", "vendor"])
    return device


@transaction.atomic
def register_device(*, actor, data: DeviceIn) -> Device:
    if actor is not None:
        permissions.require_manage(actor)
    device = _clean_device(data)
    device.save()
    audit.record(actor=actor, action="devices.device.create", obj=device)
    return device


@transaction.atomic
def update_device(*, actor, device: Device, data: DeviceIn) -> Device:
    if actor is not None:
        permissions.require_manage(actor)
    device = _clean_device(data, Device.objects.select_for_update().get(pk=device.pk))
    device.save()
    audit.record(actor=actor, action="devices.device.update", obj=device)
    return device


# --- the offline scan ----------------------------------------------------------------------------------


def silent_devices(now: datetime, among=None) -> list[Device]:
    """Devices heard from (or registered) longer ago than ``DEVICES_OFFLINE_GRACE`` intervals. The database
    narrows to devices silent longer than the shortest interval allowed; each one's own interval is checked
    here (interval × duration arithmetic is not portable across SQLite and PostgreSQL)."""
    grace = conf.offline_grace()
    rows = Device.objects.filter(is_active=True).exclude(state=DeviceState.OFFLINE)
    rows = rows.filter(Q(last_heartbeat__lt=now - timedelta(seconds=10 * grace)) | Q(last_heartbeat__isnull=True))
    if among is not None:
        rows = rows.filter(pk__in=among.values("pk"))
    silent = []
    for device in rows.only("pk", "last_heartbeat", "created_at", "heartbeat_seconds", "state"):
        last = device.last_heartbeat or device.created_at
        if last + timedelta(seconds=device.heartbeat_seconds * grace) < now:
            silent.append(device)
    return silent


def check_offline(*, now: datetime | None = None, among=None) -> int:
    """Mark silent devices offline, one "device offline" case each; answers how many went offline.
    ``among``: a queryset of devices to look at (default all)."""
    now = now or timezone.now()
    count = 0
    for device in silent_devices(now, among):
        ingest.went_offline(device, now=now)
        count += 1
    return count


def prune_messages(*, now: datetime | None = None) -> int:
    """Delete heartbeats and readings older than ``DEVICES_KEEP_DAYS``; answers how many."""
    now = now or timezone.now()
    old = DeviceMessage.objects.filter(received_at__lt=now - timedelta(days=conf.keep_days())).exclude(
        kind=MessageKind.ALARM
    )
    deleted, _per_model = old.delete()
    return deleted


# --- dead letters ----------------------------------------------------------------------------------------


def replay_dead_letters(*, actor, ids: list[int] | None = None, now: datetime | None = None) -> dict[str, int]:
    """Take the dead letters in again (those not replayed yet, or ``ids``): each answers what it became."""
    if actor is not None:
        permissions.require_manage(actor)
    letters = DeadLetter.objects.filter(replayed_at__isnull=True).order_by("id")
    if ids is not None:
        letters = letters.filter(pk__in=ids)
    counts: dict[str, int] = {}
    for letter in letters[:10_000]:
        outcome = replay_one(letter, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    audit.record(actor=actor, action="devices.dead_letters.replay", object_type="devices.deadletter", changes=counts)
    return counts


def replay_one(letter: DeadLetter, *, now: datetime | None = None) -> str:
    message = ingest.Incoming(
        serial=letter.serial,
        kind=letter.kind,
        payload=letter.payload.encode(),
        transport=Transport.REPLAY,
        topic=letter.topic,
    )
    [outcome] = ingest.ingest([message], now=now)
    if outcome.status == "dead":
        # ingest wrote a fresh dead letter with today's reason: keep only that one.
        DeadLetter.objects.filter(pk=letter.pk).update(attempts=F("attempts") + 1, replayed_at=timezone.now())
        return "dead"
    DeadLetter.objects.filter(pk=letter.pk).update(attempts=F("attempts") + 1, replayed_at=timezone.now())
    return outcome.status
