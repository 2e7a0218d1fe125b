"""Intake pages: staff, residents and anonymous callers report; a retried form creates one case; grid
workers may solve on the spot; category chips and nearby duplicates come by HTMX."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.conftest import CATEGORY, GRID_1, GRID_2, ON_SPOT_CATEGORY, png, point_in
from wangge.cases.models import Case, CaseEvent


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_data(grid=GRID_1, category=CATEGORY, **extra):
    lon, lat = point_in(grid)
    data = {
        "category": category,
        "description": "路边堆了一大堆渣土",
        "lon": f"{lon:.6f}",
        "lat": f"{lat:.6f}",
        "address": "幸福路8号",
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(extra)
    return data


def test_the_intake_form_offers_grouped_categories_a_map_and_camera_photos(browser):
    html = browser("resident1").get("/cases/new/").content.decode()
    assert re.search(r'<optgroup label="[^"]+">', html)
    assert f'<option value="{CATEGORY}">' in html
    assert 'id="wg-intake-map"' in html
    # The photos field lets the phone offer its camera and its gallery alike (no capture: that would
    # allow the camera only); a second input without a name goes straight to the camera.
    photos = re.search(r'<input type="file" name="photos"[^>]*>', html).group(0)
    assert 'accept="image/*"' in photos and "multiple" in photos and "capture" not in photos
    camera = re.search(r'<input type="file" id="wg-photo-camera-input"[^>]*>', html).group(0)
    assert 'capture="environment"' in camera and "name=" not in camera
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)
    # Residents report as residents: no source, no urgency, no on-the-spot solving.
    for name in ("source", "urgent", "solved_on_spot", "contact_phone"):
        assert f'name="{name}"' not in html


def test_the_intake_form_goes_photos_then_place_then_words(browser):
    html = browser("resident1").get("/cases/new/").content.decode()
    order = [
        html.index(marker) for marker in ('name="photos"', 'id="wg-intake-map"', 'name="address"', 'name="description"')
    ]
    assert order == sorted(order)
    steps = re.findall(r'<section class="wg-step[^"]*" data-step="(\d)"', html)
    assert steps == ["1", "2", "3"]
    assert 'data-locate-url="/cases/locate/"' in html
    # Everything a script needs comes from static files and JSON data, never from an inline script.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag or 'type="application/json"' in tag for tag in scripts), scripts
    # The nearby open cases come last, just before sending.
    assert html.index('id="wg-nearby"') > html.index('name="description"')


def test_callers_without_an_account_leave_their_number_in_the_last_step(db):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/cases/report/").content.decode()
    words = html[html.index('data-step="3"') :]
    assert 'name="contact_phone"' in words and 'name="contact_name"' in words
    assert 'name="photos"' in html[: html.index('data-step="2"')]


def test_staff_choose_the_source_and_may_mark_urgent(browser):
    html = browser("operator").get("/cases/new/").content.decode()
    source = re.search(r'<select name="source".*?</select>', html, re.S).group(0)
    assert set(re.findall(r'value="(\w+)"', source)) == {"patrol", "hotline", "visit", "inspection", "other"}
    assert 'name="urgent"' in html
    assert 'name="solved_on_spot"' not in html  # only grid roles
    assert 'name="solved_on_spot"' in browser("gridworker1").get("/cases/new/").content.decode()


def test_a_resident_report_creates_the_case_and_goes_to_its_page_with_a_message(browser):
    client = browser("resident1")
    response = client.post("/cases/new/", {**form_data(source="hotline", urgent="on"), "photos": [png(), png("2.png")]})
    assert response.status_code == 302
    case = Case.objects.get(number=response["Location"].strip("/").rsplit("/", 1)[1])
    assert case.reporter.username == "resident1"
    assert (case.source, case.is_urgent, case.status) == ("resident", False, "reported")
    assert case.photos.count() == 2
    page = client.get(response["Location"])
    assert f"Case {case.number} was reported. Thank you." in page.content.decode()


def test_the_same_idempotency_key_posted_twice_creates_one_case(browser):
    client = browser("resident1")
    data = form_data()
    before = Case.objects.count()
    first = client.post("/cases/new/", data)
    second = client.post("/cases/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == before + 1
    assert "This report was already sent" in client.get(second["Location"]).content.decode()


def test_staff_reports_keep_source_urgency_and_the_caller(browser):
    response = browser("operator").post(
        "/cases/new/",
        form_data(source="hotline", urgent="on", contact_name="李先生", contact_phone="13912345678"),
    )
    assert response.status_code == 302
    case = Case.objects.latest("id")
    assert (case.source, case.is_urgent, case.reporter_name) == ("hotline", True, "李先生")
    assert case.contact_phone_masked.startswith("139") and "1234" not in case.contact_phone_masked


def test_a_file_that_is_not_an_image_is_refused_next_to_the_photos_field(browser):
    before = Case.objects.count()
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = browser("resident1").post("/cases/new/", {**form_data(), "photos": [fake]})
    assert response.status_code == 400
    error = re.search(r'data-testid="error-photos">([^<]*)<', response.content.decode())
    assert error and error.group(1) == "The file is not a JPEG, PNG or WebP image."
    assert Case.objects.count() == before


def test_at_most_nine_photos_per_report(browser):
    before = Case.objects.count()
    response = browser("resident1").post("/cases/new/", {**form_data(), "photos": [png(f"{i}.png") for i in range(10)]})
    assert response.status_code == 400
    assert "Attach at most 9 photos." in response.content.decode()
    assert Case.objects.count() == before


def test_missing_fields_are_shown_next_to_them(browser):
    response = browser("resident1").post("/cases/new/", {"idempotency_key": "k"})
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("description", "category", "location"):
        assert f'data-testid="error-{field}"' in html


def test_a_pin_far_outside_every_street_is_refused_at_the_pin(browser):
    response = browser("resident1").post("/cases/new/", form_data(lon="200", lat="95"))
    assert response.status_code == 400
    assert 'data-testid="error-location"' in response.content.decode()


def test_a_grid_worker_solves_on_the_spot_with_photos_before_and_after(browser):
    response = browser("gridworker1").post(
        "/cases/new/",
        {
            **form_data(category=ON_SPOT_CATEGORY, source="patrol"),
            "solved_on_spot": "on",
            "on_spot_note": "已现场清理",
            "photo_before": png("before.png"),
            "photo_after": png("after.png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.latest("id")
    assert case.status == "handled"
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["report", "solve_on_spot"]
    assert sorted(case.photos.values_list("kind", flat=True)) == ["photo_after", "photo_before"]


def test_solving_on_the_spot_needs_both_photos_and_creates_nothing_without(browser):
    before = Case.objects.count()
    response = browser("gridworker1").post(
        "/cases/new/",
        {**form_data(category=ON_SPOT_CATEGORY, source="patrol"), "solved_on_spot": "on", "photo_before": png()},
    )
    assert response.status_code == 400
    assert 'data-testid="error-photo_after"' in response.content.decode()
    assert Case.objects.count() == before


def test_solving_on_the_spot_is_refused_for_a_category_that_does_not_allow_it(browser):
    before = Case.objects.count()
    response = browser("gridworker1").post(
        "/cases/new/",
        {
            **form_data(category=CATEGORY, source="patrol"),
            "solved_on_spot": "on",
            "photo_before": png(),
            "photo_after": png("a.png"),
        },
    )
    assert response.status_code == 400
    assert 'data-testid="error-solved_on_spot"' in response.content.decode()
    assert Case.objects.count() == before


def test_solving_on_the_spot_outside_the_own_grid_creates_nothing(browser):
    before = Case.objects.count()
    response = browser("gridworker1").post(
        "/cases/new/",
        {
            **form_data(grid=GRID_2, category=ON_SPOT_CATEGORY, source="patrol"),
            "solved_on_spot": "on",
            "photo_before": png(),
            "photo_after": png("a.png"),
        },
    )
    assert response.status_code == 400
    assert 'data-testid="error-solved_on_spot"' in response.content.decode()
    assert Case.objects.count() == before


def test_an_anonymous_resident_must_leave_a_phone_and_then_gets_the_case_number(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/cases/report/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    response = client.post("/cases/report/", form_data(idempotency_key=key))
    assert response.status_code == 400
    assert 'data-testid="error-contact_phone"' in response.content.decode()

    response = client.post("/cases/report/", form_data(idempotency_key=key, contact_phone="13812345678"))
    assert response.status_code == 302 and response["Location"] == "/cases/report/done/"
    case = Case.objects.latest("id")
    assert case.reporter is None and case.source == "resident"
    done = client.get("/cases/report/done/").content.decode()
    assert case.number in done
    assert "/accounts/login/" in done
    # The case page itself needs an account.
    assert client.get(f"/cases/{case.number}/").status_code == 302


def test_the_done_page_without_a_report_goes_back_to_the_form(db):
    assert Client().get("/cases/report/done/")["Location"] == "/cases/report/"


def test_a_logged_in_user_on_the_anonymous_form_is_sent_to_the_full_one(browser):
    assert browser("resident1").get("/cases/report/")["Location"] == "/cases/new/"


def test_category_suggestions_come_as_at_most_three_chips(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/cases/suggest/", {"description": "路灯坏了，晚上一片漆黑"})
    assert response.status_code == 200
    chips = re.findall(r'data-category="(\d+)"', response.content.decode())
    assert 1 <= len(chips) <= 3
    assert len(set(chips)) == len(chips)
    assert Client().get("/cases/suggest/", {"description": ""}).content.decode().strip() == ""


def test_nearby_open_cases_of_the_same_category_are_listed_as_possible_duplicates(report, browser):
    existing = report(description="路边渣土堆积")
    lon, lat = point_in(GRID_1)
    html = browser("operator").get("/cases/nearby/", {"lon": lon, "lat": lat, "category": CATEGORY}).content.decode()
    assert existing.number in html
    assert "is this the same problem?" in html
    other = browser("operator").get("/cases/nearby/", {"lon": lon, "lat": lat, "category": "0108"})
    assert existing.number not in other.content.decode()
    # A resident sees only their own reports, never someone else's.
    mine = report("gridworker1", description="路边渣土堆积")
    html = browser("resident1").get("/cases/nearby/", {"lon": lon, "lat": lat, "category": CATEGORY}).content.decode()
    assert mine.number not in html
    assert browser("operator").get("/cases/nearby/", {"lon": "x"}).status_code == 200
