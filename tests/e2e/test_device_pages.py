"""Journeys on a phone (390 × 844): the device map fits its markers (every dot inside the map's box, the
zoom bounded even for one device), the statistics per kind and the Excel import (upload, each row's result,
register) lay out without sideways scrolling, and the wall screen shows the devices panel."""

import json

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import login, no_sideways_scroll, shot

pytestmark = pytest.mark.e2e

MARKERS_INSIDE = """() => {
  const box = document.getElementById("devices-map").getBoundingClientRect();
  const dots = [...document.querySelectorAll("#devices-map path.leaflet-interactive")];
  const outside = dots.filter((dot) => {
    const r = dot.getBoundingClientRect();
    return r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom;
  });
  return { dots: dots.length, outside: outside.length };
}"""


def test_the_device_map_fits_its_markers_on_a_phone(page_for, server):
    page = page_for(390, 844)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server, "gridworker1")
    page.goto(f"{server}/devices/map/")
    page.wait_for_selector("#devices-map[data-fitted='1']")
    found = page.evaluate(MARKERS_INSIDE)
    assert found["dots"] > 1 and found["outside"] == 0, found
    assert 3 <= float(page.get_attribute("#devices-map", "data-zoom")) <= 17
    no_sideways_scroll(page)
    shot(page, "gridworker1-device-map-390")

    serial = page.evaluate(
        "JSON.parse(document.getElementById('devices-map-config').textContent).devices.features[0].properties.serial"
    )
    page.goto(f"{server}/devices/map/?q={serial}")
    page.wait_for_selector("#devices-map[data-fitted='1']")
    assert page.evaluate(MARKERS_INSIDE) == {"dots": 1, "outside": 0}
    assert float(page.get_attribute("#devices-map", "data-zoom")) == 17  # one device: capped, not endless
    assert errors == []


def test_statistics_and_import_on_a_phone(page_for, server, tmp_path):
    page = page_for(390, 844)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server, "admin")
    page.goto(f"{server}/devices/statistics/")
    assert page.locator("[data-testid=device-statistics] tbody tr").count() == 7
    no_sideways_scroll(page)
    shot(page, "admin-device-statistics-390")

    page.goto(f"{server}/devices/?kind=smoke")
    first = page.locator("[data-testid=device-table] tbody tr").first
    taken = first.locator("span.small").inner_text().strip()
    config = page.request.get(f"{server}/devices/map/?q={taken}").text()
    start = config.index('id="devices-map-config"')
    feature = json.loads(config[config.index(">", start) + 1 : config.index("</script>", start)])["devices"][
        "features"
    ][0]
    lon, lat = feature["geometry"]["coordinates"]
    vendor = page.request.get(f"{server}/api/v1/devices/{feature['properties']['id']}").json()["vendor"]
    book = Workbook()
    sheet = book.active
    sheet.append(["序列号", "类型", "厂商编码", "经度", "纬度", "名称", "地址", "心跳间隔"])
    sheet.append(["E2E-IMPORT-1", "smoke", vendor, lon, lat, "e2e", "", 600])
    sheet.append([taken, "smoke", vendor, lon, lat, "", "", 600])  # already registered
    bad = tmp_path / "bad.xlsx"
    book.save(bad)

    page.goto(f"{server}/devices/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("[data-testid=device-import-check]")
    page.wait_for_selector("[data-testid=device-import-rows]")
    assert page.locator("tr[data-ok='1']").count() == 1 and page.locator("tr[data-ok='0']").count() == 1
    assert page.locator("[data-testid=device-import-confirm]").count() == 0
    no_sideways_scroll(page)
    shot(page, "admin-device-import-problems-390")

    sheet.delete_rows(3)
    good = tmp_path / "good.xlsx"
    book.save(good)
    page.set_input_files("input[type=file]", str(good))
    page.click("[data-testid=device-import-check]")
    page.click("[data-testid=device-import-confirm]")
    page.wait_for_url(f"{server}/devices/")
    page.goto(f"{server}/devices/?q=E2E-IMPORT-1")
    assert "E2E-IMPORT-1" in page.content()
    assert errors == []


def test_the_wall_screen_shows_the_devices_panel(page_for, server):
    page = page_for(390, 844)
    login(page, server, "leader")
    page.goto(f"{server}/dashboard/")
    page.wait_for_selector("[data-testid=devices-figures]")
    assert int(page.inner_text("[data-testid=devices-online]")) >= 0
    no_sideways_scroll(page)
    shot(page, "leader-screen-devices-390")
