"""Journey on a phone (390 px): a grid worker opens the household of an elderly resident living alone, records a
visit with a photo and the need found, sees both on the visit's page, turns the need into a 微心愿 for the
resident in one step and finds the wish linked on the visit (and the visit linked on the wish). Default
language (zh-hans)."""

import io
import re

import pytest
from PIL import Image

from tests.e2e.conftest import no_sideways_scroll, shot

pytestmark = pytest.mark.e2e

GRID_1 = "329901001001001"  # gridworker1's grid in the demo town
PHOTO = "img[src*='/patrols/visits/photos/']"


def png(name: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, format="PNG")
    return {"name": f"{name}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_visit_with_a_photo_and_its_need_turned_into_a_wish(phone, server):
    worker = phone("gridworker1")
    listed = worker.request.get(
        f"{server}/api/v1/persons", params={"label": "elderly_alone", "region": GRID_1, "size": 50}
    ).json()["items"]
    household = next(p["household_id"] for p in listed if p["household_id"])
    worker.goto(f"{server}/people/households/{household}/")
    worker.click("[data-testid=visit-new-link]")
    worker.wait_for_url(re.compile(r".*/patrols/visits/new/\?household=\d+$"))
    worker.fill("#id_people_met", "老人本人")
    worker.fill("#id_notes", "独居，身体尚可，腿脚不便。")
    worker.fill("#id_needs", "希望有人每周帮忙买药\n最好周三上午")
    worker.set_input_files("#visit-photos", png("visit"))
    no_sideways_scroll(worker)
    worker.click("[data-testid=visit-save]")
    worker.wait_for_url(re.compile(r".*/patrols/visits/\d+/$"))
    visit_url = worker.url
    assert "希望有人每周帮忙买药" in worker.inner_text("[data-testid=visit-facts]")
    assert worker.locator(PHOTO).count() == 1
    worker.wait_for_function(
        f'() => {{ const i = document.querySelector("{PHOTO}"); return i.complete && i.naturalWidth == 64; }}'
    )
    no_sideways_scroll(worker)
    shot(worker, "gridworker1-visit-390")

    worker.click("[data-testid=visit-wish]")  # one step: the need becomes the wish
    worker.wait_for_url(visit_url)
    link = worker.locator("[data-testid=visit-wish-link]")
    assert "希望有人每周帮忙买药" in link.inner_text() and "待审核" in link.inner_text()
    assert worker.locator("[data-testid=visit-wish]").count() == 0
    no_sideways_scroll(worker)
    link.click()
    worker.wait_for_url(re.compile(r".*/services/wishes/\d+/$"))
    assert worker.inner_text("[data-testid=wish-status]") == "待审核"
    assert "最好周三上午" in worker.inner_text("main")
    worker.click("[data-testid=wish-visit]")
    worker.wait_for_url(visit_url)
    assert worker.errors == []
    shot(worker, "gridworker1-visit-wish-390")
