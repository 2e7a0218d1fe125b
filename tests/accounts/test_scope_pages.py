"""Scope over the HTML pages: out of reach is 404, anonymous is sent to the login page."""

import pytest
from django.test import Client

from wangge.accounts import services as account_services

GRID_1 = "329901001001001"
GRID_2 = "329901001001002"
MICRO_IN_GRID_1 = "329901001001001002"
COMMUNITY_1 = "329901001001"
GRID_OTHER_COMMUNITY = "329901001002001"
STREET_1 = "329901001000"
STREET_2 = "329901002000"
DISTRICT = "329901000000"

PAGES = {
    "detail": "/regions/{code}/",
    "card": "/regions/{code}/card/",
    "children": "/regions/{code}/children/",
    "map": "/regions/map/?code={code}",
}

REACH = {
    "gridworker1": {GRID_1: 200, MICRO_IN_GRID_1: 200, GRID_2: 404, COMMUNITY_1: 404},
    "community1": {COMMUNITY_1: 200, GRID_2: 200, GRID_OTHER_COMMUNITY: 404},
    "leader": {STREET_1: 200, GRID_OTHER_COMMUNITY: 200, STREET_2: 404},
    "resident1": {GRID_1: 200, GRID_2: 404},
    "department1": {DISTRICT: 200, STREET_2: 200},
    "nobody": {GRID_1: 404, DISTRICT: 404},
}

CASES = [
    pytest.param(persona, page, code, status, id=f"{persona}-{page}-{code}-{status}")
    for persona, reach in REACH.items()
    for page in PAGES
    for code, status in reach.items()
]


@pytest.fixture
def browser(browser_client, user):
    def make(persona: str) -> Client:
        if persona == "nobody":
            account_services.create_user(actor=user("admin"), username="nobody", password=None)
        return browser_client(persona)

    return make


@pytest.mark.parametrize(("persona", "page", "code", "expected"), CASES)
def test_region_pages_answer_by_scope(browser, persona, page, code, expected):
    response = browser(persona).get(PAGES[page].format(code=code))
    assert response.status_code == expected
    if expected == 200:
        assert shown_region(page, response) == code


def shown_region(page: str, response) -> str:
    """The code of the region a page answered with: the one asked for, not some other in reach."""
    if page == "map":
        return response.context["config"]["start"]
    if page == "children":
        parents = {node.parent.code for node in response.context["nodes"]}
        assert len(parents) <= 1, parents
        return parents.pop() if parents else response.wsgi_request.resolver_match.kwargs["code"]
    return response.context["region"].code


def test_the_detail_page_of_the_own_grid_names_it(browser):
    response = browser("gridworker1").get(f"/regions/{GRID_1}/")
    assert response.status_code == 200
    assert response.context["region"].code == GRID_1
    assert [c.code for c in response.context["children"]] == [f"{GRID_1}{i:03d}" for i in range(1, 6)]


def test_the_tree_page_shows_only_the_scope_roots(browser):
    response = browser("gridworker1").get("/regions/")
    assert response.status_code == 200
    assert [r.code for r in response.context["roots"]] == [GRID_1]


def test_a_user_without_membership_sees_an_empty_tree_and_map(browser):
    client = browser("nobody")
    tree = client.get("/regions/")
    assert tree.status_code == 200
    assert list(tree.context["roots"]) == []
    map_page = client.get("/regions/map/")
    assert map_page.status_code == 200
    assert map_page.context["config"]["roots"] == []


@pytest.mark.parametrize(
    "url", ["/home/", "/regions/", "/regions/map/", *[p.format(code=GRID_1) for p in PAGES.values()]]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
