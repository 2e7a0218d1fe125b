"""Registering devices in bulk from an Excel sheet (one row a device): the shared guards check the file
(``core.uploads.check_zip`` before it is opened; the template is built by ``core.excel``), every row goes
through the same checks as a single registration (``services._clean_device``), and the rows are written all
together or not at all, with the problems listed by row and column."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from wangge.accounts import audit
from wangge.core import excel, uploads
from wangge.devices import permissions, services
from wangge.devices.models import Device, DeviceKind

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = [
    ("serial", gettext_lazy("Serial number")),
    ("kind", gettext_lazy("Kind")),
    ("vendor", gettext_lazy("Vendor code")),
    ("lon", gettext_lazy("Longitude")),
    ("lat", gettext_lazy("Latitude")),
    ("name", gettext_lazy("Name")),
    ("address", gettext_lazy("Address")),
    ("heartbeat_seconds", gettext_lazy("Heartbeat interval (seconds)")),
]


@dataclass
class RowResult:
    """One row of the sheet as checked: what it would register, or its problems."""

    row: int
    serial: str
    kind: str  # the kind's label when known, else as written
    grid: str = ""  # the grid the point falls in, when the row is good
    problems: list[dict] = field(default_factory=list)  # {"column", "message"}

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class DeviceImportReport:
    rows: int = 0
    created: int = 0
    problems: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    results: list[RowResult] = field(default_factory=list)  # one per row, in the sheet's order
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


def template() -> bytes:
    book = excel.workbook()
    sheet = book.active
    sheet.title = str(_("Devices"))
    excel.header(sheet, [str(label) for _key, label in COLUMNS])
    sheet.append(["YG-0001", str(DeviceKind.SMOKE.label), "vendor-code", 120.9, 31.4, "3幢1单元烟感", "", 600])
    excel.widths(sheet, first=16, rest=16)
    return excel.to_bytes(book)


# What older device ledgers call each kind.
KIND_ALIASES = {
    "烟感": DeviceKind.SMOKE,
    "烟雾报警器": DeviceKind.SMOKE,
    "门磁": DeviceKind.DOOR,
    "水浸": DeviceKind.WATER_LEAK,
    "燃气": DeviceKind.GAS,
    "电梯": DeviceKind.ELEVATOR,
    "高空抛物": DeviceKind.THROW_CAMERA,
    "消防通道": DeviceKind.FIRE_LANE_CAMERA,
}


def _kind(value: str) -> str:
    """A kind by its code, its label (in the current language or Chinese) or an older ledger's name."""
    value = (value or "").strip()
    for code, label in DeviceKind.choices:
        with translation.override("zh-hans"):
            chinese = str(label)
        if value in (code, str(label), chinese):
            return code
    return KIND_ALIASES.get(value, value)


def _rows(upload) -> list[tuple[int, dict]]:
    uploads.check_zip(upload, max_bytes=MAX_BYTES)
    book = load_workbook(upload, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        out = []
        for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if number - 1 > MAX_ROWS:
                raise ValidationError({"file": _("More than %(n)d rows: split the file.") % {"n": MAX_ROWS}})
            if not values or all(v in (None, "") for v in values):
                continue
            cells = dict(zip([key for key, _label in COLUMNS], list(values) + [None] * len(COLUMNS), strict=False))
            out.append((number, {k: ("" if v is None else v) for k, v in cells.items()}))
        return out
    finally:
        book.close()


def import_devices(*, actor, upload, dry_run: bool = True) -> DeviceImportReport:
    """Check (``dry_run``) or register every row of ``upload``: all or none."""
    if actor is not None:
        permissions.require_manage(actor)
    report = DeviceImportReport(dry_run=dry_run)
    rows = _rows(upload)
    report.rows = len(rows)
    titles = {key: str(label) for key, label in COLUMNS}
    devices: list[Device] = []
    seen: dict[str, int] = {}
    labels = dict(DeviceKind.choices)
    for number, cells in rows:
        serial = str(cells["serial"]).strip()
        kind = _kind(str(cells["kind"]))
        result = RowResult(row=number, serial=serial, kind=str(labels.get(kind, kind)))
        report.results.append(result)
        if serial in seen:
            problem = {"column": titles["serial"], "message": _("Also in row %(n)d.") % {"n": seen[serial]}}
            result.problems.append(problem)
            report.problems.append({"row": number, **problem})
            continue
        seen[serial] = number
        data = services.DeviceIn(
            vendor=str(cells["vendor"]).strip(),
            serial=serial,
            kind=kind,
            lon=cells["lon"],
            lat=cells["lat"],
            name=str(cells["name"]),
            address=str(cells["address"]),
            heartbeat_seconds=cells["heartbeat_seconds"] or 300,
        )
        try:
            device = services._clean_device(data)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = titles.get(name, titles["serial"] if name == "__all__" else name)
                result.problems.append({"column": column, "message": messages[0]})
                report.problems.append({"row": number, "column": column, "message": messages[0]})
        else:
            devices.append(device)
            result.grid = device.region.name
    if report.problems or dry_run:
        return report
    with transaction.atomic():
        Device.objects.bulk_create(devices)
        audit.record(
            actor=actor, action="devices.device.import", object_type="devices.device", changes={"rows": len(devices)}
        )
    report.created = len(devices)
    return report
