"""Journey: a community secretary on a phone adds a party member by searching the ledger (the HTMX search
fills radio buttons, no inline script), opens the member import and the red property pages; none of them
scrolls sideways at 390 px."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


def _fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways ({width} px)"


def test_member_search_import_and_red_property_on_a_phone(page_for, server):
    page = page_for(390, 844)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server, "community1")

    page.goto(f"{server}/party/members/new/")
    page.fill("[data-testid=person-search]", "王")
    choice = page.locator("[data-testid=person-choice] input[type=radio]:not([disabled])").first
    choice.wait_for()
    _fits(page, "the add-member page")
    shot(page, "community1-party-member-search-390")
    choice.check()
    page.locator("#id_organisation").select_option(index=0)
    page.click("[data-testid=party-form] button.btn-danger")
    page.wait_for_url(f"{server}/party/members/*/")
    assert page.locator("[data-testid=member-name]").count() == 1

    page.goto(f"{server}/party/members/import/")
    _fits(page, "the member import page")

    page.goto(f"{server}/party/property/")
    _fits(page, "the red property page")
    page.locator("[data-testid=property-companies] a").first.click()
    page.locator("[data-testid=property-quarters]").wait_for()
    _fits(page, "a red property company")
    shot(page, "community1-party-property-390")
    page.goto(f"{server}/party/property/")
    page.locator("[data-testid=property-listings] a").first.click()
    page.locator("[data-testid=listing-rows]").wait_for()
    _fits(page, "a red/black list")
    assert errors == []
