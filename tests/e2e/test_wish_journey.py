"""Journey on phones (390 px): a resident posts a 微心愿 with a photo from the 服务 menu; the community
secretary approves it for the wall; a neighbour claims it as a party member and fulfils it with a photo;
the resident confirms and thanks. The wall never shows the resident's name. Default language (zh-hans)."""

import io
import re

import pytest
from PIL import Image

from tests.e2e.conftest import no_sideways_scroll, shot

pytestmark = pytest.mark.e2e


def png(name: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 60, 40)).save(buffer, format="PNG")
    return {"name": f"{name}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_wish_from_posting_to_thanks_on_phones(phone, server):
    resident = phone("resident1")
    resident.click("button.navbar-toggler")
    resident.click("[data-testid=nav-services]")
    resident.wait_for_url(server + "/services/")
    resident.click("[data-testid=wish-new]")
    form = resident.locator("[data-testid=wish-form]")
    form.locator("#id_title").fill("一副老花镜")
    form.locator("#id_reason").fill("看报纸看不清了")
    form.locator("#id_photo").set_input_files(png("wish"))
    no_sideways_scroll(resident)
    resident.click("[data-testid=wish-submit]")
    resident.wait_for_url(re.compile(r".*/services/wishes/\d+/$"))
    wish_url = resident.url
    assert resident.inner_text("[data-testid=wish-status]") == "待审核"
    shot(resident, "resident1-wish-posted-390")

    secretary = phone("community1")
    secretary.goto(wish_url)
    secretary.click("[data-testid=wish-approve]")
    secretary.wait_for_url(wish_url)
    assert secretary.inner_text("[data-testid=wish-status]") == "待认领"

    member = phone("gridworker2")
    member.goto(server + "/services/")
    card = member.locator("[data-testid=wish-wall] [data-testid=wish-card]", has_text="一副老花镜").first
    assert "resident1" not in member.inner_text("[data-testid=wish-wall]")
    card.click()
    member.wait_for_url(wish_url)
    assert member.locator("[data-testid=wish-private]").count() == 0  # the neighbour sees no name or phone
    claim = member.locator("[data-testid=wish-claim-form]")
    claim.locator("#id_kind").select_option("member")
    claim.locator("#id_name").fill("张党员")
    member.click("[data-testid=wish-claim]")
    member.wait_for_url(wish_url)
    assert "张党员" in member.inner_text("[data-testid=wish-claimant]")
    fulfil = member.locator("[data-testid=wish-fulfil-form]")
    fulfil.locator("#f-photo").set_input_files(png("done"))
    fulfil.locator("#f-fnote").fill("已送到家中")
    member.click("[data-testid=wish-fulfil]")
    member.wait_for_url(wish_url)
    member.locator("[data-testid=wish-fulfil-photo]").wait_for()
    no_sideways_scroll(member)
    shot(member, "gridworker2-wish-fulfilled-390")

    resident.goto(wish_url)
    resident.fill("#f-thanks", "谢谢张党员！")
    resident.click("[data-testid=wish-confirm]")
    resident.wait_for_url(wish_url)
    assert resident.inner_text("[data-testid=wish-status]") == "已确认并致谢"
    assert "谢谢张党员" in resident.inner_text("[data-testid=wish-thanks]")
    no_sideways_scroll(resident)
    shot(resident, "resident1-wish-confirmed-390")
    for page in (resident, secretary, member):
        assert page.errors == []
