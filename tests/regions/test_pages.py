"""The pages render in both languages and escape region names."""

import pytest

from tests.regions.helpers import draft
from wangge.regions import services

GRID_1 = "329901001001001"
XSS_NAME = "<script>alert(1)</script>网格"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "url", ["/home/", "/regions/", "/regions/map/", f"/regions/{GRID_1}/", f"/regions/map/?code={GRID_1}"]
)
def test_the_pages_render_in_both_languages(browser_client, url, language):
    response = browser_client("gridworker1", language=language).get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_english_and_chinese_pages_differ(browser_client):
    english = browser_client("gridworker1", language="en").get("/regions/").content.decode()
    chinese = browser_client("gridworker1", language="zh-hans").get("/regions/").content.decode()
    assert english != chinese


def test_setlang_switches_the_page_language(browser_client):
    client = browser_client("gridworker1", language="zh-hans")
    assert '<html lang="zh-hans">' in client.get("/home/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert client.cookies["wangge_language"].value == "en"
    page = client.get("/home/")
    assert '<html lang="en">' in page.content.decode()
    assert client.get(f"/regions/{GRID_1}/").content.decode().count('<html lang="en">') == 1


@pytest.fixture
def scripted_region(user):
    return services.create_region(actor=user("admin"), draft=draft(f"{GRID_1}009", XSS_NAME, "micro_grid", GRID_1))


@pytest.mark.parametrize("page", ["/regions/{code}/", "/regions/{code}/card/"])
def test_a_region_name_with_markup_is_escaped(browser_client, scripted_region, page):
    response = browser_client("gridworker1", language="en").get(page.format(code=scripted_region.code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;网格" in html


def test_a_region_name_with_markup_is_escaped_in_its_parents_pages(browser_client, scripted_region):
    client = browser_client("gridworker1", language="en")
    for url in (f"/regions/{GRID_1}/", f"/regions/{GRID_1}/children/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;网格" in html


def test_the_api_returns_the_name_as_plain_data(api, scripted_region):
    assert api("gridworker1").get(f"/regions/{scripted_region.code}").json()["name"] == XSS_NAME
