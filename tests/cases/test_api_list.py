"""GET /cases: filters, keyset pages, and a query count that does not grow with the page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.cases.conftest import GRID_1, GRID_2
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case

MARKER = "列表测试"


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


@pytest.fixture
def many(report):
    """25 cases by resident1 in grid 1, one minute apart, newest last."""
    start = timezone.now() - timedelta(hours=1)
    cases = []
    for i in range(25):
        case = report("resident1", description=f"{MARKER} 第{i}件")
        Case.objects.filter(pk=case.pk).update(created_at=start + timedelta(minutes=i))
        cases.append(case)
    return cases


def test_it_pages_newest_first_without_gaps_or_repeats(caller, many):
    client = caller("resident1")
    seen, cursor = [], None
    while True:
        params = {"q": MARKER, "size": 10, **({"cursor": cursor} if cursor else {})}
        body = client.get("/cases", params).json()
        seen += [item["number"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [c.number for c in reversed(many)]
    assert len(seen) == 25


def test_an_exact_last_page_has_no_next_cursor(caller, many):
    body = caller("resident1").get("/cases", {"q": MARKER, "size": 25}).json()
    assert len(body["items"]) == 25 and body["next_cursor"] is None


def test_the_query_count_does_not_grow_with_the_page_size(caller, many):
    client = caller("resident1")
    client.get("/cases", {"size": 1})  # warm-up: the token's first use writes last_used_at
    counts = {}
    for size in (2, 25):
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/cases", {"q": MARKER, "size": size}).json()
        assert len(body["items"]) == size
        counts[size] = len(queries)
    assert counts[2] == counts[25], counts


def test_the_query_count_stays_flat_for_a_broad_reach(caller, many):
    client = caller("dispatcher")
    client.get("/cases", {"size": 1})
    counts = []
    for size in (3, 60):
        with CaptureQueriesContext(connection) as queries:
            client.get("/cases", {"size": size, "box": "todo"})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_size_is_capped_at_100(caller):
    response = caller("resident1").get("/cases", {"size": 101})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "size", "message": "Must be at most 100."}]
    assert caller("resident1").get("/cases", {"size": 0}).status_code == 422


def test_a_garbled_cursor_is_a_400_naming_it(caller):
    response = caller("resident1").get("/cases", {"cursor": "yesterday"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_filters(caller, report):
    operator = User.objects.get(username="operator")
    a = report("gridworker1", source="patrol", description=f"{MARKER} 甲")
    b = report("resident1", category="0601", description=f"{MARKER} 乙")
    c = report("gridworker2", grid=GRID_2, source="patrol", description=f"{MARKER} 丙")
    services.transition(a, "accept", actor=operator)
    client = caller("dispatcher")

    def numbers(**params):
        return set(_numbers(client.get("/cases", {"q": MARKER, **params})))

    assert numbers() == {a.number, b.number, c.number}
    assert numbers(status="accepted") == {a.number}
    assert numbers(status="reported") == {b.number, c.number}
    assert numbers(category="0601") == {b.number}
    assert numbers(category="06") == {a.number, b.number, c.number}  # a class code takes its sub-classes
    assert numbers(source="patrol") == {a.number, c.number}
    assert numbers(region=GRID_2) == {c.number}
    assert numbers(region="329901001001") == {a.number, b.number, c.number}
    assert numbers(region="nowhere") == set()
    assert _numbers(client.get("/cases", {"q": b.number})) == [b.number]
    assert numbers(q="") == numbers()
    assert numbers(box="todo") == {a.number, b.number, c.number}  # accept, then dispatch: both the centre's


def test_the_mine_and_done_boxes(caller, report):
    mine = report("resident1", description=f"{MARKER} 我的")
    other = report("gridworker1", source="patrol", description=f"{MARKER} 别人的")
    services.transition(other, "accept", actor=User.objects.get(username="operator"))
    assert _numbers(caller("resident1").get("/cases", {"q": MARKER, "box": "mine"})) == [mine.number]
    assert _numbers(caller("gridworker1").get("/cases", {"q": MARKER, "box": "mine"})) == [other.number]
    assert _numbers(caller("operator").get("/cases", {"q": MARKER, "box": "done"})) == [other.number]


def test_warning_filters_and_the_warning_computed_at_query_time(caller, report):
    now = timezone.now()
    overdue = report("resident1", description=f"{MARKER} 超期")
    soon = report("resident1", description=f"{MARKER} 将到期")
    fine = report("resident1", description=f"{MARKER} 正常")
    # The stored warning is stale on purpose: the answer must not depend on the periodic task.
    Case.objects.filter(pk=overdue.pk).update(warn_at=now - timedelta(hours=2), due_at=now - timedelta(hours=1))
    Case.objects.filter(pk=soon.pk).update(warn_at=now - timedelta(minutes=5), due_at=now + timedelta(hours=1))
    Case.objects.filter(pk=fine.pk).update(warn_at=now + timedelta(hours=1), due_at=now + timedelta(hours=2))
    client = caller("operator")
    assert _numbers(client.get("/cases", {"q": MARKER, "warning": "red"})) == [overdue.number]
    assert _numbers(client.get("/cases", {"q": MARKER, "warning": "yellow"})) == [soon.number]
    assert _numbers(client.get("/cases", {"q": MARKER, "box": "overdue"})) == [overdue.number]
    assert _numbers(client.get("/cases", {"q": MARKER, "box": "soon"})) == [soon.number]
    items = {i["number"]: i["warning"] for i in client.get("/cases", {"q": MARKER}).json()["items"]}
    assert items == {overdue.number: "red", soon.number: "yellow", fine.number: ""}
    assert client.get(f"/cases/{overdue.number}").json()["warning"] == "red"
    assert client.get(f"/cases/{soon.number}").json()["warning"] == "yellow"


def test_date_filters(caller, report):
    old = report("resident1", description=f"{MARKER} 旧")
    new = report("resident1", description=f"{MARKER} 新")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(timezone.datetime(2026, 3, 1, 9, 0)))
    Case.objects.filter(pk=new.pk).update(created_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 23, 30)))
    client = caller("resident1")

    def numbers(**params):
        return set(_numbers(client.get("/cases", {"q": MARKER, **params})))

    assert numbers(date_from="2026-03-02") == {new.number}
    assert numbers(date_to="2026-03-01") == {old.number}  # a date includes its whole day
    assert numbers(date_from="2026-03-01", date_to="2026-03-02") == {old.number, new.number}
    assert numbers(date_from="2026-03-01T10:00:00+08:00", date_to="2026-03-02T23:00:00+08:00") == set()
    response = client.get("/cases", {"date_from": "last week"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["date_from"]


@pytest.mark.parametrize(
    ("param", "value"), [("status", "lost"), ("warning", "green"), ("box", "inbox"), ("source", "rumour")]
)
def test_unknown_filter_values_are_a_422_naming_the_filter(caller, param, value):
    response = caller("operator").get("/cases", {param: value})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [param]


def test_an_item_carries_what_a_worklist_row_shows(caller, report):
    case = report("resident1", description=f"{MARKER} 行")
    item = caller("operator").get("/cases", {"q": case.number}).json()["items"][0]
    assert item["category"] == {"code": "0602", "name": case.category.name}
    assert item["region"]["code"] == case.region.code
    assert item["handling_region"]["code"] == "329901001000"
    assert item["status_label"] == "Reported, awaiting acceptance"
    assert item["assigned_department"] is None
    assert set(item) >= {"due_at", "created_at", "is_urgent", "supervision", "warning", "address", "source"}
    assert GRID_1.startswith("329901001")
