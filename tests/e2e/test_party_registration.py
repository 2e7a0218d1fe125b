"""Journey: 双报到 and the 双百 lists on a phone. The community secretary publishes a need; an in-service
member (the demo's ``partymember1``, a resident's account) registers with the community where they live,
claims the need and marks it done with a photo; the secretary confirms the registration and sees the claim
done and the hours."""

import io

import pytest
from PIL import Image

from tests.e2e.conftest import login, no_sideways_scroll, shot

pytestmark = pytest.mark.e2e

COMMUNITY = "329901001001"  # community1's community, where partymember1 lives (demo town, seed 2026)
TITLE = "帮独居老人取药"


def png() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 30)).save(buffer, format="PNG")
    return {"name": "done.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_member_registers_claims_and_completes_and_the_community_confirms(page_for, server):
    secretary = page_for(390, 844)
    errors = []
    secretary.on("pageerror", lambda error: errors.append(str(error)))
    login(secretary, server, "community1")
    secretary.goto(f"{server}/party/items/")
    form = secretary.locator("[data-testid=item-form]")
    form.locator("#id_community").select_option(COMMUNITY)
    form.locator("#id_kind").select_option("need")
    form.locator("#id_title").fill(TITLE)
    form.locator("button").click()
    secretary.wait_for_selector("[data-testid=item-title]")
    assert TITLE in secretary.inner_text("[data-testid=item-title]")
    no_sideways_scroll(secretary)

    member = page_for(390, 844)
    member.on("pageerror", lambda error: errors.append(str(error)))
    login(member, server, "partymember1")
    member.click("button.navbar-toggler")
    member.click("[data-testid=nav-party-mine]")
    member.wait_for_url(server + "/party/mine/")
    member.click("[data-testid=register]")
    member.wait_for_selector("[data-testid=registration-status]")
    assert "社区" in member.inner_text("[data-testid=registration-status]")
    member.get_by_role("link", name=TITLE).first.click()
    member.click("[data-testid=claim-self]")
    complete = member.locator("[data-testid=complete-form]")
    complete.wait_for()
    complete.locator("#id_note").fill("已送药到家")
    complete.locator("#id_hours").fill("1.5")
    complete.locator("#id_photo").set_input_files(png())
    complete.locator("button").click()
    member.wait_for_selector("[data-testid=claim-photo]")
    assert member.evaluate("document.querySelector('[data-testid=claim-photo]').naturalWidth") == 320
    no_sideways_scroll(member)
    shot(member, "partymember1-claim-done-390")

    secretary.goto(f"{server}/party/registrations/?community={COMMUNITY}")
    first_row = secretary.locator("[data-testid=registration-table] tbody tr").first  # the newest registration
    first_row.locator("button").click()
    secretary.wait_for_load_state()
    first_row = secretary.locator("[data-testid=registration-table] tbody tr").first
    assert first_row.locator("button").count() == 0  # confirmed
    assert "1.5" in first_row.inner_text()
    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"  # a card on a phone
    no_sideways_scroll(secretary)
    shot(secretary, "community1-registrations-390")
    assert errors == []
