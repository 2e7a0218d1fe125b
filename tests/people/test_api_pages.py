"""The ledger's API lists follow the one page convention: keyset pages of ``size`` rows, walked by
``next_cursor``, with the count of every matching row in reach."""

import pytest

from tests.people.conftest import id_number
from wangge.people import services

LISTS = ["/persons", "/households", "/houses", "/buildings", "/compounds"]


def walk(client, path, size, method="get", body=None, filters=None):
    seen, cursor, counts = [], None, set()
    while True:
        params = {**(filters or {}), "size": size, **({"cursor": cursor} if cursor else {})}
        if method == "get":
            page = client.get(path, params).json()
        else:
            page = client.post(path, {**(body or {}), **params}).json()
        seen += [item["id"] for item in page["items"]]
        counts.add(page["count"])
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, counts


@pytest.mark.parametrize("path", LISTS)
def test_every_row_comes_once_page_by_page(ledger, caller, path):
    client = caller("community1")
    filters = {"building": ledger.building1.pk} if path == "/houses" else {}  # the demo's houses are many
    everything = client.get(path, {**filters, "size": 100}).json()
    assert everything["next_cursor"] is None
    ids, counts = walk(client, path, size=2, filters=filters)
    assert ids == [item["id"] for item in everything["items"]]
    assert len(set(ids)) == len(ids) == everything["count"]
    assert counts == {everything["count"]}


def test_a_search_is_paged_in_its_body_and_rows_added_meanwhile_are_not_repeated(ledger, caller):
    client = caller("gridworker1")
    first = client.post("/persons/search", {"name": "", "size": 1}).json()
    services.create_person(
        actor=ledger.worker1,
        data={"name": "阿新", "id_number": id_number(seq=81), "house": ledger.house1, "relation": "other",
              "household": ledger.household1},
    )  # fmt: skip
    rest, _counts = walk(client, "/persons/search", size=1, method="post")
    assert first["items"][0]["id"] not in rest[1:]


def test_a_page_bigger_than_the_limit_or_a_forged_cursor_is_refused_naming_it(ledger, caller):
    client = caller("gridworker1")
    assert client.get("/persons", {"size": 101}).json()["errors"] == [
        {"field": "size", "message": "Must be at most 100."}
    ]
    response = client.get("/persons", {"cursor": "bm90IGEgY3Vyc29y"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]
