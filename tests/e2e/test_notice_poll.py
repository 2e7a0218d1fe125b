"""Journey: a notice with an opinion poll on a phone. The community secretary publishes a notice with a poll
to the first grid; the grid's resident opens it from the 公开 entry, answers the poll; the secretary sees the
read rate of the grid and the poll's counts."""

import pytest

from tests.e2e.conftest import login, no_sideways_scroll, shot

pytestmark = pytest.mark.e2e

GRID = "329901001001001"  # resident1's grid (demo town, seed 2026)
TITLE = "关于楼道加装照明的意见征集"


def test_a_resident_answers_a_poll_and_the_publisher_sees_the_rate_and_results(page_for, server):
    errors = []
    secretary = page_for(390, 844)
    secretary.on("pageerror", lambda error: errors.append(str(error)))
    login(secretary, server, "community1")
    secretary.goto(f"{server}/notices/new/")
    form = secretary.locator("[data-testid=notice-form]")
    form.locator("#id_kind").select_option("residents")
    form.locator("#id_region").select_option(GRID)
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_body").fill("拟在楼道加装感应灯。<b>请发表意见</b>")
    form.locator("#id_question_1").fill("您是否同意？")
    form.locator("#id_question_1_choices").fill("同意\n不同意")
    form.locator("[data-testid=notice-save]").click()
    secretary.wait_for_selector("[data-testid=read-rate-table]")
    no_sideways_scroll(secretary)

    resident = page_for(390, 844)
    resident.on("pageerror", lambda error: errors.append(str(error)))
    login(resident, server, "resident1")
    resident.click("button.navbar-toggler")
    resident.click("[data-testid=nav-notices]")
    resident.wait_for_url(server + "/notices/")
    resident.get_by_role("link", name=TITLE).first.click()
    resident.wait_for_selector("[data-testid=notice-body]")
    assert "<b>请发表意见</b>" in resident.inner_text("[data-testid=notice-body]")  # markup shown as text
    poll = resident.locator("[data-testid=poll-form]")
    poll.get_by_label("同意", exact=True).check()
    no_sideways_scroll(resident)
    poll.locator("[data-testid=poll-submit]").click()
    resident.wait_for_selector("[data-testid=poll-answered]")
    no_sideways_scroll(resident)
    shot(resident, "resident1-notice-poll-answered-390")

    secretary.reload()
    row = secretary.locator("[data-testid=read-rate-table] tbody tr").first
    assert row.evaluate("row => getComputedStyle(row).display") == "block"  # a card on a phone
    assert row.locator("td").nth(2).inner_text().strip() == "1"  # readers: the resident
    agreed = secretary.locator("[data-testid=poll-result] tr").first
    assert (
        agreed.locator("td").nth(0).inner_text() == "同意" and agreed.locator("td").nth(1).inner_text().strip() == "1"
    )
    assert secretary.inner_text("[data-testid=poll-responses]").startswith("1")
    no_sideways_scroll(secretary)
    shot(secretary, "community1-notice-results-390")
    assert errors == []
