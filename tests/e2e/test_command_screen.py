"""The command screen in headless Chromium against the real server with the demo town: it loads on a
1920×1080 wall display, a map click drills down, a tile leads to exactly its cases, the live feed is
filled by HTMX; on a phone it is one column without sideways scrolling. Screenshots in test-results/."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def chromium(browser):
    """The e2e session's browser: one Playwright per process."""
    return browser


def _page(browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def test_a_street_leader_runs_the_meeting_from_the_wall_screen(chromium, server):  # noqa: F811
    context, page = _page(chromium, 1920, 1080)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "leader")
    page.goto(server + "/dashboard/")
    page.wait_for_selector("[data-testid=screen][data-loaded='1']")
    page.wait_for_selector("#screen-map[data-ready='1']")
    page.wait_for_selector("[data-testid=feed-item]")
    for tile in ("reported", "closed", "open", "overdue"):
        assert re.fullmatch(r"[\d,]+", page.inner_text(f"[data-testid=tile-{tile}] .wg-tile-value"))
    assert page.locator("[data-testid=rate-response_rate]").count() == 1
    assert page.locator("[data-testid=ranking-children] [data-testid=rank-row]").count() > 3
    assert page.locator("#chart-trend canvas").count() == 1
    shot(page, "dashboard-screen-1920")

    # Early in a month the leader ranks the last 30 days instead: both rankings follow the switch.
    first_link = page.locator("[data-testid=ranking-children] [data-testid=rank-row] a[href*='figure=']").first
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the server's day
    assert f"date_from={today.replace(day=1).isoformat()}" in first_link.get_attribute("href")
    page.click("[data-testid=ranking-30d]")
    since = (today - timedelta(days=29)).isoformat()
    page.wait_for_selector(f"[data-testid=ranking-children] [data-testid=rank-row] a[href*='date_from={since}']")
    page.wait_for_selector(f"[data-testid=ranking-departments] [data-testid=rank-row] a[href*='date_from={since}']")
    assert "active" in page.get_attribute("[data-testid=ranking-30d]", "class")

    # The "open now" tile opens exactly its cases.
    open_now = int(page.inner_text("[data-testid=tile-open] .wg-tile-value").replace(",", ""))
    page.click("[data-testid=tile-open]")
    page.wait_for_selector("[data-testid=drill-total]")
    assert int(page.inner_text("[data-testid=drill-total]")) == open_now
    shot(page, "dashboard-drill")

    # Clicking a community on the map drills the whole screen down to it.
    page.goto(server + "/dashboard/")
    page.wait_for_selector("#screen-map[data-ready='1']")
    page.locator("#screen-map path.leaflet-interactive").first.click(force=True)
    page.wait_for_url(re.compile(r"/dashboard/\?region=\d+"))
    page.wait_for_selector("[data-testid=screen][data-loaded='1']")
    assert "社区" in page.inner_text("[data-testid=screen-node]")

    # Last month's bulletin is there (the demo makes it as the schedule would), with its Excel.
    page.goto(server + "/assessment/bulletins/")
    page.locator("[data-testid=bulletin-item]", has_text="湖滨街道").first.click()
    page.wait_for_selector("[data-testid=bulletin-ranking] tbody tr")
    assert "考核通报" in page.inner_text("[data-testid=bulletin-title]")
    with page.expect_download() as download:
        page.click("[data-testid=bulletin-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "assessment-bulletin")
    assert not errors, errors
    context.close()


def test_the_screen_fits_a_phone(chromium, server):  # noqa: F811
    context, page = _page(chromium, 390, 844)
    login(page, server, "community1")
    page.goto(server + "/dashboard/")
    page.wait_for_selector("[data-testid=screen][data-loaded='1']")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "dashboard-screen-phone")
    page.goto(server + "/dashboard/stats/")
    page.wait_for_selector("[data-testid=stats-table]")
    shot(page, "dashboard-stats-phone")
    context.close()
