"""Journey: a community secretary on a phone opens 党建 from the menu, goes to the central household coverage
of their community, sees the buildings on the map and each grid's rate as a card."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

COMMUNITY = "329901001001"  # community1's community in the demo town (seed 2026)


def test_the_coverage_page_on_a_phone(page_for, server):
    page = page_for(390, 844)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server, "community1")
    page.click("button.navbar-toggler")
    page.click("[data-testid=nav-party]")
    page.wait_for_url(server + "/party/")
    assert "党总支" in page.inner_text("[data-testid=party-tree]")

    page.goto(f"{server}/party/coverage/?region={COMMUNITY}")
    page.locator("#party-map[data-buildings]").wait_for(state="attached")
    assert int(page.get_attribute("#party-map", "data-buildings")) > 0
    assert page.locator("#party-map path.leaflet-interactive").count() > 0  # a dot per building
    assert "党员中心户" in page.inner_text("[data-testid=coverage-total]")
    first_row = page.locator("[data-testid=coverage-table] tbody tr").first
    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"  # a card, not a table row
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    assert errors == []
    shot(page, "community1-party-coverage-390")
