"""Bulk registration from Excel: the template, a dry run, problems by row and column, all rows or none."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.cases.conftest import point_in
from tests.devices.conftest import GRID_1
from wangge.core import excel
from wangge.devices import imports
from wangge.devices.models import Device


def sheet(rows) -> SimpleUploadedFile:
    book = excel.workbook()
    ws = book.active
    excel.header(ws, [str(label) for _k, label in imports.COLUMNS])
    for row in rows:
        ws.append(row)
    return SimpleUploadedFile("devices.xlsx", excel.to_bytes(book), content_type=excel.XLSX)


def test_the_template_has_the_columns():
    book = load_workbook(io.BytesIO(imports.template()))
    assert [c.value for c in book.active[1]] == [str(label) for _k, label in imports.COLUMNS]


def test_a_good_sheet_is_checked_then_imported(vendor, user):
    lon, lat = point_in(GRID_1)
    rows = [
        ["IMP-1", "smoke", vendor.code, lon, lat, "烟感1", "", 600],
        ["IMP-2", "门磁", vendor.code, lon, lat, "", "", ""],
    ]
    checked = imports.import_devices(actor=user("admin"), upload=sheet(rows), dry_run=True)
    assert (
        checked.problems == [] and checked.rows == 2 and not Device.objects.filter(serial__startswith="IMP-").exists()
    )
    done = imports.import_devices(actor=user("admin"), upload=sheet(rows), dry_run=False)
    assert done.created == 2
    assert set(Device.objects.filter(serial__startswith="IMP-").values_list("kind", flat=True)) == {"smoke", "door"}


def test_one_bad_row_imports_nothing_and_is_named(vendor, user):
    lon, lat = point_in(GRID_1)
    rows = [
        ["IMP-3", "smoke", vendor.code, lon, lat, "", "", 600],
        ["IMP-4", "toaster", vendor.code, lon, lat, "", "", 600],
        ["IMP-3", "smoke", vendor.code, lon, lat, "", "", 600],
        ["IMP-5", "gas", "nobody", 0, 0, "", "", 600],
    ]
    report = imports.import_devices(actor=user("admin"), upload=sheet(rows), dry_run=False)
    rows_named = {(p["row"], p["column"]) for p in report.problems}
    assert (3, "Kind") in rows_named and (4, "Serial number") in rows_named and (5, "Vendor code") in rows_named
    assert report.created == 0 and not Device.objects.filter(serial__startswith="IMP-").exists()


def test_the_api_import_needs_the_manage_capability(vendor, user, client):
    from wangge.accounts.services import issue_token

    lon, lat = point_in(GRID_1)
    upload = sheet([["IMP-9", "gas", vendor.code, lon, lat, "", "", 600]])
    key, _t = issue_token(user=user("gridworker1"))
    refused = client.post("/api/v1/devices/import", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert refused.status_code == 403
    key, _t = issue_token(user=user("admin"))
    upload.seek(0)
    done = client.post(
        "/api/v1/devices/import", {"file": upload, "dry_run": "false"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert done.status_code == 200 and done.json()["created"] == 1
    assert client.get("/api/v1/devices/import/template", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
