"""Every number on the screen and in the statistics opens the list of exactly the cases behind it:
follow each link to the drill-through and compare its total with the number."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from tests.dashboard import test_rollups_equal_raw as walker
from tests.dashboard.helpers import COMMUNITY_1, STREET_1
from wangge.dashboard import screen
from wangge.regions.models import Region
from wangge.rollups import selectors


@pytest.fixture
def recent_cases(db, monkeypatch):
    """Random workflows over the last three weeks, ending around now (the screen's "today")."""
    monkeypatch.setattr(walker, "START", timezone.now() - timedelta(days=21))
    walker.walk(5, count=16)
    walker.walk(6, count=10)


def _drill_total(api, link: str) -> int:
    url = urlparse(link)
    assert url.path == "/dashboard/cases/", link
    response = api.get("/dashboard/cases?" + url.query)
    assert response.status_code == 200, (link, response.content[:300])
    return response.json()["total"]


def _links(payload):
    """(number, link) pairs anywhere in a screen payload: a tile's value, an item's reports, a rate's numerator."""
    if isinstance(payload, dict):
        if payload.get("link"):
            if isinstance(payload.get("value"), int) and not isinstance(payload.get("value"), bool):
                yield payload["value"], payload["link"]
            elif "reported" in payload:
                yield payload["reported"], payload["link"]
            else:
                yield payload["numerator"], payload["link"]
        for value in payload.values():
            yield from _links(value)
    elif isinstance(payload, list):
        for item in payload:
            yield from _links(item)


@pytest.mark.parametrize("persona,node", [("leader", STREET_1), ("community1", COMMUNITY_1), ("admin", "329900000000")])
def test_every_screen_number_equals_the_length_of_its_list(recent_cases, api, persona, node):
    client = api(persona)
    checked = 0
    for path in (
        "summary",
        "breakdown?dim=category",
        "breakdown?dim=source",
        "ranking?by=children",
        "ranking?by=departments",
        "ranking?by=children&period=30d",
        "ranking?by=departments&period=30d",
    ):
        body = client.get(f"/dashboard/{path}{'&' if '?' in path else '?'}region={node}").json()
        for number, link in _links(body):
            assert _drill_total(client, link) == number, (path, link)
            checked += 1
    trend = client.get(f"/dashboard/trend?region={node}&days=30").json()
    for name in ("reported", "closed"):
        link = trend["links"][name]
        assert _drill_total(client, link) == sum(trend["series"][name])
        checked += 1
    assert checked > 15


def test_the_department_screen_counts_what_it_received(recent_cases, api, user):
    client = api("department1")
    department = user("department1").memberships.get().department
    body = client.get(f"/dashboard/summary?department={department.code}").json()
    for tile in body["tiles"]:
        assert _drill_total(client, tile["link"]) == tile["value"], tile
    trend = client.get(f"/dashboard/trend?department={department.code}").json()
    assert trend["measure"] == "dispatched"
    assert _drill_total(client, trend["links"]["dispatched"]) == sum(trend["series"]["dispatched"])


def test_statistics_cells_lead_to_their_cases(recent_cases, api, browser_client):
    client = api("leader")
    today = timezone.localdate()
    start = (today - timedelta(days=30)).isoformat()
    for group in ("region", "category", "source", "department", "status", "day"):
        body = client.get(
            f"/dashboard/statistics?region={STREET_1}&date_from={start}&date_to={today}&group={group}"
        ).json()
        for row in [*body["rows"], body["total"]]:
            for key, cell in row["counts"].items():
                if group != "status":
                    assert _drill_total(client, cell["link"]) == cell["value"], (group, row["label"], key)
    page = browser_client("leader", language="en").get(
        f"/dashboard/stats/?region={STREET_1}&date_from={start}&group=status"
    )
    assert page.status_code == 200


def test_the_map_counts_agree_with_the_open_and_overdue_lists(recent_cases, api):
    client = api("leader")
    body = client.get(f"/dashboard/map?region={STREET_1}").json()
    street = selectors.region_node(Region.objects.get(code=STREET_1))
    summary = screen.summary(street)
    tiles = {t.code: t.value for t in summary.tiles}
    assert sum(c["open"] for c in body["regions"].values()) == tiles["open"]
    assert sum(c["overdue"] for c in body["regions"].values()) == tiles["overdue"]
    for code, counts in body["regions"].items():
        for figure, key in (
            ("st_reported+st_accepted+st_dispatched+st_in_progress+st_handled+st_verified", "open"),
            ("overdue", "overdue"),
        ):
            link = f"/dashboard/cases/?region={code}&figure={figure}"
            assert _drill_total(client, link) == counts[key], (code, key)


def test_a_link_names_its_days_and_filters(recent_cases, api):
    body = api("leader").get(f"/dashboard/breakdown?dim=source&region={STREET_1}").json()
    query = parse_qs(urlparse(body["items"][0]["link"]).query)
    assert set(query) == {"region", "figure", "date_from", "date_to", "source"}


def test_a_departments_map_counts_its_open_and_overdue_cases_by_region(recent_cases, api):
    from wangge.cases.models import OPEN_STATUSES, Case

    busiest = (
        Case.objects.filter(status__in=OPEN_STATUSES, assigned_department__isnull=False)
        .values_list("assigned_department__code", flat=True)
        .first()
    )
    assert busiest, "the random workflows leave some open case with a department"
    body = api("admin").get(f"/dashboard/map?department={busiest}").json()
    mine = Case.objects.filter(assigned_department__code=busiest, status__in=OPEN_STATUSES)
    assert sum(c["open"] for c in body["regions"].values()) == mine.count()
    assert sum(c["overdue"] for c in body["regions"].values()) == mine.filter(due_at__lte=timezone.now()).count()
