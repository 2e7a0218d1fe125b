"""The read routes in JSON and XML: the spec's element names, filters, the 90-day window, and the public
view (public categories only, no personal data)."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.utils import timezone

from tests.open311.conftest import PRIVATE, PUBLIC
from wangge.cases.models import Case, Category
from wangge.regions.models import Region

STREET_1, COMMUNITY_1 = "329901001000", "329901001001"

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def _xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own answer, read back by the test)


def test_discovery_names_the_endpoint_and_both_formats(web):
    body = web.get("/open311/v2/discovery.json").json()
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = _xml(web.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("changeset").endswith("+08:00")


def test_services_are_the_public_subclasses_grouped_by_class(web):
    response = web.get("/open311/v2/services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    codes = [s["service_code"] for s in services]
    public = list(
        Category.objects.filter(public=True, parent__isnull=False, is_active=True).values_list("code", flat=True)
    )
    assert codes == sorted(public) and PUBLIC in codes and PRIVATE not in codes
    road = next(s for s in services if s["service_code"] == "0201")
    parent = Category.objects.get(code="02")
    assert road["group"] == (parent.name_en or parent.name)  # the class, in the language asked for
    assert road["metadata"] is True  # the demo asks how large the hole is
    assert road["type"] == "realtime"
    assert next(s for s in services if s["service_code"] == PUBLIC)["metadata"] is False
    root = _xml(web.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert root.find("service[service_code='0201']/metadata").text == "true"


def test_service_definition_lists_the_attributes(web):
    body = web.get("/open311/v2/services/0201.json").json()
    assert body["service_code"] == "0201"
    size = body["attributes"][0]
    assert (size["code"], size["datatype"], size["required"], size["variable"], size["order"]) == (
        "size",
        "singlevaluelist",
        True,
        True,
        1,
    )
    assert [v["key"] for v in size["values"]] == ["small", "medium", "large"]
    root = _xml(web.get("/open311/v2/services/0201.xml"))
    assert root.tag == "service_definition"
    assert [v.text for v in root.findall("attributes/attribute[code='size']/values/value/key")] == [
        "small",
        "medium",
        "large",
    ]
    assert web.get(f"/open311/v2/services/{PUBLIC}.json").json()["attributes"] == []


def test_a_private_or_unknown_service_is_404_with_the_error_list(web):
    for code in (PRIVATE, "9999", "01"):  # private, absent, a class
        response = web.get(f"/open311/v2/services/{code}.json")
        assert response.status_code == 404
        [error] = response.json()
        assert error["code"] == 404 and error["description"]
    root = _xml(web.get(f"/open311/v2/services/{PRIVATE}.xml"))
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_requests_in_both_formats_carry_the_spec_fields(web, make_case):
    case = make_case()
    [row] = web.get("/open311/v2/requests.json").json()
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == case.number
    assert row["status"] == "open"
    assert row["service_code"] == PUBLIC
    assert row["requested_datetime"].endswith("+08:00")
    assert row["lat"] == case.lat and row["long"] == case.lon
    root = _xml(web.get("/open311/v2/requests.xml"))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == case.number


def test_the_public_view_shows_no_personal_data(web, make_case):
    case = make_case()
    body = web.get("/open311/v2/requests.json").content.decode()
    xml = web.get(f"/open311/v2/requests/{case.number}.xml").content.decode()
    for text in (body, xml):
        assert "王小明" not in text  # the reporter's name
        assert "13812345678" not in text  # their phone, even where they typed it into the description
        assert "138****5678" in text
        assert "幸福小区3幢201室" not in text  # the address they typed
    [row] = web.get(f"/open311/v2/requests/{case.number}.json").json()
    street, community = Region.objects.get(code=STREET_1), Region.objects.get(code=COMMUNITY_1)
    assert row["address"] == f"{street.name} {community.name}"  # the street and community instead


def test_only_public_categories_and_no_ledger_linked_cases(web, make_case):
    public = make_case()
    private = make_case(category=PRIVATE)
    numbers = [r["service_request_id"] for r in web.get("/open311/v2/requests.json").json()]
    assert numbers == [public.number]
    assert web.get(f"/open311/v2/requests/{private.number}.json").status_code == 404
    asked = web.get("/open311/v2/requests.json", {"service_request_id": f"{public.number},{private.number}"})
    assert [r["service_request_id"] for r in asked.json()] == [public.number]
    # A category made private later takes its cases out of the public view at once.
    Category.objects.filter(code=PUBLIC).update(public=False)
    assert web.get("/open311/v2/requests.json").json() == []
    assert web.get(f"/open311/v2/requests/{public.number}.json").status_code == 404


def test_status_notes_agency_and_expected_datetime(web, make_case):
    handling = make_case(status="in_progress")
    closed = make_case(status="closed")
    rejected = make_case(status="rejected")
    rows = {r["service_request_id"]: r for r in web.get("/open311/v2/requests.json").json()}
    open_row = rows[handling.number]
    assert open_row["status"] == "open"
    assert open_row["agency_responsible"] == handling.assigned_department.name
    assert open_row["status_notes"] == ""  # the dispatcher's note is internal
    assert open_row["expected_datetime"] is not None
    handling.refresh_from_db()
    assert open_row["expected_datetime"] == timezone.localtime(handling.due_at).replace(microsecond=0).isoformat()
    closed_row = rows[closed.number]
    assert closed_row["status"] == "closed"
    assert closed_row["status_notes"] == "已办结"
    assert closed_row["expected_datetime"] is not None  # the deadline it was handled against
    assert rows[rejected.number]["status"] == "closed"
    assert rows[rejected.number]["status_notes"] == "不属于受理范围"
    assert rows[rejected.number]["expected_datetime"] is None  # never handled


def test_filters_status_code_and_ids(web, make_case):
    handling = make_case(status="in_progress")
    closed = make_case(status="closed")

    def numbers(**params):
        response = web.get("/open311/v2/requests.json", params)
        assert response.status_code == 200, response.content
        return sorted(r["service_request_id"] for r in response.json())

    assert numbers(status="open") == [handling.number]
    assert numbers(status="closed") == [closed.number]
    assert numbers(status="open,closed") == sorted([handling.number, closed.number])
    assert numbers(service_code="0201") == []
    assert numbers(service_code=f"0201,{PUBLIC}") == sorted([handling.number, closed.number])
    assert numbers(service_request_id=closed.number, status="open") == [closed.number]  # ids override


def test_the_default_window_is_the_last_90_days(web, make_case):
    recent, old = make_case(), make_case()
    now = timezone.now()
    Case.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=100))

    def numbers(**params):
        return [r["service_request_id"] for r in web.get("/open311/v2/requests.json", params).json()]

    assert numbers() == [recent.number]
    start = (now - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(start_date=start, end_date=end) == [old.number]
    assert numbers(start_date=start) == [old.number]  # 90 days from the start
    assert numbers(end_date=end) == [old.number]  # 90 days up to the end
    # An old case is still found by its id.
    assert numbers(service_request_id=old.number) == [old.number]


def test_bad_filters_are_400_with_the_error_list(web):
    for params, named in [
        ({"status": "pending"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date"),
    ]:
        response = web.get("/open311/v2/requests.json", params)
        assert response.status_code == 400
        [error] = response.json()
        assert error["code"] == 400 and named in error["description"]
    response = web.get("/open311/v2/requests.xml", {"status": "pending"})
    root = _xml(response)
    assert response.status_code == 400 and root.findtext("error/code") == "400"


def test_unknown_format_method_and_absent_records(web):
    response = web.get("/open311/v2/services.csv")
    assert response.status_code == 400 and "json" in response.json()[0]["description"]
    response = web.delete("/open311/v2/requests.json")
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
    assert web.get("/open311/v2/requests/329901-20200101-0001.json").status_code == 404
    assert web.get("/open311/v2/tokens/nope.xml").status_code == 404


def test_answers_are_utf8_and_readable_from_any_page(web, make_case):
    make_case()
    response = web.get("/open311/v2/requests.xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "垃圾".encode() in response.content
    assert response["Access-Control-Allow-Origin"] == "*"


def test_reads_are_rate_limited_per_address_without_a_key(web, settings):
    settings.OPEN311_ANONYMOUS_PER_MINUTE = 3
    statuses = [web.get("/open311/v2/services.json").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert web.get("/open311/v2/services.json").json()[0]["code"] == 429
