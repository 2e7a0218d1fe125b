"""Journey: a grid worker logs in on a phone and on a laptop, opens the map, sees their grid
highlighted and its card."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

GRID_CODE = "329901001001001"  # gridworker1's grid in the demo town (seed 2026)


@pytest.mark.parametrize("width,height", [(1366, 800), (390, 844)], ids=["laptop", "phone"])
def test_gridworker_sees_their_grid_highlighted_with_its_card(page_for, server, width, height):
    page = page_for(width, height)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    login(page, server, "gridworker1")
    assert "枫悦社区第1网格" in page.inner_text("[data-testid=area-card]")

    page.goto(server + "/regions/map/")
    card = page.locator(f"[data-testid=region-card][data-code='{GRID_CODE}']")
    card.wait_for()
    page.locator(f"#map[data-ready='{GRID_CODE}']").wait_for()
    assert "枫悦社区第1网格" in card.inner_text()
    assert "专职网格员" in page.inner_text("[data-testid=card-staff]")
    assert page.locator("path.wg-home").count() == 1  # their grid, outlined in gold
    assert page.locator("path.leaflet-interactive").count() == 5  # its five micro-grids
    shot(page, f"gridworker1-map-{width}")

    # Clicking a micro-grid opens its card.
    page.locator("path.leaflet-interactive").first.click(force=True)
    page.locator("[data-testid=region-card][data-code^='" + GRID_CODE + "']").filter(has_text="微网格").wait_for()
    # Nothing leaves the machine: every request goes to our own server.
    assert all(url.startswith(server) for url in requests), [u for u in requests if not u.startswith(server)]


def test_map_of_another_grid_is_not_found(page_for, server):
    page = page_for()
    login(page, server, "gridworker1")
    response = page.goto(server + "/regions/map/?code=329901001001002")
    assert response.status == 404


def test_english_interface_is_selectable(page_for, server):
    page = page_for(locale="zh-CN")
    login(page, server, "leader")
    with page.expect_navigation():
        page.select_option("#wg-language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Hello" in page.inner_text("h1")
    shot(page, "leader-home-en")


def test_a_region_name_with_markup_is_shown_as_text_on_the_maps(page_for, server):
    """Region names are typed by people: a label must never run what they contain."""
    page = page_for()
    token = page.request.post(
        server + "/api/v1/auth/token", data={"username": "admin", "password": "demo-pass-2026"}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    community = GRID_CODE[:-3]
    original = page.request.get(f"{server}/api/v1/regions/{GRID_CODE}", headers=headers).json()["name"]
    hostile = f'<img src=x onerror="window.__owned=1">{original}'
    assert page.request.patch(f"{server}/api/v1/regions/{GRID_CODE}", headers=headers, data={"name": hostile}).ok
    try:
        login(page, server, "admin")
        page.goto(f"{server}/regions/map/?code={community}")
        page.locator(f"#map[data-ready='{community}']").wait_for()
        assert hostile in page.inner_text(".leaflet-tooltip-pane")
        page.goto(f"{server}/dashboard/?region={community}")
        page.locator("#screen-map[data-ready='1']").wait_for()
        seen = ""
        for path in page.locator("#screen-map path.leaflet-interactive").all():
            path.hover(force=True)  # on a narrow map the labels show on hover
            seen += page.inner_text("#screen-map .leaflet-tooltip-pane")
        assert hostile in seen
        assert page.evaluate("window.__owned") is None
    finally:
        page.request.patch(f"{server}/api/v1/regions/{GRID_CODE}", headers=headers, data={"name": original})
