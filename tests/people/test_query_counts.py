"""Lists cost a fixed number of queries whatever their length (no N+1)."""

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


def test_the_persons_api_list_is_constant(ledger, caller, django_assert_num_queries):
    api = caller("gridworker1")
    api.get("/persons")  # warm the token and scope
    grow(ledger, 2)
    with django_assert_num_queries(6) as small:
        api.get("/persons", {"page_size": 200})
    grow(ledger, 10, start=2)
    with django_assert_num_queries(len(small.captured_queries)):
        response = api.get("/persons", {"page_size": 200})
    assert response.json()["count"] >= 14


def test_the_person_list_page_is_constant(ledger, browser, django_assert_max_num_queries):
    client = browser("gridworker1")
    grow(ledger, 12)
    with django_assert_max_num_queries(14):
        response = client.post("/people/persons/", {"page": 1})
    assert response.content.decode().count("/people/persons/") >= 14


def test_household_and_building_lists_are_constant(ledger, caller, django_assert_max_num_queries):
    api = caller("gridworker1")
    api.get("/households")
    grow(ledger, 12)
    with django_assert_max_num_queries(8):
        api.get("/households", {"page_size": 200})
    with django_assert_max_num_queries(8):
        api.get("/buildings", {"page_size": 200})
    with django_assert_max_num_queries(8):
        api.get("/houses", {"page_size": 200})
