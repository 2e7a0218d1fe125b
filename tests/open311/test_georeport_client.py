"""A third-party client reads us unchanged: the ``georeport`` package (PyPI), in JSON and in XML.

Its real code builds the URLs and parameters and parses the answers (``xmltodict`` for XML); only the
socket is replaced by ``DjangoTransport`` (conftest), so the client reads this test's data."""

import pytest
from georeport import GeoReport

from tests.open311.conftest import BASE, PUBLIC


@pytest.fixture
def cases(make_case):
    return make_case(status="in_progress"), make_case(status="closed")


def test_json_reads(transport, cases):
    handling, closed = cases
    client = GeoReport(BASE, output_format="json")
    services = client.get_service_list()
    assert PUBLIC in [s["service_code"] for s in services]
    definition = client.get_service_definition("0201")
    assert definition["attributes"][0]["code"] == "size"
    rows = client.get_service_requests()
    assert sorted(r["service_request_id"] for r in rows) == sorted([handling.number, closed.number])
    assert [r["service_request_id"] for r in client.get_service_requests(status="open")] == [handling.number]
    assert client.get_service_requests(service_code="0201") == []
    one = client.get_service_request(closed.number)
    assert (one["status"], one["status_notes"]) == ("closed", "已办结")
    assert transport.seen[0] == "/open311/v2/services.json"


def test_xml_reads(transport, cases):
    handling, closed = cases
    client = GeoReport(BASE, output_format="xml")
    services = client.get_service_list()
    road = next(s for s in services if s["service_code"] == "0201")
    assert road["metadata"] == "true"
    definition = client.get_service_definition("0201")
    attributes = definition["attributes"]["attribute"]
    first = attributes[0] if isinstance(attributes, list) else attributes
    assert first["code"] == "size"
    assert [v["key"] for v in first["values"]["value"]] == ["small", "medium", "large"]
    rows = client.get_service_requests()
    assert sorted(r["service_request_id"] for r in rows) == sorted([handling.number, closed.number])
    # One match is one element, which xmltodict reads as a mapping, not a list of one.
    only = client.get_service_requests(service_request_id=handling.number)
    assert only["service_request_id"] == handling.number and only["status"] == "open"
    one = client.get_service_request(closed.number)
    assert one["status"] == "closed" and one["requested_datetime"].endswith("+08:00")
    assert transport.seen[-1] == f"/open311/v2/requests/{closed.number}.xml"


def test_errors_surface_as_http_errors(transport):
    import requests

    client = GeoReport(BASE)
    with pytest.raises(requests.HTTPError) as raised:
        client.get_service_definition("1101")  # private
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()[0]["code"] == 404
