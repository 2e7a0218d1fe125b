"""Every ledger endpoint × every persona. The objects live in GRID_1 (gridworker1's grid); gridworker2
serves the neighbouring grid, community1 the community, leader the street (read, labels and export,
no writes, no reveal); residents, department staff and outsiders may not read the ledger at all."""

from datetime import date

import pytest

from tests.people.conftest import GRID_1, PERSONAS, id_number, point_in
from wangge.people import services

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
    if expected[persona] == 404:
        assert response.json() == {"detail": "Not found.", "errors": []}
    if expected[persona] == 403:
        assert response.json()["errors"] == []
        assert response.json()["detail"].startswith("Your role may not")


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
