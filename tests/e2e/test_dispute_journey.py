"""Journey: a dispute from a case, on a phone. A resident reports a neighbour dispute (矛盾纠纷 › 邻里纠纷); the
grid worker registers it as a dispute from the case page in one step, records a mediation session and the
agreement, and sees the 化解率 of the grid change."""

import pytest

from tests.e2e.conftest import login, no_sideways_scroll, shot

pytestmark = pytest.mark.e2e

GRID = "329901001001001"  # gridworker1's and resident1's grid (demo town)
PASSWORD = "demo-pass-2026"


def _resolved(page, server) -> int:
    page.goto(f"{server}/mediation/rates/")
    row = page.locator(f"[data-testid=rate-row][data-key='{GRID}']")
    return int(row.locator("td").nth(4).inner_text().strip())


def test_a_grid_worker_mediates_a_dispute_from_a_case(page_for, server):
    errors = []
    worker = page_for(390, 844)
    worker.on("pageerror", lambda error: errors.append(str(error)))
    login(worker, server, "gridworker1")
    token = worker.request.post(
        f"{server}/api/v1/auth/token", data={"username": "resident1", "password": PASSWORD}
    ).json()["token"]
    lon, lat = worker.request.get(f"{server}/api/v1/regions/{GRID}").json()["center"]
    case = worker.request.post(
        f"{server}/api/v1/cases",
        data={"category": "1101", "description": "楼上装修噪音<b>扰民</b>，多次协商无果", "lon": lon, "lat": lat},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert case.status == 201, case.text()
    number = case.json()["number"]

    before = _resolved(worker, server)
    no_sideways_scroll(worker)

    worker.goto(f"{server}/cases/{number}/")
    worker.click("[data-testid=case-to-dispute]")
    worker.wait_for_selector("[data-testid=dispute-title]")
    assert worker.get_attribute("[data-testid=dispute-status]", "data-status") == "registered"
    assert "<b>扰民</b>" in worker.inner_text("[data-testid=dispute-summary]")  # markup shown as text
    no_sideways_scroll(worker)

    worker.click("[data-testid=dispute-actions] [data-action=session]")
    worker.fill("#id_session-place", "社区调解室")
    worker.fill("#id_session-notes", "双方到场，约定装修时段。")
    worker.click("[data-testid=submit-session]")
    worker.wait_for_selector("[data-testid=dispute-status][data-status=mediating]")

    worker.click("[data-testid=dispute-actions] [data-action=agree]")
    worker.fill("#id_agree-text", "装修仅在工作日8:00-18:00进行，楼上赔偿楼下清洁费200元。")
    worker.click("[data-testid=submit-agree]")
    worker.wait_for_selector("[data-testid=dispute-status][data-status=agreed]")
    assert "清洁费" in worker.inner_text("[data-testid=dispute-agreement]")
    assert worker.locator("[data-testid=dispute-timeline] li").count() == 4  # register, start, session, agree
    no_sideways_scroll(worker)
    shot(worker, "gridworker1-dispute-agreed-390")

    assert _resolved(worker, server) == before + 1
    row = worker.locator(f"[data-testid=rate-row][data-key='{GRID}']")
    assert row.evaluate("row => getComputedStyle(row).display") == "block"  # a card on a phone
    no_sideways_scroll(worker)
    assert errors == []
