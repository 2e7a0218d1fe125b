"""Journey on phones (390 px): the community secretary plans an activity starting soon at a service point;
a resident signs up from the 服务 menu; at the door the secretary's page shows the QR code, whose signed
address the resident opens and checks in with; the secretary sees the attendance. Default language."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

COMMUNITY = "329901001001"  # community1's community, resident1's home


def test_sign_up_and_check_in_at_the_door(phone, server):
    local = datetime.now(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0)
    secretary = phone("community1")
    secretary.goto(server + "/services/activities/new/")
    form = secretary.locator("[data-testid=activity-form]")
    form.locator("#id_kind").select_option("health")
    form.locator("#id_title").fill("免费测血压（演示）")
    form.locator("#id_region").select_option(COMMUNITY)
    form.locator("#id_point").select_option(index=1)
    form.locator("#id_starts_at").fill((local + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    form.locator("#id_ends_at").fill((local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    form.locator("#id_capacity").fill("20")
    form.locator("#id_organiser").fill("社区卫生服务站")
    form.locator("button").click()
    secretary.wait_for_url(re.compile(r".*/services/activities/\d+/$"))
    activity_url = secretary.url

    resident = phone("resident1")
    resident.click("button.navbar-toggler")
    resident.click("[data-testid=nav-services]")
    resident.click("[data-testid=tab-activities]")
    resident.locator("[data-testid=activity-list] a", has_text="免费测血压（演示）").click()
    resident.wait_for_url(activity_url)
    resident.click("[data-testid=signup]")
    resident.wait_for_url(activity_url)
    assert "报名成功" in resident.inner_text("[data-testid=my-signup]")

    secretary.reload()
    qr = secretary.locator("[data-testid=activity-qr]")
    qr.wait_for()
    assert secretary.evaluate("img => img.naturalWidth", qr.element_handle()) > 0  # the SVG QR code loaded
    checkin_url = secretary.locator("[data-testid=activity-staff] a[href*='/check-in/']").get_attribute("href")
    shot(secretary, "community1-activity-door-390")

    resident.goto(checkin_url)
    resident.click("[data-testid=checkin]")
    resident.wait_for_url(activity_url)
    assert "已签到" in resident.inner_text("[data-testid=my-signup]")
    width = resident.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    shot(resident, "resident1-activity-checked-in-390")

    secretary.reload()
    assert "已签到 1 人" in secretary.inner_text("[data-testid=activity-staff]")
