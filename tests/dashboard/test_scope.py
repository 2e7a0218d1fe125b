"""Scope on every endpoint: each persona reaches the nodes of its own reach and gets 404 for the rest,
anonymous callers get 401 (API) or the login page, residents and people without the capability 404."""

import pytest

from tests.dashboard.helpers import COMMUNITY_1, GRID_1, GRID_2, STREET_1

STREET_2 = "329901002000"
CITY = "329900000000"

API = [
    "/dashboard/summary",
    "/dashboard/trend",
    "/dashboard/breakdown?dim=category",
    "/dashboard/breakdown?dim=source",
    "/dashboard/ranking?by=children",
    "/dashboard/ranking?by=departments",
    "/dashboard/ranking?by=children&period=30d",
    "/dashboard/map",
    "/dashboard/feed",
    "/dashboard/statistics?group=category",
    "/dashboard/cases?figure=reported",
    "/assessment/scores?unit=self",
    "/assessment/scores?unit=children",
    "/assessment/scores?unit=departments",
    "/assessment/scores?unit=people",
]
PAGES = [
    "/dashboard/",
    "/dashboard/feed/",
    "/dashboard/stats/",
    "/dashboard/stats/?format=xlsx",
    "/dashboard/cases/?figure=closed",
    "/assessment/",
    "/assessment/?unit=people",
    "/assessment/points/",
]


def _with(path: str, node: str) -> str:
    return path + ("&" if "?" in path else "?") + node


def _figures(response) -> dict:
    """An answer without the caller's own way up (``chain``): the node's figures, the same for whoever may
    look at the node, so a persona gets the node asked for, whole, not a part cut to some other reach."""
    answer = response.json()
    if isinstance(answer, dict):
        answer = {key: value for key, value in answer.items() if key != "chain"}
    return answer


def _page_node(response) -> str | None:
    """The code of the node a page was drawn for (None for a file download, which has no template)."""
    if response.context is None:
        return None
    node = response.context["node"]
    return node["code"] if isinstance(node, dict) else node.code


def _department_code(username):
    from wangge.accounts.models import User

    return User.objects.get(username=username).memberships.get().department.code


# persona → (nodes it may see, nodes it may not)
REACH = {
    "admin": ([f"region={CITY}", f"region={STREET_2}", f"region={GRID_2}"], []),
    "leader": (
        [f"region={STREET_1}", f"region={COMMUNITY_1}", f"region={GRID_2}"],
        [f"region={STREET_2}", f"region={CITY}"],
    ),
    "dutychief": ([f"region={STREET_1}"], [f"region={STREET_2}"]),
    "community1": ([f"region={COMMUNITY_1}", f"region={GRID_1}"], [f"region={STREET_1}"]),
    "gridworker1": ([f"region={GRID_1}"], [f"region={GRID_2}", f"region={COMMUNITY_1}"]),
    "gridworker2": ([f"region={GRID_2}"], [f"region={GRID_1}"]),
}


@pytest.mark.parametrize("persona", sorted(REACH))
@pytest.mark.parametrize("path", API)
def test_api_answers_inside_the_reach_and_404_outside(api, persona, path):
    client = api(persona)
    allowed, denied = REACH[persona]
    for node in allowed:
        response = client.get(_with(path, node))
        assert response.status_code == 200, (persona, path, node, response.content[:200])
        assert _figures(response) == _figures(api("admin").get(_with(path, node))), (persona, path, node)
    for node in denied:
        response = client.get(_with(path, node))
        assert response.status_code == 404, (persona, path, node)
        assert response.json()["detail"] == "Not found."


@pytest.mark.parametrize("path", API)
def test_department_staff_see_their_department_only(api, path):
    client = api("department1")
    own = _department_code("department1")
    assert client.get(_with(path, f"department={own}")).status_code == 200
    other = next(code for code in _all_departments() if code != own)
    assert client.get(_with(path, f"department={other}")).status_code == 404
    assert client.get(_with(path, f"region={STREET_1}")).status_code == 404


def _all_departments():
    from wangge.accounts.models import Department

    return list(Department.objects.values_list("code", flat=True))


@pytest.mark.parametrize("path", API)
def test_residents_and_strangers_get_404_and_anonymous_401(api, path, db):
    from wangge.accounts import services as account_services

    account_services.create_user(actor=None, username="stranger", password="a-long-password-2026")
    for persona in ("resident1", "liaison1"):
        assert api(persona).get(path).status_code == 404, persona
        assert api(persona).get(_with(path, f"region={GRID_1}")).status_code == 404, persona
    assert api().get(path).status_code == 401


@pytest.mark.parametrize("persona", sorted(REACH))
@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_inside_the_reach_and_404_outside(browser_client, persona, path):
    client = browser_client(persona, language="en")
    allowed, denied = REACH[persona]
    for node in allowed:
        response = client.get(_with(path, node))
        assert response.status_code == 200, (persona, path, node)
        if response.context is not None:
            assert _page_node(response) == node.removeprefix("region="), (persona, path, node)
    for node in denied:
        assert client.get(_with(path, node)).status_code == 404, (persona, path, node)


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_404_for_residents_and_ask_strangers_to_log_in(browser_client, client, path):
    assert browser_client("resident1").get(path).status_code == 404
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nodes_list_the_top_of_each_reach(api):
    assert [n["code"] for n in api("leader").get("/dashboard/nodes").json()] == [STREET_1]
    assert [n["code"] for n in api("gridworker1").get("/dashboard/nodes").json()] == [GRID_1]
    assert [n["query"] for n in api("department1").get("/dashboard/nodes").json()] == [
        f"department={_department_code('department1')}"
    ]
    assert [n["code"] for n in api("admin").get("/dashboard/nodes").json()] == [CITY]
    assert api("resident1").get("/dashboard/nodes").json() == []


def test_a_person_outside_the_node_is_404(browser_client, user):
    client = browser_client("community1", language="en")
    # gridworker2 serves in community 1: visible; a grid worker of another street: not.
    ok = client.get(f"/dashboard/cases/?region={COMMUNITY_1}&figure=reports&person=gridworker2")
    assert ok.status_code == 200
    other = client.get(f"/dashboard/cases/?region={COMMUNITY_1}&figure=reports&person=gw329901002001001")
    assert other.status_code == 404


def test_the_drill_list_never_shows_a_case_outside_the_reach(flow, api):
    from tests.dashboard import timelines

    timelines.build(flow)
    # gridworker2's grid has none of the eight cases: an empty list, not someone else's cases.
    week = "date_from=2026-03-02&date_to=2026-03-05"
    body = api("gridworker2").get(f"/dashboard/cases?region={GRID_2}&figure=reported&{week}").json()
    assert body == {"figure": "reported", "total": 0, "cases": []}
    mine = api("gridworker1").get(f"/dashboard/cases?region={GRID_1}&figure=reported&{week}").json()
    assert mine["total"] == 8 and len(mine["cases"]) == 8
