"""Weekly task lists refuse control characters and direction overrides, by the API and by the page."""

COMMUNITY_1 = "329901001001"


def test_the_api_refuses_a_title_with_a_direction_override(api, db):
    response = api("community1").post(
        "/assessment/weekly", {"region": COMMUNITY_1, "week": "2026-11-23", "title": "要点\u202e", "items": "巡查"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["title"]


def test_the_page_refuses_items_with_a_nul_naming_the_field(browser_client, db):
    client = browser_client("community1", language="en")
    response = client.post(
        "/assessment/weekly/", {"region": COMMUNITY_1, "week": "2026-11-23", "title": "要点", "items": "巡查\x00"}
    )
    assert response.status_code == 400
    assert response.context["errors"] == {
        "items": "Must not contain control characters or direction overrides (only tabs and new lines are allowed)."
    }


def test_the_page_refuses_a_title_of_zero_width_spaces(browser_client, db):
    client = browser_client("community1", language="en")
    response = client.post(
        "/assessment/weekly/", {"region": COMMUNITY_1, "week": "2026-11-23", "title": "\u200b" * 4, "items": "巡查"}
    )
    assert response.context["errors"] == {"title": "Must contain visible characters, not only invisible ones."}
