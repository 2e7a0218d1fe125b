"""Journey: a resident reports a problem with a photo on a phone; the command centre accepts and
dispatches it; the department signs for it and feeds back with photos; the grid worker verifies it;
the operator closes it and the resident rates it. Everything in the default language (zh-hans)."""

import io
import re

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import PHONE, login, shot

pytestmark = pytest.mark.e2e

GRID_CODE = "329901001001001"  # resident1's and gridworker1's grid in the demo town
CATEGORY = "0602"  # 积存垃圾渣土: street level, city management (department1), photos before and after


def png(text: str, color=(180, 40, 30)) -> dict:
    image = Image.new("RGB", (480, 360), color)
    ImageDraw.Draw(image).rectangle((60, 60, 420, 300), outline=(255, 255, 255), width=8)
    ImageDraw.Draw(image).text((90, 160), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"name": f"{text}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def act(page, server, number: str, action: str, *, fill=None, files=None, expect_status: str, shot_name=None):
    """Open the case, press the action's button, fill its small form and confirm."""
    page.goto(f"{server}/cases/{number}/")
    page.locator(f"[data-testid=action-buttons] [data-action={action}]").click()
    page.locator(f"#act-{action}.collapse.show").wait_for()  # opened, not still sliding open
    form = page.locator(f"[data-testid=form-{action}]")
    for selector, value in (fill or {}).items():
        form.locator(selector).fill(value)
    for selector, value in (files or {}).items():
        form.locator(selector).set_input_files(value)
    if shot_name:
        shot(page, shot_name)
    form.locator(f"[data-testid=submit-{action}]").click()
    page.locator(f"[data-testid=case-status][data-status={expect_status}]").wait_for()
    assert page.locator(".alert-success").count() == 1


def test_a_report_goes_from_the_resident_through_the_centre_and_back(signed_in, server):
    # resident1, on a phone, at a spot inside their grid (the browser shares its position).
    probe = signed_in("resident1", phone=True)
    center = probe.request.get(f"{server}/api/v1/regions/{GRID_CODE}").json()["center"]
    # The suggester trains on its first use: once here, so that the chips later come as they do in use.
    warm = probe.request.get(f"{server}/cases/suggest/", params={"description": "路边渣土"}, timeout=180_000)
    assert 'data-testid="suggestion"' in warm.text()
    resident = signed_in("resident1", phone=True, geolocation={"longitude": center[0], "latitude": center[1]})
    requests = []
    resident.on("request", lambda r: requests.append(r.url))

    resident.goto(server + "/cases/new/")
    resident.locator("#wg-intake.wg-stepped").wait_for()
    steps = {n: resident.locator(f"[data-testid=step-{n}]") for n in ("photos", "place", "words")}
    # Step 1, the photos, alone on the screen: two chosen, one taken away again.
    assert [steps[n].is_visible() for n in steps] == [True, False, False]
    resident.set_input_files("#id_photos", [png("report"), png("extra", (30, 60, 160))])
    resident.locator("[data-testid=photo-thumbs][data-count='2'] img").first.wait_for()
    resident.locator("[data-testid=photo-thumbs] li").nth(1).locator("button").click()
    resident.locator("[data-testid=photo-thumbs][data-count='1']").wait_for()
    assert resident.evaluate("document.getElementById('id_photos').files.length") == 1
    shot(resident, "case-journey-1a-photos-phone")
    resident.click("[data-testid=next-1]")
    # The phone's back key goes back a step, not away from the page and its photos.
    resident.go_back()
    assert steps["photos"].is_visible() and resident.url.endswith("/cases/new/")
    assert resident.evaluate("document.getElementById('id_photos').files.length") == 1
    resident.click("[data-testid=next-1]")

    # Step 2, the place: the phone's position puts the pin, the address is filled from it.
    assert [steps[n].is_visible() for n in steps] == [False, True, False]
    pin = resident.locator(f"#wg-intake-map[data-pin='{center[0]:.6f},{center[1]:.6f}']")
    pin.wait_for(state="attached")
    resident.locator(f"[data-testid=place-region][data-region^='{GRID_CODE}']").wait_for(state="attached")
    assert resident.input_value("#id_address").strip() != ""
    # A position outside every region served is refused at this step, and the step does not go on.
    resident.context.set_geolocation({"longitude": 100.0, "latitude": 10.0})
    resident.click("#wg-locate")
    resident.locator("[data-testid=place-refused]").wait_for()
    assert "服务范围" in resident.inner_text("[data-testid=place-refused]")
    resident.click("[data-testid=next-2]")
    assert steps["place"].is_visible() and not steps["words"].is_visible()
    resident.context.set_geolocation({"longitude": center[0], "latitude": center[1]})
    resident.click("#wg-locate")
    pin.wait_for(state="attached")
    resident.locator("[data-testid=place-refused]").wait_for(state="hidden")
    resident.fill("#id_address", "幸福路8号东门")
    shot(resident, "case-journey-1b-place-phone")
    resident.click("[data-testid=next-2]")

    # Step 3, a few words: the classifier's chips arrive by HTMX and the best one is preselected; the
    # full list stays one tap away.
    assert [steps[n].is_visible() for n in steps] == [False, False, True]
    resident.fill("#id_description", "小区东门路边堆了一大堆渣土和建筑垃圾，好几天没人清理")
    chips = resident.locator("[data-testid=suggestion]")
    chips.first.wait_for()
    assert 1 <= chips.count() <= 3
    resident.locator("[data-testid=category-chosen]").wait_for()
    assert resident.locator("#id_category").input_value() == chips.first.get_attribute("data-category")
    assert not resident.locator("#id_category").is_visible()
    resident.click("[data-testid=category-change]")
    resident.select_option("#id_category", CATEGORY)
    shot(resident, "case-journey-1c-words-phone")
    resident.click("[data-testid=submit-report]")
    resident.wait_for_url(re.compile(r".*/cases/\d{6}-\d{8}-\d{4}/$"))
    number = resident.url.rstrip("/").rsplit("/", 1)[1]
    assert resident.locator(".alert-success").count() == 1
    assert resident.locator("[data-testid=case-status]").get_attribute("data-status") == "reported"
    assert resident.locator("[data-testid=action-buttons]").count() == 0  # nothing for a reporter to do yet
    assert resident.locator("[data-testid=case-photos] img").count() == 1
    assert "幸福路8号东门" in resident.inner_text("main")
    resident.locator("#wg-case-map[data-ready='1']").wait_for()
    shot(resident, "case-journey-2-reported-phone")
    # Nothing leaves the server (the photo previews are the page's own in-memory blob: URLs).
    outside = [u for u in requests if not u.startswith((server, f"blob:{server}/"))]
    assert not outside, outside

    # Someone at the centre about to report the same thing is shown the open case nearby.
    intake = signed_in("operator", geolocation={"longitude": center[0], "latitude": center[1]})
    intake.goto(server + "/cases/new/")
    intake.locator(f"#wg-intake-map[data-pin='{center[0]:.6f},{center[1]:.6f}']").wait_for(state="attached")
    intake.fill("#id_description", "路边渣土")
    intake.locator("[data-testid=suggestion]").first.wait_for()
    if intake.locator("[data-testid=category-change]").is_visible():
        intake.click("[data-testid=category-change]")
    intake.select_option("#id_category", CATEGORY)
    intake.locator(f"[data-testid=nearby-list] a[href='/cases/{number}/']").wait_for()
    shot(intake, "case-journey-3-operator-intake-nearby")

    operator = signed_in("operator")
    operator.goto(server + "/cases/")
    operator.locator(f"[data-testid=case-row][data-number='{number}']").wait_for()
    shot(operator, "case-journey-3-operator-worklist")
    act(operator, server, number, "accept", fill={"textarea": "属实，受理"}, expect_status="accepted")

    dispatcher = signed_in("dispatcher")
    dispatcher.goto(f"{server}/cases/{number}/")
    dispatcher.locator("[data-testid=action-buttons] [data-action=dispatch]").click()
    department_select = dispatcher.locator("[data-testid=form-dispatch] select[name='dispatch-department']")
    assert "区城市管理局" in department_select.locator("option:checked").inner_text()  # the category's default
    act(
        dispatcher,
        server,
        number,
        "dispatch",
        fill={"textarea": "请城管执法队清运"},
        expect_status="dispatched",
        shot_name="case-journey-4-dispatch-form",
    )

    department = signed_in("department1")
    act(department, server, number, "sign", expect_status="in_progress")
    act(
        department,
        server,
        number,
        "feedback",
        fill={"textarea": "已清运完毕，现场恢复整洁"},
        files={
            "input[name='feedback-photo_before']": png("before"),
            "input[name='feedback-photo_after']": png("after", (30, 140, 60)),
        },
        expect_status="handled",
        shot_name="case-journey-5-feedback-form",
    )

    gridworker = signed_in("gridworker1", phone=True)
    act(gridworker, server, number, "verify_pass", fill={"textarea": "现场核实已清理"}, expect_status="verified")
    shot(gridworker, "case-journey-6-verified-phone")

    act(operator, server, number, "close", fill={"textarea": "结案"}, expect_status="closed")

    resident.goto(server + "/home/")
    assert int(resident.locator("[data-testid=inbox-badge]").inner_text().split()[0]) >= 1
    resident.goto(server + "/inbox/")
    assert number in resident.inner_text("[data-testid=messages]")
    shot(resident, "case-journey-7-inbox-phone")
    resident.goto(f"{server}/cases/{number}/")
    resident.locator("[data-testid=action-buttons] [data-action=rate]").click()
    resident.locator("#act-rate.collapse.show").wait_for()
    rate = resident.locator("[data-testid=form-rate]")
    rate.locator("label[for='id_rate-speed_0']").click()  # 5 stars
    rate.locator("label[for='id_rate-result_1']").click()  # 4 stars
    rate.locator("textarea").fill("处理很及时，谢谢")
    shot(resident, "case-journey-8-rate-phone")
    rate.locator("[data-testid=submit-rate]").click()
    resident.locator("[data-testid=case-status][data-status=rated]").wait_for()
    assert "5/5" in resident.inner_text("[data-testid=case-rating]")
    actions = resident.locator("[data-testid=timeline] li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["report", "accept", "dispatch", "sign", "feedback", "verify_pass", "close", "rate"]
    assert resident.locator("[data-testid=timeline] [data-testid=photo]").count() == 3
    shot(resident, "case-journey-9-rated-phone")

    resident.goto(server + "/cases/?box=mine")
    resident.locator(f"[data-testid=case-list] a[href='/cases/{number}/']").wait_for()
    shot(resident, "case-journey-10-my-reports-phone")


def test_the_command_centre_worklist_on_a_big_screen_and_in_english(browser, server):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        page = context.new_page()
        login(page, server, "dutychief")
        page.goto(server + "/cases/?box=overdue")
        page.locator("[data-testid=case-table]").wait_for()
        assert page.locator("[data-testid=case-row][data-warning=red]").count() >= 1
        shot(page, "case-worklist-dutychief-overdue-1920")
        with page.expect_navigation():  # the select posts its form on change
            page.select_option("#wg-language", "en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Overdue" in page.inner_text("[data-testid=worklist-tabs]")
        page.locator("[data-testid=case-row] a").first.click()
        page.locator("#wg-case-map[data-ready='1']").wait_for()
        shot(page, "case-detail-dutychief-en-1920")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_the_report_page_shows_one_step_on_a_phone_and_all_three_on_a_laptop(browser, server, language):
    for name, viewport in (("phone", PHONE), ("laptop", {"width": 1366, "height": 900})):
        context = browser.new_context(viewport=viewport, locale=language, is_mobile=name == "phone")
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            login(page, server, "resident1")
            page.goto(server + "/cases/new/")
            page.locator("#wg-intake.wg-stepped [data-testid=place-region][data-region]").wait_for(state="attached")
            assert page.locator("html").get_attribute("lang") == ("zh-hans" if language == "zh-CN" else "en")
            shown = [page.locator(f"[data-testid=step-{n}]").is_visible() for n in ("photos", "place", "words")]
            assert shown == ([True, False, False] if name == "phone" else [True, True, True])
            assert page.locator("[data-testid=stepper]").is_visible() == (name == "phone")
            shot(page, f"case-report-{name}-{language}")
            if name == "phone":
                for step in (1, 2):
                    page.click(f"[data-testid=next-{step}]")
                    shot(page, f"case-report-{name}-{language}-step{step + 1}")
        finally:
            context.close()
