"""Lists cost a fixed number of queries whatever their length (no N+1)."""

import json
from datetime import date

from tests.people.conftest import id_number
from wangge.people import services


def grow(ledger, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        house = ledger.building1.houses.exclude(pk=ledger.house1.pk).order_by("pk")[i % 11]
        household = services.create_household(actor=ledger.worker1, data={"house": house, "number": f"Q{i}"})
        person = services.create_person(
            actor=ledger.worker1,
            data={
                "name": f"查询{i}",
                "id_number": id_number(date(1981, 1, 1 + i), seq=80 + i),
                "household": household,
                "relation": "head",
            },
        )
        services.add_label(actor=ledger.worker1, person=person, kind="unemployed", details={})


def listed(response) -> str:
    """The answer's content as text, after checking it is a served list (a refusal costs few queries too)."""
    assert response.status_code == 200, response.content[:300]
    return json.dumps(response.json(), ensure_ascii=False)


def names(start: int, stop: int) -> list[str]:
    return [f"查询{i}" for i in range(start, stop)]


def test_the_persons_api_list_is_constant(ledger, caller, django_assert_num_queries):
    api = caller("gridworker1")
    api.get("/persons")  # warm the token and scope
    grow(ledger, 2)
    # token and user, the lock-out check, roles, scope, the page, its count, the labels
    with django_assert_num_queries(7) as small:
        response = api.get("/persons", {"size": 100})
    assert all(name in listed(response) for name in names(0, 2))
    grow(ledger, 10, start=2)
    with django_assert_num_queries(len(small.captured_queries)):
        response = api.get("/persons", {"size": 100})
    assert all(name in listed(response) for name in names(0, 12))
    assert response.json()["count"] >= 14


def test_the_person_list_page_is_constant(ledger, browser, django_assert_max_num_queries):
    client = browser("gridworker1")
    grow(ledger, 12)
    with django_assert_max_num_queries(14):
        response = client.post("/people/persons/", {"page": 1})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("/people/persons/") >= 14
    assert all(name in page for name in names(0, 12))


def test_household_and_building_lists_are_constant(ledger, caller, django_assert_max_num_queries):
    api = caller("gridworker1")
    api.get("/households")
    grow(ledger, 12)
    with django_assert_max_num_queries(8):
        households = listed(api.get("/households", {"size": 100}))
    with django_assert_max_num_queries(8):
        buildings = listed(api.get("/buildings", {"size": 100}))
    with django_assert_max_num_queries(8):
        houses = listed(api.get("/houses", {"size": 100}))
    assert all(f'"Q{i}"' in households for i in range(12))
    assert ledger.building1.name in buildings
    assert str(ledger.house1.room) in houses
