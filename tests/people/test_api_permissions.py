"""Every ledger endpoint × every persona. The objects live in GRID_1 (gridworker1's grid); gridworker2
serves the neighbouring grid, community1 the community, leader the street (read, labels and export,
no writes, no reveal); residents, department staff and outsiders may not read the ledger at all."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.people.conftest import GRID_1, PERSONAS, id_number, point_in
from wangge.people import services
from wangge.people.models import (
    Building,
    Compound,
    Facility,
    House,
    Household,
    Organisation,
    Person,
    PersonLabel,
)

FORBIDDEN = {"resident1": 403, "department1": 403, "outsider": 403}
READ_LIST = {"gridworker1": 200, "gridworker2": 200, "community1": 200, "leader": 200, **FORBIDDEN}
READ_ONE = {"gridworker1": 200, "gridworker2": 404, "community1": 200, "leader": 200, **FORBIDDEN}
WRITE_ONE = {"gridworker1": 200, "gridworker2": 404, "community1": 200, "leader": 403, **FORBIDDEN}
CREATE_CHILD = {"gridworker1": 201, "gridworker2": 404, "community1": 201, "leader": 403, **FORBIDDEN}
DELETE_ONE = {"gridworker1": 204, "gridworker2": 404, "community1": 204, "leader": 403, **FORBIDDEN}
# Creating in GRID_1: gridworker2 names a house, building or point outside their grids (400).
CREATE_IN_GRID_1 = {"gridworker1": 201, "gridworker2": 400, "community1": 201, "leader": 403, **FORBIDDEN}
REVEAL = {"gridworker1": 200, "gridworker2": 404, "community1": 200, "leader": 403, **FORBIDDEN}
CHANGE_ONLY = {"gridworker1": 200, "gridworker2": 200, "community1": 200, "leader": 403, **FORBIDDEN}

NEW_ID = id_number(date(2001, 1, 2), male=True, seq=31)


def endpoints(ledger, lon, lat):
    p, h, house, b = ledger.person1.pk, ledger.household1.pk, ledger.house1.pk, ledger.building1.pk
    c, label, org, fac = ledger.compound1.pk, ledger.label1.pk, ledger.org.pk, ledger.facility.pk
    return {
        "list persons": ("get", "/persons", None, READ_LIST),
        "search persons": ("post", "/persons/search", {"name": "王"}, READ_LIST),
        "person": ("get", f"/persons/{p}", None, READ_ONE),
        "update person": ("patch", f"/persons/{p}", {"note": "常住"}, WRITE_ONE),
        "create person": (
            "post",
            "/persons",
            {"name": "新人", "id_number": NEW_ID, "house_id": house},
            CREATE_IN_GRID_1,
        ),
        "reveal": ("post", f"/persons/{p}/reveal", {"field": "id_number", "reason": "核实身份信息"}, REVEAL),
        "labels": ("get", f"/persons/{p}/labels", None, READ_ONE),
        "add label": (
            "post",
            f"/persons/{p}/labels",
            {"kind": "veteran", "details": {"discharged_year": 1975}},
            CREATE_CHILD,
        ),
        "update label": ("patch", f"/labels/{label}", {"note": "复核"}, WRITE_ONE),
        "remove label": ("delete", f"/labels/{label}", None, DELETE_ONE),
        "label counts": ("get", "/label-counts", None, READ_LIST),
        "list households": ("get", "/households", None, READ_LIST),
        "household": ("get", f"/households/{h}", None, READ_ONE),
        "update household": ("patch", f"/households/{h}", {"note": "三代同堂"}, WRITE_ONE),
        "create household": ("post", "/households", {"house_id": house, "number": "H777"}, CREATE_IN_GRID_1),
        "list houses": ("get", "/houses", None, READ_LIST),
        "house": ("get", f"/houses/{house}", None, READ_ONE),
        "update house": ("patch", f"/houses/{house}", {"use": "rented"}, WRITE_ONE),
        "create house": (
            "post",
            "/houses",
            {"building_id": b, "unit": 1, "floor": -1, "position": 1},
            CREATE_IN_GRID_1,
        ),
        "list buildings": ("get", "/buildings", None, READ_LIST),
        "building": ("get", f"/buildings/{b}", None, READ_ONE),
        "building cells": ("get", f"/buildings/{b}/cells", None, READ_ONE),
        "update building": ("patch", f"/buildings/{b}", {"address": "测试路8号"}, WRITE_ONE),
        "create building": (
            "post",
            "/buildings",
            {"name": "9幢", "lon": lon, "lat": lat, "floors": 2},
            CREATE_IN_GRID_1,
        ),
        "list compounds": ("get", "/compounds", None, READ_LIST),
        "compound": ("get", f"/compounds/{c}", None, READ_ONE),
        "update compound": ("patch", f"/compounds/{c}", {"address": "测试路1号"}, WRITE_ONE),
        "create compound": ("post", "/compounds", {"name": "新苑", "lon": lon, "lat": lat}, CREATE_IN_GRID_1),
        "list organisations": ("get", "/organisations", None, READ_LIST),
        "organisation": ("get", f"/organisations/{org}", None, READ_ONE),
        "update organisation": ("patch", f"/organisations/{org}", {"employees": 5}, WRITE_ONE),
        "create organisation": (
            "post",
            "/organisations",
            {"kind": "shop", "name": "新店", "lon": lon, "lat": lat},
            CREATE_IN_GRID_1,
        ),
        "list facilities": ("get", "/facilities", None, READ_LIST),
        "facility": ("get", f"/facilities/{fac}", None, READ_ONE),
        "update facility": ("patch", f"/facilities/{fac}", {"status": "damaged"}, WRITE_ONE),
        "create facility": (
            "post",
            "/facilities",
            {"kind": "hydrant", "code": "XF-NEW-1", "lon": lon, "lat": lat},
            CREATE_IN_GRID_1,
        ),
        "template": ("get", "/ledgers/persons/template", None, CHANGE_ONLY),
        "export persons": ("post", "/ledgers/persons/export", {}, READ_LIST),
        "export facilities": ("post", "/ledgers/facilities/export", {}, READ_LIST),
    }


@pytest.fixture
def world(ledger):
    lon, lat = point_in(GRID_1)
    ledger.org = services.create_organisation(
        actor=ledger.worker1, data={"kind": "shop", "name": "测试店", "lon": lon, "lat": lat}
    )
    ledger.facility = services.create_facility(
        actor=ledger.worker1, data={"kind": "manhole", "code": "JG-T-1", "lon": lon, "lat": lat}
    )
    return ledger, lon, lat


NAMES = [
    "list persons", "search persons", "person", "update person", "create person", "reveal", "labels", "add label",
    "update label", "remove label", "label counts", "list households", "household", "update household",
    "create household", "list houses", "house", "update house", "create house", "list buildings", "building",
    "building cells", "update building", "create building", "list compounds", "compound", "update compound",
    "create compound", "list organisations", "organisation", "update organisation", "create organisation",
    "list facilities", "facility", "update facility", "create facility", "template", "export persons", "export facilities",
]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", NAMES)
def test_endpoint_answers_by_role_and_scope(world, caller, persona, name):
    ledger, lon, lat = world
    method, path, body, expected = endpoints(ledger, lon, lat)[name]
    client = caller(persona)
    if method == "get":
        response = client.get(path)
    elif method == "delete":
        response = client.client.delete(f"/api/v1{path}", **client.headers)
    else:
        response = getattr(client, method)(path, body)
    assert response.status_code == expected[persona], response.content[:300]
    if response.status_code in (200, 201, 204):
        EFFECTS[name](ledger, response, persona, client)
    if expected[persona] == 404:
        assert response.json() == {"detail": "Not found.", "errors": []}
    if expected[persona] == 403:
        assert response.json()["errors"] == []
        assert response.json()["detail"].startswith("Your role may not")


# --- what an allowed call must have done: a read answers with the object (and lists only what is in
# reach), a write is applied to the stored row -------------------------------------------------------

REACHES_GRID_1 = {"gridworker1", "community1", "leader"}


def _listed(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def _lists(attribute: str, narrowed: str):
    """The list narrowed to the object's surroundings shows it exactly when the persona reaches GRID_1 (the
    whole list is a page of the demo town too, so the object is looked for where it must be)."""

    def check(ledger, response, persona, client):
        assert response.json()["count"] >= len(response.json()["items"])
        target = getattr(ledger, attribute)
        narrow = client.get(narrowed.format(ledger=ledger))
        if persona in REACHES_GRID_1:
            assert narrow.status_code == 200 and target.pk in _listed(narrow), (persona, narrow.content[:300])
        else:
            assert narrow.status_code == 404 or target.pk not in _listed(narrow), persona

    return check


def _search(ledger, response, persona, client):
    """Every person found carries the name asked for, and person1 (王建国) is found by those who reach GRID_1."""
    items = response.json()["items"]
    assert all("王" in item["name"] for item in items)
    narrow = client.post("/persons/search", {"name": "王建国"})
    assert (ledger.person1.pk in _listed(narrow)) == (persona in REACHES_GRID_1), persona


def _answers(attribute: str):
    def check(ledger, response, persona, client):
        assert response.json()["id"] == getattr(ledger, attribute).pk

    return check


def _stored(model, attribute: str, **expected):
    def check(ledger, response, persona, client):
        row = model.objects.get(pk=getattr(ledger, attribute).pk)
        assert {field: getattr(row, field) for field in expected} == expected

    return check


def _created(model, **lookup):
    def check(ledger, response, persona, client):
        assert model.objects.filter(pk=response.json()["id"], **lookup).exists()

    return check


def _workbook(ledger, response, persona, client):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")

    assert load_workbook(io.BytesIO(response.content)).active.max_row >= 1


def _revealed(ledger, response, persona, client):
    assert response.json() == {"field": "id_number", "value": ledger.id1}


def _label_counts(ledger, response, persona, client):
    """The counts over a grid are the stored labels of the persons in it; out of reach, nothing is counted."""
    assert "disability" in {row["kind"] for row in response.json()}
    narrow = client.get("/label-counts?region=" + GRID_1)
    if persona in REACHES_GRID_1:
        stored = PersonLabel.objects.filter(kind="disability", person__region__code__startswith=GRID_1).count()
        counts = {row["kind"]: row["count"] for row in narrow.json()}
        assert counts["disability"] == stored >= 1
    else:
        assert narrow.status_code == 404 or all(row["count"] == 0 for row in narrow.json())


def _labels(ledger, response, persona, client):
    assert [label["id"] for label in response.json()] == [ledger.label1.pk]


def _label_added(ledger, response, persona, client):
    assert ledger.person1.labels.filter(kind="veteran", pk=response.json()["id"]).exists()


def _label_removed(ledger, response, persona, client):
    assert not PersonLabel.objects.filter(pk=ledger.label1.pk).exists()


def _cells(ledger, response, persona, client):
    assert response.json(), "a building of three floors has cells"


EFFECTS = {
    "list persons": _lists("person1", "/persons?building={ledger.building1.pk}"),
    "search persons": _search,
    "person": _answers("person1"),
    "update person": _stored(Person, "person1", note="常住"),
    "create person": _created(Person, name="新人"),
    "reveal": _revealed,
    "labels": _labels,
    "add label": _label_added,
    "update label": _stored(PersonLabel, "label1", note="复核"),
    "remove label": _label_removed,
    "label counts": _label_counts,
    "list households": _lists("household1", "/households?building={ledger.building1.pk}"),
    "household": _answers("household1"),
    "update household": _stored(Household, "household1", note="三代同堂"),
    "create household": _created(Household, number="H777"),
    "list houses": _lists("house1", "/houses?building={ledger.building1.pk}"),
    "house": _answers("house1"),
    "update house": _stored(House, "house1", use="rented"),
    "create house": _created(House, floor=-1),
    "list buildings": _lists("building1", "/buildings?compound={ledger.compound1.pk}"),
    "building": _answers("building1"),
    "building cells": _cells,
    "update building": _stored(Building, "building1", address="测试路8号"),
    "create building": _created(Building, name="9幢"),
    "list compounds": _lists("compound1", "/compounds?region=" + GRID_1),
    "compound": _answers("compound1"),
    "update compound": _stored(Compound, "compound1", address="测试路1号"),
    "create compound": _created(Compound, name="新苑"),
    "list organisations": _lists("org", "/organisations?q=测试店"),
    "organisation": _answers("org"),
    "update organisation": _stored(Organisation, "org", employees=5),
    "create organisation": _created(Organisation, name="新店"),
    "list facilities": _lists("facility", "/facilities?code=JG-T-1"),
    "facility": _answers("facility"),
    "update facility": _stored(Facility, "facility", status="damaged"),
    "create facility": _created(Facility, code="XF-NEW-1"),
    "template": _workbook,
    "export persons": _workbook,
    "export facilities": _workbook,
}


def test_every_endpoint_has_its_effect_checked():
    assert set(EFFECTS) == set(NAMES)


def test_the_matrix_covers_every_route_of_the_router():
    from wangge.people.api import router

    routes = {
        (method.lower(), path)
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    # Checked per persona in test_reveal.py and test_import.py.
    elsewhere = {
        ("post", "/houses/{house_id}/reveal"),
        ("post", "/organisations/{organisation_id}/reveal"),
        ("post", "/ledgers/{kind}/import"),
    }
    assert elsewhere <= routes
    assert len(NAMES) == len(set(NAMES))
    assert len(routes) == len(NAMES) + len(elsewhere)


def test_anonymous_callers_get_401(caller, ledger):
    from tests.conftest import ApiClient

    response = ApiClient().get("/persons")
    assert response.status_code == 401
    response = ApiClient().get(f"/persons/{ledger.person1.pk}")
    assert response.status_code == 401
