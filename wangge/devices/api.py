"""Devices over JSON under ``/api/v1/``: devices and their alarms (scoped to the caller's reach), the vendors'
signed webhook, and for administrators the unknown devices and dead letters. Thin: reads through
``selectors``, writes through ``services`` and ``ingest``."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from wangge.core.api_errors import ApiErrorOut
from wangge.core.excel import XLSX
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.devices import imports, ingest, permissions, selectors, services
from wangge.devices.models import Transport, Vendor
from wangge.devices.schemas import (
    AlarmListQuery,
    AlarmOut,
    DeviceImportOut,
    DeviceIn,
    DeviceItemOut,
    DeviceListQuery,
    DeviceOut,
    DeviceStatisticsOut,
    DeviceStatisticsQuery,
    IotDeadLetterOut,
    IotUnknownDeviceOut,
    IotWebhookOut,
)

router = Router(tags=["devices"])


def _error(status: int, message: str, field: str = "") -> Status:
    return Status(status, {"detail": message, "errors": [{"field": field, "message": message}]})


@router.get("/devices", response=Page[DeviceItemOut])
def list_devices(request, query: Query[DeviceListQuery]):
    """Devices in your reach; filters: kind, state, region (a subtree), q (serial or name)."""
    rows = selectors.devices_filtered(
        request.auth, kind=query.kind or "", state=query.state or "", region=query.region or "", q=query.q or ""
    )
    return keyset_page(rows, query, order=("serial", "id"))


@router.post("/devices", response={201: DeviceOut})
def register_device(request, payload: DeviceIn):
    """Register a device (administrators)."""
    device = services.register_device(actor=request.auth, data=services.DeviceIn(**payload.dict()))
    device.recent = []
    return Status(201, device)


@router.post("/devices/import", response={200: DeviceImportOut, 400: DeviceImportOut})
def import_devices(request, file: File[UploadedFile], dry_run: Form[bool] = True):
    """Check (``dry_run``, the default) or register the devices of an .xlsx sheet (columns as in
    ``/devices/import/template``): every problem by row and column; a real run writes all rows or none."""
    report = imports.import_devices(actor=request.auth, upload=file, dry_run=dry_run)
    return Status(400 if report.problems else 200, report)


@router.get("/devices/import/template", response={200: None})
def import_template(request):
    """The Excel sheet to fill in for ``/devices/import``."""
    permissions.require_manage(request.auth)
    response = HttpResponse(imports.template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="devices.xlsx"'
    return response


@router.get("/devices/statistics", response=DeviceStatisticsOut)
def device_statistics(request, query: Query[DeviceStatisticsQuery]):
    """Per device kind, in your reach: devices online, offline and alarming now; over the period (local days,
    default the last 30) the alarms received, the cases they opened, false alarms (cases rejected) and the
    time from the case to its first response."""
    return selectors.kind_statistics(
        request.auth, date_from=query.date_from, date_to=query.date_to, region=query.region or ""
    )


@router.get("/devices/{device_id}", response=DeviceOut)
def get_device(request, device_id: int):
    """One device with its most recent messages."""
    device = selectors.get_device_for(request.auth, device_id)
    device.recent = selectors.recent_messages(device)
    return device


@router.get("/alarms", response=Page[AlarmOut])
def list_alarms(request, query: Query[AlarmListQuery]):
    """Alarms of the devices in your reach, newest first (each with the case it opened or was added to)."""
    rows = selectors.alarms_filtered(
        request.auth, kind=query.kind or "", region=query.region or "", device=query.device
    )
    return keyset_page(rows, query, order=("-received_at", "-id"))


@router.post("/iot/webhook/{vendor}", auth=None, response={200: IotWebhookOut, 400: ApiErrorOut, 401: ApiErrorOut})
def webhook(request, vendor: str):
    """A vendor's cloud posts one message: ``{serial, kind, message_id, ts, type, value, snapshot_url}``, signed
    with ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` under one of the vendor's keys."""
    found = Vendor.objects.filter(code=vendor[:40]).first()
    body = request.body
    if found is None or not services.signature_valid(found, body, request.headers.get("X-Signature", "")):
        if found is not None:
            services.count_refusal(found)
        return _error(401, _("Missing or wrong signature."), "X-Signature")
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    serial = data.get("serial") if isinstance(data, dict) else None
    kind = data.get("kind") if isinstance(data, dict) else None
    message = ingest.Incoming(
        serial=serial if isinstance(serial, str) else "",
        kind=kind if isinstance(kind, str) else "",
        payload=body,
        transport=Transport.WEBHOOK,
        topic=found.code,
        vendor=found,
    )
    [outcome] = ingest.ingest([message])
    if outcome.status == "dead":
        return _error(400, outcome.reason, "body")
    return Status(
        200, IotWebhookOut(status=outcome.status, case=outcome.case_number or None, clock_flagged=outcome.flagged)
    )


@router.get("/iot/unknown-devices", response=Page[IotUnknownDeviceOut])
def list_unknown_devices(request, query: Query[PageQuery]):
    """Serials heard that nobody registered (administrators)."""
    return keyset_page(selectors.unknown_devices_for(request.auth), query, order=("-last_seen", "-id"))


@router.get("/iot/dead-letters", response=Page[IotDeadLetterOut])
def list_dead_letters(request, query: Query[PageQuery]):
    """Messages that could not be taken in, with the reason (administrators)."""
    return keyset_page(selectors.dead_letters_for(request.auth), query, order=("-received_at", "-id"))
