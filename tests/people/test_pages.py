"""The ledger pages: every page renders for a grid worker, in Chinese by default; the navbar shows the
ledger only to roles that read it; forms create and edit through the services and never echo a
personal number."""

import pytest

from tests.people.conftest import id_number
from wangge.people.models import Building, Compound, Person, PersonLabel

PAGES = [
    "/people/",
    "/people/?region=329901001001001",
    "/people/persons/",
    "/people/persons/?label=disability",
    "/people/persons/new/",
    "/people/persons/new/?household={h}",
    "/people/persons/{p}/",
    "/people/persons/{p}/edit/",
    "/people/persons/{p}/labels/new/",
    "/people/persons/{p}/labels/new/?kind=severe_mental_disorder",
    "/people/labels/{label}/edit/",
    "/people/households/{h}/",
    "/people/households/{h}/edit/",
    "/people/households/new/?house={house}",
    "/people/buildings/",
    "/people/buildings/?region=329901001001001",
    "/people/buildings/new/",
    "/people/buildings/{b}/",
    "/people/buildings/{b}/edit/",
    "/people/houses/{house}/",
    "/people/houses/{house}/edit/",
    "/people/compounds/new/",
    "/people/organisations/",
    "/people/organisations/new/",
    "/people/facilities/",
    "/people/facilities/new/",
    "/people/import/",
]


def url(ledger, page: str) -> str:
    return page.format(
        p=ledger.person1.pk,
        h=ledger.household1.pk,
        house=ledger.house1.pk,
        b=ledger.building1.pk,
        label=ledger.label1.pk,
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_chinese_by_default(ledger, browser, page):
    response = browser("gridworker1", language="zh-hans").get(url(ledger, page))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert 'data-testid="nav-ledger"' in html
    assert "基础数据" in html


@pytest.mark.parametrize("page", ["/people/", "/people/persons/", "/people/persons/{p}/", "/people/buildings/{b}/"])
@pytest.mark.parametrize("persona", ["resident1", "department1", "outsider"])
def test_roles_that_do_not_read_the_ledger_get_403(ledger, browser, page, persona):
    assert browser(persona).get(url(ledger, page)).status_code == 403


def test_the_navbar_shows_the_ledger_only_to_readers(ledger, browser):
    assert 'data-testid="nav-ledger"' in browser("leader").get("/home/").content.decode()
    assert 'data-testid="nav-ledger"' not in browser("resident1").get("/home/").content.decode()


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get("/people/persons/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_creating_a_person_through_the_form(ledger, browser):
    number = id_number(seq=71)
    response = browser("gridworker1").post(
        f"/people/persons/new/?household={ledger.household1.pk}",
        {
            "name": "王小明", "id_type": "resident_id", "id_number": number, "phone": "13612341234",
            "population_type": "registered", "political_status": "masses", "status": "living_here",
            "household": ledger.household1.pk, "house": ledger.house1.pk, "relation": "grandchild",
        },
    )  # fmt: skip
    person = Person.objects.get(name="王小明")
    assert response.status_code == 302
    assert response["Location"] == f"/people/persons/{person.pk}/"
    assert (person.household_id, person.relation, person.reveal_pii("phone")) == (
        ledger.household1.pk,
        "grandchild",
        "13612341234",
    )


def test_a_refused_form_names_the_field_and_does_not_echo_the_number(ledger, browser):
    wrong = ledger.id1[:17] + ("0" if ledger.id1[17] != "0" else "1")
    response = browser("gridworker1").post(
        "/people/persons/new/",
        {
            "name": "错号", "id_type": "resident_id", "id_number": wrong, "phone": "1361234abcd",
            "population_type": "registered", "political_status": "masses", "status": "living_here", "house": ledger.house1.pk,
        },
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="field-error-id_number">The check digit (the last character) of the ID number is wrong' in html
    assert 'data-testid="field-error-phone">A phone number holds digits only' in html
    assert wrong not in html
    assert "1361234abcd" not in html


def test_editing_keeps_the_numbers_when_their_boxes_are_left_empty(ledger, browser):
    client = browser("gridworker1")
    form = client.get(f"/people/persons/{ledger.person1.pk}/edit/").content.decode()
    assert f'placeholder="{ledger.person1.id_number_masked} (unchanged when left empty)"' in form
    response = client.post(
        f"/people/persons/{ledger.person1.pk}/edit/",
        {
            "name": "王建国", "id_type": "resident_id", "id_number": "", "phone": "", "population_type": "registered",
            "political_status": "party_member", "status": "living_here", "relation": "head",
            "household": ledger.household1.pk, "house": ledger.house1.pk,
        },
    )  # fmt: skip
    assert response.status_code == 302
    person = Person.objects.get(pk=ledger.person1.pk)
    assert person.political_status == "party_member"
    assert person.reveal_pii("id_number") == ledger.id1
    assert person.reveal_pii("phone") == ledger.phone1


def test_adding_a_label_with_its_fields(ledger, browser):
    client = browser("gridworker1")
    form = client.get(f"/people/persons/{ledger.person1b.pk}/labels/new/?kind=severe_mental_disorder").content.decode()
    assert 'name="details__risk_level"' in form
    response = client.post(
        f"/people/persons/{ledger.person1b.pk}/labels/new/",
        {"kind": "severe_mental_disorder", "details__risk_level": "2", "details__guardian_name": "王建国"},
    )
    assert response.status_code == 302
    label = PersonLabel.objects.get(person=ledger.person1b, kind="severe_mental_disorder")
    assert label.details == {"risk_level": 2, "guardian_name": "王建国"}
    refused = client.post(
        f"/people/persons/{ledger.person1b.pk}/labels/new/", {"kind": "disability", "details__category": "visual"}
    )
    assert refused.status_code == 400
    assert "Level (1 most severe – 4)" in refused.content.decode()


def test_creating_a_compound_and_a_building_with_its_houses(ledger, browser):
    client = browser("gridworker1")
    client.post("/people/compounds/new/", {"name": "页面花园", "region": "329901001001001"})
    compound = Compound.objects.get(name="页面花园")
    response = client.post(
        "/people/buildings/new/",
        {
            "compound": compound.pk,
            "name": "2幢",
            "use": "residential",
            "floors": 6,
            "units": 2,
            "rooms_per_floor": 2,
            "region": "329901001001001",
        },
    )
    building = Building.objects.get(compound=compound, name="2幢")
    assert response["Location"] == f"/people/buildings/{building.pk}/"
    assert building.houses.count() == 24


def test_the_person_search_posts_and_pages(ledger, browser):
    client = browser("community1")
    first = client.post("/people/persons/", {"name": "", "page": 1}).content.decode()
    assert 'name="page" value="2" form="wg-search"' in first
    second = client.post("/people/persons/", {"page": 2}).content.decode()
    assert "Page 2 of" in second
    by_label = client.post("/people/persons/", {"label": "disability", "page": 1}).content.decode()
    assert "王建国" in by_label


def test_a_person_without_a_house_is_placed_in_a_chosen_grid(ledger, browser):
    response = browser("gridworker1").post(
        "/people/persons/new/",
        {
            "name": "人户分离者", "id_type": "resident_id", "id_number": id_number(seq=72), "population_type": "separated",
            "political_status": "masses", "status": "living_here", "region": "329901001001001",
        },
    )  # fmt: skip
    assert response.status_code == 302
    person = Person.objects.get(name="人户分离者")
    assert (person.house_id, person.region.code, person.population_type) == (None, "329901001001001", "separated")
