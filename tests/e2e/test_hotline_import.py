"""Journey: the administrator imports a 12345 work-order file from the admin's import page: a dry run first
(every row's result, nothing written), then the import; the order is a case of source hotline, found on
its page. Then an Open311 client reads the demo's public requests."""

import pytest

from tests.e2e.conftest import login, shot
from tests.hotline.conftest import xlsx

pytestmark = pytest.mark.e2e

GRID_CODE = "329901001001001"  # gridworker1's grid in the demo town (seed 2026)
NUMBER = "JH12345E2E0001"
DESCRIPTION = "来电反映人行道井盖缺失，夜间行人容易绊倒。"


def test_the_administrator_checks_then_imports_a_hotline_file(page_for, server):
    page = page_for(1366, 800, "en-US")
    login(page, server, "admin")
    lon, lat = page.request.get(f"{server}/api/v1/regions/{GRID_CODE}").json()["center"]
    order = {
        "number": NUMBER,
        "category": "12345-0301",  # the demo's mapping: 井盖缺失破损 → 0101
        "title": "",
        "description": DESCRIPTION,
        "address": "",
        "lon": lon,
        "lat": lat,
        "caller_name": "钱女士",
        "caller_phone": "13905159999",
        "received_at": "",
        "deadline": "",
    }
    upload = {
        "name": "12345.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": xlsx([order]),
    }

    page.goto(f"{server}/admin/hotline/hotlineorder/import/")
    assert page.locator("#id_dry_run").is_checked()  # a dry run unless the box is cleared
    page.locator("#id_file").set_input_files(upload)
    page.locator("input[type=submit]").click()
    page.locator("#content h2", has_text="Dry run").wait_for()
    row = page.locator("#content table tbody tr").first
    assert NUMBER in row.inner_text() and "OK" in row.inner_text()
    assert row.locator("td").nth(3).inner_text().strip() == ""  # no case yet
    shot(page, "hotline-import-dry-run")

    page.locator("#id_file").set_input_files(upload)
    page.locator("#id_dry_run").uncheck()
    page.locator("input[type=submit]").click()
    page.locator("#content h2", has_text="1 order taken in").wait_for()
    case_number = page.locator("#content table tbody tr").first.locator("td").nth(3).inner_text().strip()
    assert case_number
    shot(page, "hotline-import-done")

    page.goto(f"{server}/cases/{case_number}/")
    assert DESCRIPTION in page.content()
    assert "13905159999" not in page.content()  # the caller's phone is personal data

    # The same file again: already imported, skipped.
    page.goto(f"{server}/admin/hotline/hotlineorder/import/")
    page.locator("#id_file").set_input_files(upload)
    page.locator("#id_dry_run").uncheck()
    page.locator("input[type=submit]").click()
    page.locator("#content td", has_text="Already imported").wait_for()


def test_an_open311_client_reads_the_demo(page_for, server):
    page = page_for()
    answer = page.request.get(f"{server}/open311/v2/requests.json")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/json")
    requests = answer.json()
    assert requests and all(r["requested_datetime"].endswith("+08:00") for r in requests)
    services = page.request.get(f"{server}/open311/v2/services.xml")
    assert services.status == 200 and "<services>" in services.text()
