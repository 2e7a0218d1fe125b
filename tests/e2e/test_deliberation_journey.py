"""Journey: 有事好商量 on phones. A resident raises a topic; the community secretary accepts it, calls a
meeting at the 说事亭 with the topic on the agenda and every resident invited, and opens a vote; the resident
votes from their phone; the secretary closes the vote and records the decision as a case; the resident sees
the outcome (the decision, its case and the vote's result) on the topic's page."""

import pytest

from tests.e2e.conftest import login, no_sideways_scroll, shot

pytestmark = pytest.mark.e2e

TITLE = "单元门禁经常坏"


def test_a_resident_raises_a_topic_a_meeting_decides_and_the_resident_sees_the_case(page_for, server):
    errors = []
    resident = page_for(390, 844)
    resident.on("pageerror", lambda error: errors.append(str(error)))
    login(resident, server, "resident1")
    resident.click("button.navbar-toggler")
    resident.click("[data-testid=nav-deliberation]")
    resident.wait_for_url(server + "/deliberation/")
    no_sideways_scroll(resident)
    resident.click("[data-testid=topic-new]")
    form = resident.locator("[data-testid=topic-form]")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_description").fill("3号楼单元门禁<b>经常失灵</b>，外来人员随意进出。")
    form.locator("[data-testid=topic-save]").click()
    resident.wait_for_selector("[data-testid=topic-title]")
    topic_url = resident.url
    assert resident.inner_text("[data-testid=topic-status]").strip() in ("待受理", "Proposed")
    no_sideways_scroll(resident)

    secretary = page_for(390, 844)
    secretary.on("pageerror", lambda error: errors.append(str(error)))
    login(secretary, server, "community1")
    secretary.goto(topic_url)
    review = secretary.locator("[data-testid=review-form]")
    review.locator("#id_accept").select_option("1")
    review.locator("#id_reason").fill("涉及楼栋安全，提交议事会。")
    review.locator("[data-testid=review-save]").click()
    secretary.wait_for_selector("[data-testid=topic-reason]")

    secretary.goto(f"{server}/deliberation/meetings/new/")
    meeting = secretary.locator("[data-testid=meeting-form]")
    meeting.locator("#id_title").fill("百姓说事：单元门禁")
    meeting.locator("#id_place_kind").select_option("pavilion")
    meeting.locator("#id_place").fill("3号楼前百姓说事亭")
    meeting.locator("#id_starts_at").fill("2026-12-20T19:00")
    meeting.locator("#id_invite_residents").check()
    meeting.locator("#id_property_company").fill("红枫物业")
    meeting.get_by_label(TITLE, exact=False).check()
    no_sideways_scroll(secretary)
    meeting.locator("[data-testid=meeting-save]").click()
    secretary.wait_for_selector("[data-testid=meeting-title]")
    meeting_url = secretary.url
    assert TITLE in secretary.inner_text("[data-testid=agenda]")
    secretary.locator("[data-testid=vote-open-form] #id_question").fill("是否同意由物业更换门禁？")
    secretary.click("[data-testid=vote-open]")
    secretary.wait_for_selector("[data-testid=vote-close]")

    resident.goto(meeting_url)
    resident.click("[data-testid=attend]")
    resident.wait_for_selector("[data-testid=ballot-form]")
    resident.locator("[data-testid=ballot-form]").get_by_label("赞成").check()
    resident.click("[data-testid=ballot-submit]")
    resident.wait_for_selector("[data-testid=voted]")
    no_sideways_scroll(resident)

    secretary.reload()
    secretary.click("[data-testid=vote-close]")
    secretary.wait_for_selector("[data-testid=vote-result]")
    decision = secretary.locator("[data-testid=decision-form]")
    decision.locator("#id_text").fill("物业两周内更换3号楼单元门禁")
    decision.locator("#id_kind").select_option("case")
    decision.locator("#id_topic").select_option(label=TITLE)
    decision.locator("#id_category").fill("1403")
    decision.locator("#id_owner_name").fill("红枫物业")
    decision.locator("#id_due_on").fill("2027-01-10")
    decision.locator("[data-testid=decision-save]").click()
    secretary.wait_for_selector("[data-testid=decision-case]")
    case_number = secretary.inner_text("[data-testid=decision-case]").strip()
    no_sideways_scroll(secretary)

    resident.goto(topic_url)
    resident.wait_for_selector("[data-testid=topic-decision]")
    outcome = resident.inner_text("[data-testid=topic-decision]")
    assert "物业两周内更换3号楼单元门禁" in outcome and case_number in outcome
    assert resident.inner_text("[data-testid=topic-status]").strip() in ("已议决", "Decided")
    no_sideways_scroll(resident)
    shot(resident, "resident1-deliberation-outcome-390")
    resident.goto(meeting_url)
    assert "1" in resident.inner_text("[data-testid=vote-result]")
    assert errors == []
