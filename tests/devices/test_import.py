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


def _admin_client(user):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user("admin"))
    return client


def test_the_import_page_lists_every_rows_result_and_registers_nothing(vendor, user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    lon, lat = point_in(GRID_1)
    client = _admin_client(user)
    assert client.get("/devices/import/").status_code == 200
    rows = [
        ["PG-1", "smoke", vendor.code, lon, lat, "", "", 600],
        ["PG-2", "toaster", vendor.code, lon, lat, "", "", 600],
    ]
    answer = client.post("/devices/import/", {"file": sheet(rows)})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'data-row="2" data-ok="1"' in html and 'data-row="3" data-ok="0"' in html
    assert "Unknown device kind toaster." in html and 'data-label="Result"' in html
    assert 'data-testid="device-import-confirm"' not in html
    assert not Device.objects.filter(serial__startswith="PG-").exists()
    # Nothing kept for a file with problems: confirming finds no checked file.
    assert client.post("/devices/import/confirm/").status_code == 302
    assert not Device.objects.filter(serial__startswith="PG-").exists()


def test_a_clean_sheet_is_checked_then_registered_on_confirmation(vendor, user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    lon, lat = point_in(GRID_1)
    client = _admin_client(user)
    rows = [["PG-3", "烟感", vendor.code, lon, lat, "", "", 600], ["PG-4", "gas", vendor.code, lon, lat, "", "", ""]]
    checked = client.post("/devices/import/", {"file": sheet(rows)})
    html = checked.content.decode()
    assert checked.status_code == 200 and 'data-testid="device-import-confirm"' in html
    assert html.count('data-ok="1"') == 2 and not Device.objects.filter(serial__startswith="PG-").exists()
    done = client.post("/devices/import/confirm/")
    assert done.status_code == 302 and done["Location"] == "/devices/"
    assert set(Device.objects.filter(serial__startswith="PG-").values_list("kind", flat=True)) == {"smoke", "gas"}
    assert client.post("/devices/import/confirm/").status_code == 302  # the file is gone: nothing twice
    assert Device.objects.filter(serial__startswith="PG-").count() == 2


def test_the_import_page_is_for_administrators(user):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user("gridworker1"))
    assert client.get("/devices/import/").status_code == 403
    assert client.post("/devices/import/confirm/").status_code == 403
    assert 'data-testid="tab-device-import"' not in client.get("/devices/").content.decode()


def test_a_file_that_is_no_workbook_is_named(user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = _admin_client(user)
    fake = SimpleUploadedFile("devices.xlsx", b"not a zip", content_type=excel.XLSX)
    answer = client.post("/devices/import/", {"file": fake})
    assert answer.status_code == 400 and "The file is not an Excel workbook (.xlsx)." in answer.content.decode()
