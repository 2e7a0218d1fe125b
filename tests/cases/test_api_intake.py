"""POST /cases: idempotent intake, who may report, and every kind of bad input."""

import json

import pytest

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from wangge.cases.models import Case, CaseEvent
from wangge.regions.models import Region


@pytest.fixture
def payload(db):
    lon, lat = point_in(GRID_1)
    return {"category": CATEGORY, "description": "路边堆了渣土", "lon": lon, "lat": lat, "address": "幸福路8号"}


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def test_it_creates_a_case_as_the_caller(caller, payload):
    response = caller("resident1").post("/cases", {**payload, "title": "渣土", "contact_name": "张三"})
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert case.reporter.username == "resident1"
    assert (body["title"], body["description"], body["reporter_name"]) == ("渣土", "路边堆了渣土", "张三")
    assert (body["status"], body["status_label"]) == ("reported", "Reported, awaiting acceptance")
    assert body["source"] == "resident"
    assert body["version"] == 0
    assert body["handling_region"]["level"] == "street"
    assert body["due_at"] is not None and body["warning"] == ""
    assert CaseEvent.objects.filter(case=case).values_list("action", flat=True).get() == "report"


def test_it_returns_the_first_case_when_the_same_key_is_sent_again(caller, payload):
    resident = caller("resident1")
    first = resident.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    again = resident.post("/cases", {**payload, "description": "重试"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert again.json()["description"] == "路边堆了渣土"
    assert Case.objects.filter(number=first.json()["number"]).count() == 1
    assert Case.objects.filter(description="重试").count() == 0


def test_it_creates_two_cases_for_two_keys(caller, payload):
    resident = caller("resident1")
    first = resident.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    second = resident.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="k-2")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["number"] != second.json()["number"]


def test_it_creates_a_case_per_request_without_a_key(caller, payload):
    resident = caller("resident1")
    assert resident.post("/cases", payload).json()["number"] != resident.post("/cases", payload).json()["number"]


def test_it_namespaces_keys_per_user(caller, payload):
    mine = caller("resident1").post("/cases", payload, HTTP_IDEMPOTENCY_KEY="shared")
    theirs = caller("gridworker1").post("/cases", payload, HTTP_IDEMPOTENCY_KEY="shared")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["number"] != theirs.json()["number"]
    assert Case.objects.get(number=theirs.json()["number"]).reporter.username == "gridworker1"


def test_it_namespaces_anonymous_keys_per_phone(caller, payload):
    anonymous = caller(None)
    first = anonymous.post("/cases", {**payload, "contact_phone": "13812345678"}, HTTP_IDEMPOTENCY_KEY="same")
    retry = anonymous.post("/cases", {**payload, "contact_phone": "13812345678"}, HTTP_IDEMPOTENCY_KEY="same")
    other = anonymous.post("/cases", {**payload, "contact_phone": "13998765432"}, HTTP_IDEMPOTENCY_KEY="same")
    assert (first.status_code, retry.status_code, other.status_code) == (201, 200, 201)
    assert retry.json()["number"] == first.json()["number"]
    assert other.json()["number"] != first.json()["number"]
    assert other.json()["contact_phone"] == "139****5432"


def test_it_refuses_an_overlong_idempotency_key(caller, payload):
    response = caller("resident1").post("/cases", payload, HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert _fields(response) == ["Idempotency-Key"]


def test_it_stores_the_contact_phone_encrypted_and_shows_it_masked(caller, payload):
    response = caller("resident1").post("/cases", {**payload, "contact_phone": "138 1234 5678"})
    body = response.json()
    assert body["contact_phone"] == "138****5678"
    assert "13812345678" not in response.content.decode()
    case = Case.objects.get(number=body["number"])
    assert "13812345678" not in case.contact_phone_encrypted


def test_a_resident_may_not_claim_another_source_or_urgency(caller, payload):
    resident = caller("resident1")
    response = resident.post("/cases", {**payload, "source": "sensor"})
    assert (response.status_code, _fields(response)) == (400, ["source"])
    response = resident.post("/cases", {**payload, "urgent": True})
    assert (response.status_code, _fields(response)) == (400, ["urgent"])


def test_staff_report_with_their_source_and_urgency(caller, payload):
    response = caller("gridworker1").post("/cases", {**payload, "source": "patrol", "urgent": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["flags"]["is_urgent"]) == ("patrol", True)


def test_a_malformed_body_is_a_400_naming_the_body(caller):
    response = caller("resident1").post("/cases", raw='{"category": "0602", ')
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "body", "message": "The request body is not valid JSON."}]
    response = caller("resident1").post("/cases", raw="[1, 2]")  # valid JSON, not an object: a schema error
    assert (response.status_code, _fields(response)) == (422, ["body"])


def test_an_unknown_category_is_a_400_naming_category(caller, payload):
    for code in ("9999", "01"):  # absent, and a class rather than a sub-class
        response = caller("resident1").post("/cases", {**payload, "category": code})
        assert response.status_code == 400, response.content
        assert _fields(response) == ["category"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lon", 181, "Must be at most 180.0."),
        ("lon", -180.5, "Must be at least -180.0."),
        ("lat", 91, "Must be at most 90.0."),
        ("lat", "north", "Must be a number."),
        ("lon", None, "Must be a number."),
        ("lon", [120, 31], "Must be a number."),
    ],
)
def test_bad_coordinates_are_a_422_naming_the_field(caller, payload, field, value, message):
    response = caller("resident1").post("/cases", {**payload, field: value})
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [{"field": field, "message": message}]


def test_missing_fields_are_named(caller):
    response = caller("resident1").post("/cases", {})
    assert response.status_code == 422
    assert sorted(_fields(response)) == ["category", "description", "lat", "lon"]


def test_a_description_over_2000_characters_is_refused(caller, payload):
    response = caller("resident1").post("/cases", {**payload, "description": "字" * 2001})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "description", "message": "Must be at most 2000 characters long."}]
    assert caller("resident1").post("/cases", {**payload, "description": "字" * 2000}).status_code == 201


def test_a_blank_description_is_a_400_naming_it(caller, payload):
    response = caller("resident1").post("/cases", {**payload, "description": "   "})
    assert (response.status_code, _fields(response)) == (400, ["description"])


def test_a_huge_description_is_a_clean_error_naming_it(caller, payload):
    response = caller("resident1").post("/cases", {**payload, "description": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "description", "message": "Must be at most 2000 characters long."}]


def test_a_body_over_the_upload_limit_is_a_clean_400(caller, payload, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({**payload, "description": "x" * (2 * 1024 * 1024)})
    response = caller("resident1").post("/cases", raw=body)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "body", "message": "The request body is larger than 1 MB."}]


def test_script_tags_come_back_as_literal_text(caller, payload):
    text = '<script>alert("x")</script> & <b>渣土</b>'
    created = caller("resident1").post("/cases", {**payload, "description": text, "title": "<i>t</i>"})
    assert created.status_code == 201
    detail = caller("resident1").get(f"/cases/{created.json()['number']}").json()
    assert detail["description"] == text
    assert detail["title"] == "<i>t</i>"
    assert caller("resident1").get("/cases", {"q": "script"}).json()["items"][0]["title"] == "<i>t</i>"


def test_errors_are_translated(caller, payload):
    from tests.conftest import ApiClient

    client = caller("resident1")
    chinese = ApiClient(language="zh-hans")
    chinese.headers = client.headers
    response = chinese.post("/cases", {**payload, "lon": "east"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lon"
    assert response.json()["errors"][0]["message"] != "Must be a number."


def test_a_point_just_outside_every_region_goes_to_the_nearest_street_for_triage(caller, payload):
    edge = max(Region.objects.filter(is_active=True, max_lon__isnull=False).values_list("max_lon", flat=True))
    lat = Region.objects.filter(is_active=True, max_lon=edge).values_list("min_lat", "max_lat").first()
    response = caller("resident1").post("/cases", {**payload, "lon": edge + 0.005, "lat": sum(lat) / 2})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["flags"]["needs_triage"] is True
    assert body["region"]["level"] == "street"


def test_a_point_far_from_every_region_served_is_a_400_naming_lon(caller, payload):
    response = caller("resident1").post("/cases", {**payload, "lon": 0.0, "lat": 0.0})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["lon"]
    assert not Case.objects.exists()
