"""On a phone (390 px): a resident opens the service points map with the 10-minute circles shaded, the
coverage table as cards and their volunteer points; the secretary's activity form picks the community from
a list. No page scrolls sideways."""

import pytest

from tests.e2e.conftest import no_sideways_scroll, shot

pytestmark = pytest.mark.e2e


def test_circles_coverage_and_points_on_a_phone(phone, server):
    resident = phone("resident1")
    resident.goto(f"{server}/services/points/map/")
    resident.wait_for_function("document.getElementById('services-map').dataset.circles > 0")
    no_sideways_scroll(resident)
    shot(resident, "resident1-service-circles-map-390")

    resident.click("[data-testid=circles-link]")
    assert "计算方法" in resident.inner_text("[data-testid=circles-method]")
    assert "%" in resident.inner_text("[data-testid=circles-share]")
    no_sideways_scroll(resident)
    shot(resident, "resident1-service-circles-table-390")

    resident.goto(f"{server}/services/volunteers/")
    resident.wait_for_selector("[data-testid=volunteer-ranking]")
    no_sideways_scroll(resident)

    secretary = phone("community1")
    secretary.goto(f"{server}/services/activities/new/")
    options = secretary.eval_on_selector_all("select[name=region] option", "els => els.map(e => e.value)")
    assert options == ["329901001001"]
    no_sideways_scroll(secretary)
