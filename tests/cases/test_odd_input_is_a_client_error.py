"""Odd input found by probing the API answers 400/422 in the API's JSON shape, never a 500 page: nested
brackets without a token, fields nested thousands deep, numbers past 64 bits, dates at the calendar's ends,
bodies that are not objects, a pin at 0,0."""

import json

import pytest
from django.test import Client

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from tests.conftest import ApiClient
from wangge.accounts.models import User
from wangge.accounts.services import issue_token

BIG = 99999999999999999999999
STREET = "329901001000"
GRID = "329901001001001"


def client_for(username: str | None) -> ApiClient:
    if username is None:
        client = ApiClient()
    else:
        key, _token = issue_token(user=User.objects.get(username=username))
        client = ApiClient(key)
    client.client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    return client


def refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    if field is not None:
        assert field in [e["field"] for e in body["errors"]]
    assert "Traceback" not in body["detail"] and "Error" not in body["detail"]
    return body


def test_fifty_thousand_nested_brackets_without_a_token_are_a_400(db):
    refused(client_for(None).post("/cases", raw="[" * 50_000), 400, "body")


def test_a_field_nested_five_thousand_deep_is_a_400(report):
    case = report()
    body = '{"action": "accept", "opinion": ' + "[" * 5_000 + "]" * 5_000 + "}"
    refused(client_for("operator").post(f"/cases/{case.number}/actions", raw=body), 400, "body")


def test_a_boundary_nested_eight_hundred_levels_is_a_400(db):
    boundary = json.loads("[" * 800 + "]" * 800)
    response = client_for("admin").patch(f"/regions/{GRID}", {"boundary": boundary})
    refused(response, 400, "body")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_to": "9999-12-31T23:59:59+08:00"}, "date_to"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_in_case_filters_are_422(db, query, field):
    refused(client_for("operator").get("/cases", query), 422, field)


@pytest.mark.parametrize("month", ["0000-01", "9999-12"])
def test_a_bulletin_month_at_the_ends_of_the_calendar_is_400(db, month):
    response = client_for("leader").post("/assessment/bulletins", {"region": STREET, "month": month})
    refused(response, 400, "month")


@pytest.mark.parametrize("path", ["/dashboard/statistics", "/dashboard/cases"])
def test_statistics_over_year_9999_are_422(db, path):
    query = {"region": STREET, "date_from": "9999-01-01", "date_to": "9999-12-31", "figure": "reported"}
    refused(client_for("leader").get(path, query), 422, "date_from")


def test_an_integer_past_64_bits_in_a_patch_body_is_422(db):
    refused(client_for("admin").patch(f"/regions/{GRID}", {"household_count": BIG}), 422, "household_count")
    refused(client_for("admin").patch(f"/regions/{GRID}", {"household_count": 1e30}), 422, "household_count")


def test_an_integer_past_64_bits_as_a_case_version_is_422(report):
    case = report()
    response = client_for("operator").post(f"/cases/{case.number}/actions", {"action": "accept", "version": BIG})
    refused(response, 422, "version")


@pytest.mark.parametrize("body", ["[]", '"x"', "null", "[1, 2]"])
@pytest.mark.parametrize("path", [f"/regions/{GRID}", "/ledgers/persons/export"])
def test_patch_and_export_routes_refuse_a_body_that_is_not_an_object(db, body, path):
    client = client_for("admin" if path.startswith("/regions") else "gridworker1")
    method = client.client.patch if path.startswith("/regions") else client.client.post
    response = method(f"/api/v1{path}", body, content_type="application/json", **client.headers)
    refused(response, 422, "body")


def test_a_residents_report_at_zero_zero_is_a_400_naming_the_place(db):
    response = client_for("resident1").post("/cases", {"category": CATEGORY, "description": "x", "lon": 0, "lat": 0})
    refused(response, 400, "lon")


def test_a_boundary_the_parser_cannot_read_is_explained_without_python_internals(db):
    lon, lat = point_in(GRID_1)
    ring = [[lon, lat], [lon + 0.001, lat]]  # two positions: no ring
    response = client_for("admin").patch(f"/regions/{GRID}", {"boundary": {"type": "Polygon", "coordinates": [ring]}})
    body = refused(response, 400, "boundary")
    message = body["errors"][0]["message"]
    assert "linearring" not in message.lower() and "requires" not in message
    assert "at least four" in message
