"""Reads of the device module, always scoped to the caller.

Devices, their messages and alarms follow the data reach (``scope.restrict`` on the device's grid path): a
grid worker sees their grids' devices, a street leader the street's; out of reach answers 404 like absent.
Unknown devices and dead letters belong to no grid: administrators (``devices.manage``) only.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import restrict, scope_for
from wangge.cases.models import OPEN_STATUSES, CaseEvent, Status
from wangge.devices import permissions
from wangge.devices.models import DeadLetter, Device, DeviceKind, DeviceMessage, DeviceState, MessageKind, UnknownDevice
from wangge.people import selectors as people_selectors
from wangge.regions.models import GRID_LEVELS, Level, Region

RECENT_MESSAGES = 20


def devices_for(user) -> QuerySet[Device]:
    return restrict(Device.objects.select_related("vendor", "region"), user, field="region_path")


def get_device_for(user, pk) -> Device:
    try:
        return devices_for(user).select_related("alarm_case", "offline_case").get(pk=pk)
    except (Device.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No device with this id in your reach.")) from None


def get_device_by_serial_for(user, serial: str) -> Device:
    device = devices_for(user).filter(serial=serial).first()
    if device is None:
        raise Http404(_("No device with this serial number in your reach."))
    return device


def region_for(user, code: str):
    region = people_selectors.region_in_reach(user, code)
    if region is None:
        raise Http404(_("No region with this code in your reach."))
    return region


def devices_filtered(user, *, kind: str = "", state: str = "", region: str = "", q: str = "") -> QuerySet[Device]:
    rows = devices_for(user)
    if kind:
        rows = rows.filter(kind=kind)
    if state:
        rows = rows.filter(state=state)
    if region:
        rows = rows.filter(region_path__startswith=region_for(user, region).path)
    if q:
        rows = rows.filter(serial__icontains=q) | rows.filter(name__icontains=q)
    return rows


def recent_messages(device: Device, limit: int = RECENT_MESSAGES) -> list[DeviceMessage]:
    return list(device.messages.select_related("case").order_by("-received_at", "-id")[:limit])


def alarms_for(user) -> QuerySet[DeviceMessage]:
    rows = DeviceMessage.objects.filter(kind=MessageKind.ALARM).select_related("device", "case")
    return restrict(rows, user, field="device__region_path")


def alarms_filtered(user, *, kind: str = "", region: str = "", device: int | None = None):
    rows = alarms_for(user)
    if kind:
        rows = rows.filter(device__kind=kind)
    if region:
        rows = rows.filter(device__region_path__startswith=region_for(user, region).path)
    if device is not None:
        rows = rows.filter(device=get_device_for(user, device))
    return rows


def state_counts(user, region: str = "") -> dict[str, int]:
    rows = devices_filtered(user, region=region)
    counts = dict.fromkeys(DeviceState.values, 0)
    for row in rows.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def state_counts_under(user, path: str) -> dict[str, int]:
    """Devices in reach under a region's ``path`` by state (one query; the region was looked up already)."""
    counts = dict.fromkeys(DeviceState.values, 0)
    rows = devices_for(user).filter(region_path__startswith=path).order_by().values("state").annotate(n=Count("id"))
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts


def unknown_devices_for(user) -> QuerySet[UnknownDevice]:
    if not permissions.can_manage(user):
        raise PermissionDenied(_("Your role may not manage devices."))
    return UnknownDevice.objects.all()


def dead_letters_for(user) -> QuerySet[DeadLetter]:
    if not permissions.can_manage(user):
        raise PermissionDenied(_("Your role may not manage devices."))
    return DeadLetter.objects.all()


KINDS = DeviceKind.choices
STATES = DeviceState.choices


# --- statistics per device kind ------------------------------------------------------------------------

# A case's first response: accepted, rejected (a false alarm), merged into another, or solved on the spot
# (the same actions the screen's response rate counts).
RESPONSE_ACTIONS = ("accept", "reject", "merge", "solve_on_spot")
STATISTICS_DAYS = 30
STATISTICS_MAX_DAYS = 366


@dataclass
class KindFigures:
    """One device kind's figures: devices by state now, and over the period the alarms received, the cases
    they opened (repeats within the fold window add to an open case instead), those rejected as false alarms,
    and the time from the alarm's case to its first response (accept, reject, merge, solve on the spot)."""

    kind: str
    label: str
    devices: int = 0
    online: int = 0
    offline: int = 0
    alarming: int = 0
    alarms: int = 0
    cases: int = 0
    false_alarms: int = 0
    responded: int = 0
    response_seconds: list[float] = field(default_factory=list, repr=False)

    @property
    def response_median_minutes(self) -> float | None:
        return round(median(self.response_seconds) / 60, 1) if self.response_seconds else None

    @property
    def response_mean_minutes(self) -> float | None:
        if not self.response_seconds:
            return None
        return round(sum(self.response_seconds) / len(self.response_seconds) / 60, 1)


@dataclass
class KindStatistics:
    date_from: date
    date_to: date
    region: Region | None
    kinds: list[KindFigures]
    total: KindFigures


def period(date_from: date | None = None, date_to: date | None = None) -> tuple[date, date]:
    """The statistics' days (local): by default the last 30 days to today; reversed or too long: 400."""
    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to - timedelta(days=STATISTICS_DAYS - 1)
    if date_from > date_to:
        raise ValidationError({"date_from": _("The first day comes after the last day.")})
    if (date_to - date_from).days >= STATISTICS_MAX_DAYS:
        raise ValidationError({"date_from": _("A period is at most %(n)d days.") % {"n": STATISTICS_MAX_DAYS}})
    return date_from, date_to


def kind_statistics(
    user, *, date_from: date | None = None, date_to: date | None = None, region: str = ""
) -> KindStatistics:
    """Per device kind, in the caller's reach (``region``: a subtree of it, else 404): four grouped queries
    (devices by state, alarms, their cases, first responses), whatever the number of devices."""
    date_from, date_to = period(date_from, date_to)
    zone = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    place = region_for(user, region) if region else None
    devices = devices_for(user)
    alarms = alarms_for(user).filter(received_at__gte=start, received_at__lt=end)
    if place is not None:
        devices = devices.filter(region_path__startswith=place.path)
        alarms = alarms.filter(device__region_path__startswith=place.path)
    rows = {kind: KindFigures(kind, str(label)) for kind, label in DeviceKind.choices}
    total = KindFigures("", _("All kinds"))
    for row in devices.order_by().values("kind", "state").annotate(n=Count("id")):
        for figures in (rows[row["kind"]], total):
            figures.devices += row["n"]
            setattr(figures, row["state"], getattr(figures, row["state"]) + row["n"])
    counted = (
        alarms.order_by()
        .values("device__kind")
        .annotate(
            n=Count("id"),
            cases=Count("case", filter=Q(folded=False, case__isnull=False), distinct=True),
            false=Count("case", filter=Q(folded=False, case__status=Status.REJECTED), distinct=True),
        )
    )
    for row in counted:
        for figures in (rows[row["device__kind"]], total):
            figures.alarms += row["n"]
            figures.cases += row["cases"]
            figures.false_alarms += row["false"]
    opened = alarms.filter(folded=False, case__isnull=False).values_list("case_id", "device__kind", "case__created_at")
    opened = {case_id: (kind, created) for case_id, kind, created in opened}
    if opened:
        first = (
            CaseEvent.objects.filter(case_id__in=list(opened), action__in=RESPONSE_ACTIONS)
            .values("case_id")
            .annotate(at=Min("at"))
            .order_by()
        )
        for row in first:
            kind, created = opened[row["case_id"]]
            seconds = max(0.0, (row["at"] - created).total_seconds())
            for figures in (rows[kind], total):
                figures.responded += 1
                figures.response_seconds.append(seconds)
    return KindStatistics(date_from, date_to, place, list(rows.values()), total)


# --- the command screen's devices panel ----------------------------------------------------------------


@dataclass
class AreaDevices:
    """Devices in the caller's reach under one region: by state now, and their open alarm cases."""

    region: Region
    online: int = 0
    offline: int = 0
    alarming: int = 0
    open_alarms: int = 0

    @property
    def devices(self) -> int:
        return self.online + self.offline + self.alarming


def area_devices(user, code: str) -> tuple[AreaDevices, list[AreaDevices]]:
    """Devices under the region ``code`` in the caller's reach (else 404), in total and per child region (to
    drill down): online, offline and alarming now, and the open cases their alarms raised. Two grouped
    queries by grid path, summed per child by path prefix."""
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None or not scope_for(user).covers_path(region.path):
        raise Http404(_("No region with this code in your reach."))
    children = list(Region.objects.filter(parent=region, is_active=True).order_by("code"))
    total, rows = AreaDevices(region), [AreaDevices(child) for child in children]

    def spread(path: str, name: str, n: int) -> None:
        setattr(total, name, getattr(total, name) + n)
        for row in rows:
            if path.startswith(row.region.path):
                setattr(row, name, getattr(row, name) + n)
                break

    under = devices_for(user).filter(region_path__startswith=region.path).order_by()
    for row in under.values("region_path", "state").annotate(n=Count("id")):
        spread(row["region_path"], row["state"], row["n"])
    open_alarms = under.filter(alarm_case__status__in=OPEN_STATUSES).values("region_path")
    for row in open_alarms.annotate(n=Count("alarm_case", distinct=True)):
        spread(row["region_path"], "open_alarms", row["n"])
    return total, rows


PICKER_LEVELS = (Level.STREET, Level.COMMUNITY, *GRID_LEVELS)
PICKER_LIMIT = 500


def picker_regions(user) -> list:
    """Streets, communities and grids in the caller's data reach, in tree order: the region picker of the
    device filters (what ``region_for`` accepts)."""
    return list(
        restrict(Region.objects.filter(is_active=True, level__in=PICKER_LEVELS), user, field="path").order_by("path")[
            :PICKER_LIMIT
        ]
    )
