"""Household visits: recording in reach (404 outside), a need turned into a case, overdue lists with the
stricter interval for labelled people, the portrait panel, pages."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.cases.conftest import CATEGORY, png
from tests.patrols.conftest import GRID_1, GRID_2
from wangge.accounts.models import User
from wangge.patrols import selectors, services
from wangge.patrols.models import Visit
from wangge.people.models import Household, Person, PersonLabel
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db


def household_in(code: str) -> Household:
    path = Region.objects.get(code=code).path
    return Household.objects.filter(region_path__startswith=path).order_by("id").first()


def test_record_a_visit_and_read_it_back(caller):
    household = household_in(GRID_1)
    api = caller("gridworker1")
    response = api.post(
        "/visits",
        {
            "household_id": household.pk,
            "visited_on": str(timezone.localdate()),
            "people_met": "户主",
            "notes": "老人腿脚不便\n楼道灯坏了",
            "needs": "楼道灯维修",
        },
    )
    assert response.status_code == 201, response.content
    visit = response.json()
    assert visit["household_id"] == household.pk and visit["case"] is None
    listed = api.get("/visits", {"household": household.pk}).json()["items"]
    assert [v["id"] for v in listed] == [visit["id"]]
    assert api.get(f"/visits/{visit['id']}").status_code == 200
    assert caller("gridworker2").get(f"/visits/{visit['id']}").status_code == 404


def test_a_household_out_of_reach_is_404(caller):
    response = caller("gridworker1").post(
        "/visits", {"household_id": household_in(GRID_2).pk, "visited_on": str(timezone.localdate())}
    )
    assert response.status_code == 404


def test_a_visit_names_a_household_or_a_person(caller):
    response = caller("gridworker1").post("/visits", {"visited_on": str(timezone.localdate())})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "household_id"


def test_a_visit_cannot_be_in_the_future(caller):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = caller("gridworker1").post(
        "/visits", {"household_id": household_in(GRID_1).pk, "visited_on": str(tomorrow)}
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "visited_on"


def test_a_need_becomes_a_case_linked_back(caller):
    household = household_in(GRID_1)
    api = caller("gridworker1")
    visit = api.post(
        "/visits", {"household_id": household.pk, "visited_on": str(timezone.localdate()), "needs": "楼道灯坏了"}
    ).json()
    assert caller("gridchief1").post(f"/visits/{visit['id']}/case", {"category": CATEGORY}).status_code == 403
    answer = api.post(f"/visits/{visit['id']}/case", {"category": CATEGORY})
    assert answer.status_code == 201, answer.content
    number = answer.json()["case"]
    assert number
    stored = Visit.objects.select_related("case").get(pk=visit["id"])
    assert stored.case.household_id == household.pk and stored.case.description == "楼道灯坏了"
    again = api.post(f"/visits/{visit['id']}/case", {"category": CATEGORY})
    assert again.json()["case"] == number  # one case per visit


def test_overdue_households_and_the_stricter_interval_for_labelled_people(settings):
    settings.VISIT_EVERY_DAYS = 30
    settings.VISIT_EVERY_DAYS_LABELLED = 7
    worker = User.objects.get(username="gridworker1")
    today = date(2026, 11, 30)
    path = Region.objects.get(code=GRID_1).path
    plain, labelled = (
        Household.objects.filter(region_path__startswith=path).exclude(members__labels__isnull=False).order_by("id")[:2]
    )
    person = Person.objects.filter(household=labelled).first()
    PersonLabel.objects.create(person=person, kind="elderly_alone", region_path=person.region_path)
    for household in (plain, labelled):
        Visit.objects.create(
            worker=worker, household=household, region_path=household.region_path, visited_on=today - timedelta(days=10)
        )
    due = set(selectors.overdue_households(worker, today=today).values_list("pk", flat=True))
    assert labelled.pk in due and plain.pk not in due
    others = set(
        Household.objects.filter(region_path__startswith=path)
        .exclude(pk__in=[plain.pk, labelled.pk])
        .values_list("pk", flat=True)
    )
    assert others <= due  # never visited
    assert not due - set(Household.objects.filter(region_path__startswith=path).values_list("pk", flat=True))


def test_the_household_page_lists_its_visits(browser):
    household = household_in(GRID_1)
    worker = User.objects.get(username="gridworker1")
    services.record_visit(actor=worker, household=household.pk, visited_on=timezone.localdate(), notes="一切安好")
    page = browser("gridworker1").get(f"/people/households/{household.pk}/")
    assert page.status_code == 200
    assert b'data-testid="portrait-visits"' in page.content and "一切安好".encode() in page.content


def test_record_a_visit_with_a_photo_and_report_from_the_page(browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    household = household_in(GRID_1)
    client = browser("gridworker1")
    assert client.get(f"/patrols/visits/new/?household={household.pk}").status_code == 200
    assert client.get(f"/patrols/visits/new/?household={household_in(GRID_2).pk}").status_code == 404
    response = client.post(
        "/patrols/visits/new/",
        {"household": household.pk, "visited_on": str(timezone.localdate()), "needs": "需要助餐", "photos": png()},
    )
    assert response.status_code == 302, response.content[:500]
    visit = Visit.objects.get(household=household)
    assert visit.photos.count() == 1
    photo = visit.photos.get()
    assert client.get(f"/patrols/visits/photos/{photo.pk}/").status_code == 200
    assert browser("gridworker2").get(f"/patrols/visits/photos/{photo.pk}/").status_code == 404
    done = client.post(f"/patrols/visits/{visit.pk}/", {"category": CATEGORY, "description": ""})
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.case_id
    listing = client.get("/patrols/visits/")
    assert listing.status_code == 200 and b'data-testid="overdue-table"' in listing.content


def test_photos_are_added_to_a_visit_through_the_api_and_open_with_the_token(caller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    household = household_in(GRID_1)
    api = caller("gridworker1")
    made = api.post("/visits", {"household_id": household.pk, "visited_on": str(timezone.localdate())}).json()
    url = f"/api/v1/visits/{made['id']}/photos"
    headers = api.headers
    answer = api.client.post(url, {"photos": [png("a.png"), png("b.png")]}, **headers)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["photos"] == 2 and len(body["photo_urls"]) == 2
    opened = api.client.get(body["photo_urls"][0], **headers)
    assert opened.status_code == 200 and opened["Content-Type"] == "image/png"
    # the shared upload guard refuses what is not an image, naming the field
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    refused = api.client.post(url, {"photos": [fake]}, **headers)
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "photos"
    # at most six per visit
    too_many = api.client.post(url, {"photos": [png(f"{n}.png") for n in range(5)]}, **headers)
    assert too_many.status_code == 400
    # only the worker who made the visit; out of reach is absent
    other = caller("leader").client.post(url, {"photos": [png()]}, **caller("leader").headers)
    assert other.status_code == 403
    assert (
        caller("gridworker2").client.post(url, {"photos": [png()]}, **caller("gridworker2").headers).status_code == 404
    )
    assert api.client.post(url, {}, **headers).status_code == 400  # none sent
    assert Visit.objects.get(pk=made["id"]).photos.count() == 2


def test_the_visit_form_offers_today_in_the_form_a_date_input_takes(browser):
    household = household_in(GRID_1)
    page = browser("gridworker1", language="zh-hans").get(f"/patrols/visits/new/?household={household.pk}")
    assert f'type="date" name="visited_on" value="{timezone.localdate():%Y-%m-%d}"' in page.content.decode()


def test_the_visit_form_opened_without_a_household_leads_to_the_visits_page(browser):
    client = browser("gridworker1")
    response = client.get("/patrols/visits/new/")
    assert response.status_code == 302 and response["Location"] == "/patrols/visits/"
    assert client.post("/patrols/visits/new/", {"visited_on": "2026-12-07"})["Location"] == "/patrols/visits/"
    assert Visit.objects.filter(worker__username="gridworker1", visited_on="2026-12-07").count() == 0
    assert "Pick the household to visit" in client.get("/patrols/visits/").content.decode()
    chinese = browser("gridworker1", language="zh-hans")
    chinese.get("/patrols/visits/new/")
    assert "请选择要走访的住户" in chinese.get("/patrols/visits/").content.decode()
