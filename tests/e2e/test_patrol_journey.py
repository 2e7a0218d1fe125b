"""Journey: a grid worker on a phone starts a patrol, walks (a faked position moved by the test), finishes;
the points recorded by the page's script reach the server in batches and the patrol shows its track on the map."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

GRID_1 = "329901001001001"  # gridworker1's grid in the demo town


def test_a_patrol_on_a_phone(browser, server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"longitude": 0, "latitude": 0},
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        login(page, server, "gridworker1")
        lon, lat = page.request.get(f"{server}/api/v1/regions/{GRID_1}").json()["center"]
        context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 5})
        page.goto(server + "/patrols/")
        page.click("[data-testid=patrol-start]")
        page.locator("[data-testid=patrol-finish]").wait_for()
        for step in range(1, 6):  # a walk east, a position every moment the test moves it
            page.wait_for_timeout(1100)
            context.set_geolocation({"longitude": lon + step * 0.0003, "latitude": lat, "accuracy": 5})
        page.wait_for_function("Number(document.getElementById('patrol-pending').textContent) >= 2")
        assert "GPS" in page.inner_text("[data-testid=patrol-status]")
        page.click("[data-testid=patrol-finish]")  # sends what is left, then finishes
        page.wait_for_url(server + "/patrols/*/")
        page.locator("#patrol-map[data-lines]").wait_for(state="attached")
        assert int(page.get_attribute("#patrol-map", "data-lines")) >= 1
        assert page.locator("#patrol-map path.leaflet-interactive").count() >= 1
        assert float(page.inner_text("[data-testid=patrol-distance]").split()[0]) > 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width} px)"
        assert errors == []
        shot(page, "gridworker1-patrol-390")
    finally:
        context.close()
