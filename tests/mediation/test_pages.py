"""The dispute pages: markup shown as text, numbers masked in the list, the detail and the Excel export; the
case page's button registers a 矛盾纠纷 case as a dispute; the person page lists their disputes."""

import io

from openpyxl import load_workbook

from tests.mediation.conftest import GRID_1, id_number, party
from tests.mediation.test_api import _case
from wangge.accounts.models import User
from wangge.mediation import services
from wangge.mediation.models import Dispute
from wangge.people.models import Person
from wangge.regions.models import Region

MARKUP = "<img src=x onerror=alert(1)>"


def test_markup_is_text_and_numbers_masked(browser, dispute):
    number = id_number(seq=77)
    d = dispute(title=MARKUP, parties=[party(MARKUP, phone="13912345678", id_number=number)])
    client = browser("gridworker1")
    for url in ("/mediation/", f"/mediation/{d.pk}/"):
        html = client.get(url).content.decode()
        assert MARKUP not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "13912345678" not in html and number not in html
    assert "139****5678" in client.get(f"/mediation/{d.pk}/").content.decode()


def test_export_masks_numbers_and_writes_formulas_as_text(browser, dispute):
    number = id_number(seq=78)
    dispute(title="=HYPERLINK(1)", parties=[party("=1+1", phone="13912345678", id_number=number)])
    response = browser("gridworker1").get("/mediation/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    text = " ".join(values)
    assert "13912345678" not in text and number not in text and "139****5678" in text
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


def test_the_case_page_offers_the_dispute_in_one_step(browser):
    case = _case()
    client = browser("gridworker1")
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="case-to-dispute"' in html
    response = client.post(f"/mediation/from-case/{case.number}/")
    dispute = Dispute.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == f"/mediation/{dispute.pk}/"
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="case-dispute"' in html and 'data-testid="case-to-dispute"' not in html
    assert (
        'data-testid="case-to-dispute"'
        not in browser("gridworker1").get(f"/cases/{_case(category='0602').number}/").content.decode()
    )
    assert 'data-testid="case-offers"' not in browser("resident1").get(f"/cases/{_case().number}/").content.decode()


def test_actions_from_the_page(browser, dispute):
    d = dispute()
    client = browser("gridworker1")
    response = client.post(f"/mediation/{d.pk}/do/session/", {"session-place": "调解室", "session-notes": "到场"})
    assert response.status_code == 302
    response = client.post(f"/mediation/{d.pk}/do/agree/", {"agree-text": ""})
    assert response.status_code == 400 and b"error-text" in response.content
    client.post(f"/mediation/{d.pk}/do/agree/", {"agree-text": "赔偿"})
    d.refresh_from_db()
    assert d.status == "agreed"
    html = client.get("/mediation/rates/").content.decode()
    assert 'data-testid="rate-table"' in html


def test_person_page_lists_their_disputes(browser):
    grid = Region.objects.get(code=GRID_1)
    person = Person.objects.filter(region_path__startswith=grid.path).order_by("pk").first()
    worker = User.objects.get(username="gridworker1")
    d = services.register(
        actor=worker,
        data=services.DisputeIn(
            kind="family", region=GRID_1, title="赡养纠纷", parties=[services.PartyIn(person=person.pk)]
        ),
    )
    html = browser("gridworker1").get(f"/people/persons/{person.pk}/").content.decode()
    assert 'data-testid="portrait-disputes"' in html and f"/mediation/{d.pk}/" in html
    html = browser("gridworker2").get(f"/people/persons/{person.pk}/")
    assert html.status_code == 404
