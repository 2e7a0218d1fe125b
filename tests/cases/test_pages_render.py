"""Every case page renders for every persona in both languages; the navbar links to them."""

import pytest
from django.test import Client

from tests.cases.conftest import GRID_1
from wangge.accounts.models import User

LANGUAGES = ["zh-hans", "en"]
STAFF = ["gridworker1", "gridworker2", "department1", "dispatcher", "operator", "dutychief", "community1", "leader"]
PERSONAS = ["resident1", *STAFF, "admin", "outsider"]
# Who sees a case resident1 reported in grid 1 before it is dispatched.
SEES_REPORTED_CASE = {
    "resident1",
    "gridworker1",
    "dispatcher",
    "operator",
    "dutychief",
    "community1",
    "leader",
    "admin",
}


def client_for(username: str, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(User.objects.get(username=username))
    return client


def assert_speaks(response, language: str):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_worklist_intake_inbox_and_home_render(persona, language, outsider):
    client = client_for(persona, language)
    for url in ("/cases/", "/cases/new/", "/inbox/", "/home/"):
        response = client.get(url)
        assert_speaks(response, language)
    for box in ("todo", "soon", "overdue", "done", "mine", "all"):
        assert_speaks(client.get("/cases/", {"box": box}), language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_case_page_renders_for_whoever_may_see_it(persona, language, report, outsider):
    case = report("resident1", GRID_1, description="路灯不亮")
    response = client_for(persona, language).get(f"/cases/{case.number}/")
    if persona in SEES_REPORTED_CASE:
        assert_speaks(response, language)
        assert case.number in response.content.decode()
        assert "路灯不亮" in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_anonymous_report_page_renders_and_the_worklist_asks_to_log_in(db, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/cases/report/")
    assert_speaks(response, language)
    html = response.content.decode()
    assert 'name="contact_phone"' in html
    assert 'name="source"' not in html and 'name="urgent"' not in html
    assert client.get("/cases/").status_code == 302
    assert client.get("/cases/new/")["Location"].startswith("/accounts/login/")
    assert client.get("/inbox/").status_code == 302


def test_the_english_pages_speak_english(browser):
    html = browser("operator").get("/cases/").content.decode()
    assert "To do" in html and "Due soon" in html and "Overdue" in html and "Done by me" in html
    assert "Report a problem" in html


def test_the_navbar_links_the_worklist_the_intake_and_the_inbox(browser):
    html = browser("gridworker1").get("/home/").content.decode()
    assert 'href="/cases/"' in html
    assert 'href="/cases/new/"' in html
    assert 'href="/inbox/"' in html
    assert 'data-testid="my-work"' in html
