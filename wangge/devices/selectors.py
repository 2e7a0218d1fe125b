"""Reads of the device module, always scoped to the caller.

Devices, their messages and alarms follow the data reach (``scope.restrict`` on the device's grid path): a
grid worker sees their grids' devices, a street leader the street's; out of reach answers 404 like absent.
Unknown devices and dead letters belong to no grid: administrators (``devices.manage``) only.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.scope import restrict
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
