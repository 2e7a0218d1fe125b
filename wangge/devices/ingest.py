"""Taking in what devices send: one path for the MQTT subscriber, the webhook and the dead-letter replay.

``ingest(batch)`` takes a list of ``Incoming`` messages (serial, kind, raw body) and answers one
``Outcome`` per message, in order:

- the body is checked (``parse``): JSON object ``{message_id, ts, type, value, snapshot_url}``, ``ts`` ISO
  8601 with a zone; a ``ts`` further than ``DEVICES_CLOCK_SKEW_MINUTES`` from our clock is flagged and our
  time used. Anything else is a dead letter with the reason (``dead``);
- a serial nobody registered goes to the unknown-device list (``unknown``), and so does a device posted
  through another vendor's webhook;
- a ``message_id`` the device already sent has no second effect (``duplicate``);
- heartbeats and readings of the whole batch are written together: one bulk insert of the messages and
  one UPDATE of the devices' last heartbeat (a device coming back from offline closes its offline case);
- each alarm is its own transaction, taken before the batch's heartbeats: a new case (source ``sensor``, the sub-category from
  ``AlarmMapping``, at the device, urgent when the device protects a person), routed by the case services
  like any report, with a notice in the inbox of the grid workers of the device's grid; or, within
  ``DEVICES_FOLD_MINUTES`` of the device's last alarm while its case is open, a ``repeat`` row on that
  case's timeline.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role, User
from wangge.cases import services as case_services
from wangge.cases.models import OPEN_STATUSES, Case, Category, Source
from wangge.core import text
from wangge.core.writelock import serialized_writes
from wangge.devices import alarms, conf
from wangge.devices.models import (
    AlarmMapping,
    DeadLetter,
    Device,
    DeviceKind,
    DeviceMessage,
    DeviceState,
    MessageKind,
    UnknownDevice,
)
from wangge.inbox.models import Kind as InboxKind
from wangge.inbox.services import notify

MAX_DEPTH = 8
GRID_ROLES = (Role.GRID_WORKER, Role.GRID_CHIEF)
MESSAGE_KINDS = frozenset(MessageKind.values)
DEVICE_FIELDS = ("id", "serial", "vendor_id", "state")  # what an alarm's batch reads; it re-reads its device locked


class Malformed(Exception):
    """A message that cannot be taken in; ``str()`` is the reason kept on the dead letter."""


@dataclass
class Incoming:
    serial: str
    kind: str
    payload: bytes
    transport: str
    topic: str = ""
    vendor: object | None = None  # the webhook's Vendor; None over MQTT (the broker authenticates devices)


@dataclass
class Registered:
    """A registered, active device as a heartbeat needs it: read by a plain query, no model built."""

    pk: int
    serial: str
    vendor_id: int


@dataclass
class Parsed:
    message_id: str
    sent_at: datetime | None
    clock_flagged: bool
    type: str
    value: object
    snapshot_url: str


@dataclass
class Outcome:
    status: str  # accepted | duplicate | unknown | dead | folded | case
    reason: str = ""
    case_number: str = ""
    flagged: bool = False
    extra: dict = field(default_factory=dict)


# --- the body ------------------------------------------------------------------------------------------


def _string(data: dict, name: str, *, limit: int, required: bool = False) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Malformed(_("“%(name)s” is missing.") % {"name": name})
        return ""
    if not isinstance(value, str):
        raise Malformed(_("“%(name)s” must be a string.") % {"name": name})
    if len(value) > limit:
        raise Malformed(_("“%(name)s” is longer than %(n)d characters.") % {"name": name, "n": limit})
    if value.isascii() and value.isprintable():
        return value  # what devices send (ids, times, types): nothing the text guard refuses, without its patterns
    try:
        text.check_text(value)
    except ValidationError as exc:
        raise Malformed(f"{name}: {exc.messages[0]}") from None
    return value


def _too_deep(data, limit: int) -> bool:
    """Whether ``data`` nests objects and arrays deeper than ``limit`` (a body is at most 16 KiB)."""
    if isinstance(data, dict):
        return limit <= 0 or any(_too_deep(v, limit - 1) for v in data.values() if isinstance(v, (dict, list)))
    if isinstance(data, list):
        return limit <= 0 or any(_too_deep(v, limit - 1) for v in data if isinstance(v, (dict, list)))
    return False


def _may_nest(payload: bytes) -> bool:
    """Whether the body has enough brackets to nest deeper than ``MAX_DEPTH`` (a heartbeat has two or three:
    counting bytes is much cheaper than walking what was parsed)."""
    return payload.count(b"{") + payload.count(b"[") > MAX_DEPTH


def parse(payload: bytes, *, now: datetime, max_payload: int | None = None, skew: float | None = None) -> Parsed:
    """The checked body, or ``Malformed`` with the reason (``max_payload`` bytes, ``skew`` seconds: the
    settings unless given, as ``ingest`` does once per batch)."""
    max_payload = conf.max_payload() if max_payload is None else max_payload
    if len(payload) > max_payload:
        raise Malformed(_("The body is larger than %(n)d bytes.") % {"n": max_payload})
    try:
        data = json.loads(payload.decode("utf-8-sig"))  # (devices send UTF-8: no guessing of the encoding per body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed(_("Not JSON: %(error)s") % {"error": str(exc)[:120]}) from None
    except RecursionError:
        raise Malformed(_("The JSON is nested deeper than %(n)d levels.") % {"n": MAX_DEPTH}) from None
    if _may_nest(payload) and _too_deep(data, MAX_DEPTH):
        raise Malformed(_("The JSON is nested deeper than %(n)d levels.") % {"n": MAX_DEPTH})
    if not isinstance(data, dict):
        raise Malformed(_("The body must be a JSON object."))
    message_id = _string(data, "message_id", limit=100, required=True)
    raw_ts = _string(data, "ts", limit=40, required=True)
    try:
        sent_at = datetime.fromisoformat(raw_ts)
    except ValueError:
        raise Malformed(_("“ts” is not an ISO 8601 time.")) from None
    if sent_at.tzinfo is None or sent_at.utcoffset() is None:
        raise Malformed(_("“ts” has no time zone."))
    skew = conf.clock_skew().total_seconds() if skew is None else skew
    flagged = abs((sent_at - now).total_seconds()) > skew
    value = data.get("value")
    if isinstance(value, float) and not math.isfinite(value):
        raise Malformed(_("“value” is not a finite number."))
    if value is not None and not isinstance(value, (str, int, float, bool, dict, list)):
        raise Malformed(_("“value” has an unsupported type."))
    snapshot = _string(data, "snapshot_url", limit=500)
    if snapshot and not snapshot.startswith(("https://", "http://")):
        raise Malformed(_("“snapshot_url” must be an http(s) address."))
    return Parsed(
        message_id=message_id,
        sent_at=sent_at,
        clock_flagged=flagged,
        type=_string(data, "type", limit=40),
        value=value,
        snapshot_url=snapshot,
    )


def _payload_text(payload: bytes) -> str:
    return payload[: conf.max_payload()].decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def dead_letter(message: Incoming, reason: str, *, now: datetime, retryable: bool = False) -> DeadLetter:
    return DeadLetter(
        transport=message.transport,
        topic=message.topic[:200],
        serial=str(message.serial)[:64],
        kind=str(message.kind)[:20],
        payload=_payload_text(message.payload),
        reason=reason[:300],
        retryable=retryable,
        received_at=now,
    )


# --- the batch -----------------------------------------------------------------------------------------


def ingest(batch: list[Incoming], *, now: datetime | None = None) -> list[Outcome]:
    """Take in ``batch``: one Outcome per message (see the module's docstring)."""
    now = now or timezone.now()
    outcomes: list[Outcome | None] = [None] * len(batch)
    dead: list[DeadLetter] = []
    parsed: dict[int, Parsed] = {}
    max_payload, skew = conf.max_payload(), conf.clock_skew().total_seconds()
    for index, message in enumerate(batch):
        try:
            if message.kind not in MESSAGE_KINDS:
                raise Malformed(_("Unknown message kind “%(kind)s”.") % {"kind": str(message.kind)[:20]})
            if not message.serial or len(message.serial) > 64:
                raise Malformed(_("No serial number, or one longer than 64 characters."))
            parsed[index] = parse(message.payload, now=now, max_payload=max_payload, skew=skew)
        except Malformed as exc:
            dead.append(dead_letter(message, str(exc), now=now))
            outcomes[index] = Outcome("dead", reason=str(exc))
    devices = _registered({batch[i].serial for i in parsed})
    alarm_serials = {batch[i].serial for i in parsed if batch[i].kind == MessageKind.ALARM}
    if alarm_serials & devices.keys():
        # An alarm's device as a model (its state decides whether it comes back first); heartbeats need only ids.
        devices.update(
            (d.serial, d) for d in Device.objects.filter(serial__in=alarm_serials, is_active=True).only(*DEVICE_FIELDS)
        )
    unknown: dict[str, list[Incoming]] = {}
    beats: list[tuple[int, Device, Parsed]] = []
    alarms: list[tuple[int, Device, Parsed]] = []
    for index, body in parsed.items():
        message = batch[index]
        device = devices.get(message.serial)
        if device is None or (message.vendor is not None and device.vendor_id != message.vendor.pk):
            unknown.setdefault(message.serial, []).append(message)
            outcomes[index] = Outcome("unknown")
        elif message.kind == MessageKind.ALARM:
            alarms.append((index, device, body))
        else:
            beats.append((index, device, body))
    # Alarms first: someone is waiting for them; heartbeats only move a timestamp.
    for index, device, body in alarms:
        outcomes[index] = raise_alarm(device, body, transport=batch[index].transport, now=now)
    if dead or unknown or beats:
        with serialized_writes(), transaction.atomic():
            if dead:
                DeadLetter.objects.bulk_create(dead)
            for serial, messages in unknown.items():
                _record_unknown(serial, messages, now)
            back = _heartbeats(beats, outcomes, batch, now)
        for device in back:
            came_back(device, now=now)
    return [o or Outcome("accepted") for o in outcomes]


def _record_unknown(serial: str, messages: list[Incoming], now: datetime) -> None:
    last = messages[-1]
    fields = {"last_seen": now, "last_payload": _payload_text(last.payload), "kind": str(last.kind)[:20]}
    updated = UnknownDevice.objects.filter(serial=serial).update(messages=F("messages") + len(messages), **fields)
    if not updated:
        UnknownDevice.objects.get_or_create(
            serial=serial,
            defaults={
                **fields,
                "messages": len(messages),
                "first_seen": now,
                "transport": last.transport,
                "vendor": last.vendor,
            },
        )


def _heartbeats(beats, outcomes, batch, now) -> list[Device]:
    """Heartbeats and readings of the batch: one insert, one update; the devices back from offline (by id:
    ``came_back`` reads each again, locked).

    One multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (SQLite ≥ 3.35 and PostgreSQL alike): the rows
    it answers are the new ones, the others were sent before (a replay), with no query ahead of it."""
    if not beats:
        return []
    rows: dict[tuple[int, str], tuple] = {}
    for index, device, body in beats:
        key = (device.pk, body.message_id)
        if key in rows:
            outcomes[index] = Outcome("duplicate")
            continue
        rows[key] = (index, device, body)
    inserted = _insert_messages(
        [(device, body, batch[i].kind, batch[i].transport) for i, device, body in rows.values()], now
    )
    touched: set[int] = set()
    for key, (index, device, body) in rows.items():
        if key in inserted:
            touched.add(device.pk)
            outcomes[index] = Outcome("accepted", flagged=body.clock_flagged)
        else:
            outcomes[index] = Outcome("duplicate")
    return [Device(pk=pk) for pk in _mark_heard(sorted(touched), now)]


def _registered(serials: set[str]) -> dict[str, Registered]:
    """The active devices among ``serials``: one plain query (no model instances for a thousand heartbeats)."""
    if not serials:
        return {}
    table = Device._meta.db_table
    found: dict[str, Registered] = {}
    wanted = list(serials)
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), INSERT_CHUNK):
            chunk = wanted[start : start + INSERT_CHUNK]
            # Table and placeholders are constants of this module; the serials are parameters.
            cursor.execute(
                f"SELECT id, serial, vendor_id FROM {table} WHERE is_active AND serial IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                chunk,
            )
            found.update((serial, Registered(pk, serial, vendor_id)) for pk, serial, vendor_id in cursor.fetchall())
    return found


def _mark_heard(pks: list[int], now: datetime) -> list[int]:
    """Set the devices' last heartbeat in one UPDATE; the ids of those that were offline (they come back).

    ``RETURNING`` reads the state in the write itself (SQLite ≥ 3.35 and PostgreSQL), so a device the offline
    scan has just marked is seen as such."""
    if not pks:
        return []
    table = Device._meta.db_table
    offline = DeviceState.OFFLINE.value
    back: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(pks), INSERT_CHUNK):
            chunk = pks[start : start + INSERT_CHUNK]
            cursor.execute(
                f"UPDATE {table} SET last_heartbeat = %s WHERE id IN ({', '.join(['%s'] * len(chunk))}) "  # noqa: S608
                "RETURNING id, state",
                [connection.ops.adapt_datetimefield_value(now), *chunk],
            )
            back += [pk for pk, state in cursor.fetchall() if state == offline]
    return back


INSERT_COLUMNS = (
    "device_id",
    "message_id",
    "kind",
    "type",
    "value",
    "snapshot_url",
    "sent_at",
    "received_at",
    "clock_flagged",
    "transport",
    "folded",
)
INSERT_CHUNK = 1000


def _insert_messages(items, now: datetime) -> set[tuple[int, str]]:
    """Insert (device, body, kind, transport) rows, skipping those already there; the keys inserted."""
    ops = connection.ops
    adapt_time = _time_adapter()
    table = DeviceMessage._meta.db_table
    postgres = connection.vendor == "postgresql"
    json_slot = "%s::jsonb" if postgres else "%s"
    slots = "(" + ", ".join(json_slot if c == "value" else "%s" for c in INSERT_COLUMNS) + ")"
    received = ops.adapt_datetimefield_value(now)
    inserted: set[tuple[int, str]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(items), INSERT_CHUNK):
            chunk = items[start : start + INSERT_CHUNK]
            params: list = []
            for device, body, kind, transport in chunk:
                params += [
                    device.pk,
                    body.message_id,
                    kind,
                    body.type,
                    None if body.value is None else json.dumps(body.value, ensure_ascii=False),
                    body.snapshot_url,
                    adapt_time(body.sent_at),
                    received,
                    body.clock_flagged,
                    transport,
                    False,
                ]
            # Table, columns and placeholders are constants of this module; the values are parameters.
            sql = (
                f"INSERT INTO {table} ({', '.join(INSERT_COLUMNS)}) VALUES {', '.join([slots] * len(chunk))} "  # noqa: S608
                "ON CONFLICT (device_id, message_id) DO NOTHING RETURNING device_id, message_id"
            )
            cursor.execute(sql, params)
            inserted.update((int(d), m) for d, m in cursor.fetchall())
    return inserted


def _time_adapter():
    """What the backend's ``adapt_datetimefield_value`` does with an aware time, without its checks per value:
    on SQLite the UTC text of the time (it was a twentieth of a heartbeat's cost), elsewhere the backend's."""
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return connection.ops.adapt_datetimefield_value
    zone = connection.timezone

    def adapt(value: datetime | None) -> str | None:
        return None if value is None else str(value.astimezone(zone).replace(tzinfo=None))

    return adapt


def _message(device: Device, body: Parsed, kind: str, transport: str, now: datetime) -> DeviceMessage:
    return DeviceMessage(
        device=device,
        message_id=body.message_id,
        kind=kind,
        type=body.type,
        value=body.value,
        snapshot_url=body.snapshot_url,
        sent_at=body.sent_at,
        received_at=now,
        clock_flagged=body.clock_flagged,
        transport=transport,
    )


# --- alarms, offline and back --------------------------------------------------------------------------


# The shipped mapping (``ensure_mappings`` writes it as rows administrators then edit): device kind and
# alarm type ("" any) → sub-category of the catalogue.
DEFAULT_MAPPINGS = {
    (DeviceKind.SMOKE, ""): "1005",  # 火情
    (DeviceKind.DOOR, ""): "1701",  # 独居老人 (no movement, door left open)
    (DeviceKind.WATER_LEAK, ""): "1001",  # 供水管道爆裂
    (DeviceKind.GAS, ""): "1002",  # 燃气泄漏
    (DeviceKind.ELEVATOR, ""): "0502",  # 电梯故障
    (DeviceKind.THROW_CAMERA, ""): "1207",  # 高空抛物
    (DeviceKind.FIRE_LANE_CAMERA, ""): "1401",  # 占用消防通道
    ("", "offline"): "1404",  # 消防设施损坏: a sensor that stopped reporting
    (DeviceKind.ELEVATOR, "offline"): "0502",
    (DeviceKind.DOOR, "offline"): "1701",
}


def ensure_mappings() -> int:
    """Write the shipped mapping rows that are missing (their categories must be loaded); answers how many."""
    categories = {c.code: c for c in Category.objects.filter(code__in=set(DEFAULT_MAPPINGS.values()))}
    made = 0
    for (kind, alarm_type), code in DEFAULT_MAPPINGS.items():
        if code in categories:
            _row, created = AlarmMapping.objects.get_or_create(
                kind=kind, alarm_type=alarm_type, defaults={"category": categories[code]}
            )
            made += created
    return made


def mapping_for(kind: str, alarm_type: str) -> AlarmMapping | None:
    """The most specific active row: (kind, type), (any, type), (kind, any); else the shipped default."""
    rows = {
        (m.kind, m.alarm_type): m
        for m in AlarmMapping.objects.select_related("category").filter(
            is_active=True, kind__in=(kind, ""), alarm_type__in=(alarm_type, "")
        )
    }
    keys = ((kind, alarm_type), ("", alarm_type), (kind, ""), ("", ""))
    for key in keys:
        if key in rows:
            return rows[key]
    for key in keys:
        code = DEFAULT_MAPPINGS.get(key)
        category = Category.objects.filter(code=code).first() if code else None
        if category is not None:
            return AlarmMapping(kind=key[0], alarm_type=key[1], category=category)
    return None


def grid_workers(case: Case) -> list[User]:
    """The grid workers and chiefs of the case's grid (those of its region when it has no grid)."""
    region_id = case.grid_id or case.region_id
    members = Membership.objects.filter(region_id=region_id, role__in=GRID_ROLES, is_active=True)
    return list(User.objects.filter(pk__in=members.values("user_id"), is_active=True))


def _describe(device: Device, body: Parsed | None, alarm_type: str) -> str:
    lines = [
        _("%(kind)s %(serial)s (%(name)s) raised “%(type)s”.")
        % {
            "kind": device.get_kind_display(),
            "serial": device.serial,
            "name": device.name or device.address or "-",
            "type": alarm_type,
        }
    ]
    if body is not None and body.value not in (None, ""):
        lines.append(_("Reading: %(value)s") % {"value": json.dumps(body.value, ensure_ascii=False)[:300]})
    if body is not None and body.snapshot_url:
        lines.append(_("Snapshot: %(url)s") % {"url": body.snapshot_url})
    if device.protected_person_id:
        lines.append(_("This device protects a vulnerable person: urgent."))
    return "\n".join(lines)


def _open_case(device: Device, body: Parsed | None, alarm_type: str, now: datetime, key: str) -> Case:
    mapping = mapping_for(device.kind, alarm_type)
    if mapping is None:
        raise Malformed(_("No alarm mapping for %(kind)s/%(type)s.") % {"kind": device.kind, "type": alarm_type})
    title = mapping.title or _("%(kind)s alarm") % {"kind": device.get_kind_display()}
    report = case_services.Report(
        category=mapping.category.code,
        description=_describe(device, body, alarm_type),
        lon=device.lon,
        lat=device.lat,
        source=Source.SENSOR,
        address=device.address,
        title=f"{title} {device.name or device.serial}"[:80],
        urgent=device.protected_person_id is not None and alarm_type != "offline",
        idempotency_key=key,
        person_id=device.protected_person_id,
    )
    case, _created = case_services.report_case(actor=None, report=report, at=now)
    return case


def _alarm_data(device: Device, body: Parsed) -> dict:
    return {
        "device": device.serial,
        "message_id": body.message_id,
        "type": body.type,
        "value": body.value,
        "snapshot_url": body.snapshot_url,
    }


def raise_alarm(device: Device, body: Parsed, *, transport: str, now: datetime) -> Outcome:
    """One alarm: a new case, or a ``repeat`` on the device's open case within the folding window."""
    alarm_type = body.type or "alarm"
    if device.state == DeviceState.OFFLINE:
        came_back(device, now=now)  # an alarm is a sign of life too: its offline case closes
    try:
        with serialized_writes(), transaction.atomic():
            device = Device.objects.select_for_update().get(pk=device.pk)
            if DeviceMessage.objects.filter(device=device, message_id=body.message_id).exists():
                return Outcome("duplicate")
            message = _message(device, body, MessageKind.ALARM, transport, now)
            case = Case.objects.filter(pk=device.alarm_case_id).first() if device.alarm_case_id else None
            within = device.last_alarm_at is not None and now - device.last_alarm_at <= conf.fold_window()
            if case is not None and case.is_open and within:
                case_services.record_system_flag(
                    case,
                    "repeat",
                    opinion=_("The device raised “%(type)s” again.") % {"type": alarm_type},
                    at=now,
                    data=_alarm_data(device, body),
                )
                message.folded = True
                outcome = Outcome("folded", case_number=case.number, flagged=body.clock_flagged)
            else:
                case = _open_case(device, body, alarm_type, now, f"device:{device.pk}:{body.message_id}")
                device.alarm_case = case
                notify(
                    users=grid_workers(case),
                    kind=InboxKind.ASSIGNED,
                    title=_("Device alarm %(number)s: %(title)s") % {"number": case.number, "title": case.title},
                    body=case.description,
                    url=f"/cases/{case.number}/",
                )
                outcome = Outcome("case", case_number=case.number, flagged=body.clock_flagged)
            message.case = case
            message.save()
            alarms.publish(
                alarms.Alarm(device, case, alarm_type, body.value, body.message_id, bool(message.folded), now)
            )
            device.last_alarm_at = now
            device.state = DeviceState.ALARMING
            device.save(update_fields=["alarm_case", "last_alarm_at", "state", "updated_at"])
    except (Malformed, ValidationError) as exc:
        reason = str(exc) if isinstance(exc, Malformed) else "; ".join(exc.messages)
        DeadLetter.objects.create(
            transport=transport,
            serial=device.serial,
            kind=MessageKind.ALARM,
            payload=json.dumps({"message_id": body.message_id, "type": body.type, "value": body.value})[
                : conf.max_payload()
            ],
            reason=reason[:300],
            retryable=False,
            received_at=now,
        )
        return Outcome("dead", reason=reason)
    return outcome


def went_offline(device: Device, *, now: datetime) -> Case | None:
    """A device silent past its interval: one "device offline" case (none while one is open)."""
    with serialized_writes(), transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        if device.state == DeviceState.OFFLINE:
            return None
        case = None
        if not (
            device.offline_case_id and Case.objects.filter(pk=device.offline_case_id, status__in=OPEN_STATUSES).exists()
        ):
            case = _open_case(device, None, "offline", now, f"device:{device.pk}:offline:{now.isoformat()}")
            device.offline_case = case
            notify(
                users=grid_workers(case),
                kind=InboxKind.ASSIGNED,
                title=_("Device offline %(number)s: %(title)s") % {"number": case.number, "title": case.title},
                url=f"/cases/{case.number}/",
            )
        device.state = DeviceState.OFFLINE
        device.save(update_fields=["state", "offline_case", "updated_at"])
    return case


def came_back(device: Device, *, now: datetime) -> None:
    """A device heard from again: online (alarming while its alarm case is open); its offline case closes."""
    with serialized_writes(), transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        if device.state != DeviceState.OFFLINE:
            return
        alarming = (
            device.alarm_case_id and Case.objects.filter(pk=device.alarm_case_id, status__in=OPEN_STATUSES).exists()
        )
        device.state = DeviceState.ALARMING if alarming else DeviceState.ONLINE
        case = (
            Case.objects.filter(pk=device.offline_case_id, status__in=OPEN_STATUSES).first()
            if device.offline_case_id
            else None
        )
        if case is not None:
            case_services.record_system_flag(
                case,
                "system_close",
                opinion=_("The device is sending again."),
                at=now,
                data={"device": device.serial},
            )
        device.save(update_fields=["state", "updated_at"])
