"""Journeys: a grid worker on a phone starts a patrol, walks (a faked position moved by the test), finishes;
the points recorded by the page's script reach the server in batches and the patrol shows its track on the map.
A driver picks a patrol car on the same page, drives at town speed, and the trip shows the car's plate and is
listed on the car's page."""

import re

import pytest

from tests.e2e.conftest import login, no_sideways_scroll, shot

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


def test_a_trip_in_a_patrol_car_on_a_phone(browser, server):
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
        login(page, server, "gridworker1")  # a driver of the first street's first patrol car in the demo
        lon, lat = page.request.get(f"{server}/api/v1/regions/{GRID_1}").json()["center"]
        context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 8})
        page.goto(server + "/patrols/")
        choice = page.locator("[data-testid=patrol-vehicle-select] option").nth(1)
        car, label = choice.get_attribute("value"), choice.inner_text()
        plate = re.search(r"苏E·\w+", label).group(0)
        page.select_option("[data-testid=patrol-vehicle-select]", car)
        no_sideways_scroll(page)
        page.click("[data-testid=patrol-start]")
        page.locator("[data-testid=patrol-finish]").wait_for()
        assert plate in page.inner_text("[data-testid=patrol-current] [data-testid=patrol-vehicle]")
        for step in range(1, 6):  # east at about 60 km/h: some 18 m a second
            page.wait_for_timeout(1100)
            context.set_geolocation({"longitude": lon + step * 0.0002, "latitude": lat, "accuracy": 8})
        page.wait_for_function("Number(document.getElementById('patrol-pending').textContent) >= 2")
        page.click("[data-testid=patrol-finish]")
        page.wait_for_url(server + "/patrols/*/")
        assert page.inner_text("[data-testid=patrol-figures] [data-testid=patrol-vehicle]") == plate
        assert float(page.inner_text("[data-testid=patrol-distance]").split()[0]) > 0
        no_sideways_scroll(page)
        trip = page.url
        page.click("[data-testid=patrol-figures] [data-testid=patrol-vehicle] a")
        page.wait_for_url(re.compile(rf".*/patrols/vehicles/{car}/$"))
        assert page.inner_text("[data-testid=vehicle-plate]") == plate
        assert page.locator(f"[data-testid=vehicle-trips] a[href='{trip.removeprefix(server)}']").count() == 1
        no_sideways_scroll(page)
        assert errors == []
        shot(page, "gridworker1-car-trip-390")
    finally:
        context.close()
