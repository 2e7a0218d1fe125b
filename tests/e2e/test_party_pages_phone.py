"""Journey: a community secretary on a phone adds a party member by searching the ledger (the HTMX search
fills radio buttons, no inline script), opens the member import and the red property pages; none of them
scrolls sideways at 390 px, and the secretary's row of tabs stays one row with the active tab in view."""

import pytest

from tests.e2e.conftest import login, no_sideways_scroll, shot

pytestmark = pytest.mark.e2e


def test_member_search_import_and_red_property_on_a_phone(page_for, server):
    page = page_for(390, 844)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server, "community1")

    page.goto(f"{server}/party/members/new/")
    page.fill("[data-testid=person-search]", "王")
    choice = page.locator("[data-testid=person-choice] input[type=radio]:not([disabled])").first
    choice.wait_for()
    no_sideways_scroll(page)
    shot(page, "community1-party-member-search-390")
    choice.check()
    page.locator("#id_organisation").select_option(index=0)
    page.click("[data-testid=party-form] button.btn-danger")
    page.wait_for_url(f"{server}/party/members/*/")
    assert page.locator("[data-testid=member-name]").count() == 1

    page.goto(f"{server}/party/members/import/")
    no_sideways_scroll(page)

    page.goto(f"{server}/party/property/")
    no_sideways_scroll(page)
    # The secretary's seven tabs stay one row that scrolls inside itself, the active tab in view.
    bar = page.locator(".nav-tabs").first.bounding_box()
    tab = page.locator("[data-testid=tab-property]").bounding_box()
    assert bar["height"] < 2 * tab["height"], bar
    assert bar["x"] <= tab["x"] and tab["x"] + tab["width"] <= bar["x"] + bar["width"] + 1, (bar, tab)
    page.locator("[data-testid=property-companies] a").first.click()
    page.locator("[data-testid=property-quarters]").wait_for()
    no_sideways_scroll(page)
    shot(page, "community1-party-property-390")
    page.goto(f"{server}/party/property/")
    page.locator("[data-testid=property-listings] a").first.click()
    page.locator("[data-testid=listing-rows]").wait_for()
    no_sideways_scroll(page)
    assert errors == []
