"""Writing: a plain form POST (with ``requests``, as any client would send it) enters the case loop, its
token finds it, a retry with the same Idempotency-Key answers the first; bad input is refused with the
spec's error list and leaves nothing behind."""

import xml.etree.ElementTree as ET

import pytest
import requests

from tests.cases.conftest import GRID_1, point_in
from tests.open311.conftest import BASE, PRIVATE
from wangge.accounts.models import AuditLog
from wangge.cases.models import Case, Source
from wangge.core import pii
from wangge.open311 import services
from wangge.open311.models import ServiceRequest
from wangge.regions.models import Region


@pytest.fixture
def form(key):
    lon, lat = point_in(GRID_1)
    return {
        "api_key": key,
        "service_code": "0201",
        "lat": f"{lat:.7f}",
        "long": f"{lon:.7f}",
        "description": "路面有个大坑",
        "attribute[size]": "medium",
        "attribute[lane_blocked]": "yes",
        "media_url": "https://photos.example.org/pothole.jpg",
        "email": "wang@example.org",
        "phone": "13912345678",
        "first_name": "小明",
        "last_name": "王",
    }


def _xml(content: bytes):
    return ET.fromstring(content)  # noqa: S314 (our own answer, read back by the test)


def _errors(response) -> list[str]:
    body = response.json()
    assert all(e["code"] == response.status_code for e in body)
    return [e["description"] for e in body]


def test_a_form_post_enters_the_case_loop(transport, form):
    response = requests.post(f"{BASE}/requests.json", data=form, timeout=5)
    assert response.status_code == 201, response.text
    [answer] = response.json()
    case = Case.objects.get(number=answer["service_request_id"])
    assert (case.source, case.category.code, case.status) == (Source.OPEN311, "0201", "reported")
    assert case.grid.code == GRID_1 and not case.needs_triage
    assert case.description.startswith("路面有个大坑")
    assert "1至5平方米" in case.description and form["media_url"] in case.description  # for the staff
    assert case.contact_phone_masked == "139****5678"
    assert pii.decrypt(case.contact_phone_encrypted) == "13912345678"
    stored = ServiceRequest.objects.get(case=case)
    assert stored.token == answer["token"]
    assert stored.attributes == {"size": "medium", "lane_blocked": "yes"}
    assert "wang@example.org" not in stored.email_encrypted
    assert pii.decrypt(stored.email_encrypted) == "wang@example.org"
    assert pii.decrypt(stored.first_name_encrypted) == "小明"
    assert AuditLog.objects.filter(action="open311.request.submit", object_id=str(case.pk)).exists()
    # The token finds it; the public view shows it without the personal data.
    [found] = requests.get(f"{BASE}/tokens/{answer['token']}.json", timeout=5).json()
    assert found == {"service_request_id": case.number, "token": answer["token"]}
    [public] = requests.get(f"{BASE}/requests/{case.number}.json", timeout=5).json()
    assert public["media_url"] == form["media_url"] and public["status"] == "open"
    assert "13912345678" not in str(public) and "wang@example.org" not in str(public)


def test_post_and_token_in_xml(transport, form):
    response = requests.post(f"{BASE}/requests.xml", data=form, timeout=5)
    assert response.status_code == 201
    root = _xml(response.content)
    assert root.tag == "service_requests"
    number, token = root.findtext("request/service_request_id"), root.findtext("request/token")
    assert Case.objects.filter(number=number).exists()
    found = _xml(requests.get(f"{BASE}/tokens/{token}.xml", timeout=5).content)
    assert found.findtext("request/service_request_id") == number


def test_a_retry_with_the_same_key_answers_the_first(transport, form):
    headers = {"Idempotency-Key": "fms-4711"}
    first = requests.post(f"{BASE}/requests.json", data=form, headers=headers, timeout=5)
    again = requests.post(f"{BASE}/requests.json", data=form, headers=headers, timeout=5)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert ServiceRequest.objects.count() == 1
    # Another client's same key is its own.
    other_key, _client = services.create_client(actor=None, name="Other")
    other = requests.post(f"{BASE}/requests.json", data={**form, "api_key": other_key}, headers=headers, timeout=5)
    assert other.status_code == 201 and other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]


def test_an_address_of_the_ledger_places_the_request(transport, form):
    from wangge.people.models import Building, Compound

    compound = Compound.objects.filter(region_path__startswith=Region.objects.get(code=GRID_1).path).first()
    building = Building.objects.filter(compound=compound, lon__isnull=False).order_by("-name").first()
    del form["lat"], form["long"]
    form["address_string"] = f"{compound.address} {compound.name}{building.name}"
    response = requests.post(f"{BASE}/requests.json", data=form, timeout=5)
    assert response.status_code == 201, response.text
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert (case.lon, case.lat) == (building.lon, building.lat)
    assert case.address == form["address_string"]  # kept for the staff, never shown publicly
    form["address_string"] = "火星路1号"
    response = requests.post(f"{BASE}/requests.json", data=form, timeout=5)
    assert response.status_code == 400 and "address_string" in _errors(response)[0]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "9999"}, "service_code"),
        ({"service_code": PRIVATE}, "service_code"),
        ({"lat": "", "long": ""}, "lat"),
        ({"lat": "north"}, "lat"),
        ({"lat": "0", "long": "0"}, "outside every grid"),
        ({"media_url": "https://example.org/" + "x" * 600}, "media_url"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"attribute[size]": "huge"}, "attribute[size]"),
        ({"attribute[size]": ""}, "attribute[size]"),
        ({"attribute[colour]": "red"}, "attribute[colour]"),
        ({"description": "x" * 2001}, "description"),
        ({"first_name": "小\u202e明"}, "first_name"),
    ],
)
def test_bad_fields_are_400_naming_them_and_write_nothing(transport, form, change, named):
    before = Case.objects.count()
    response = requests.post(f"{BASE}/requests.json", data={**form, **change}, timeout=5)
    assert response.status_code == 400, response.text
    assert any(named in description for description in _errors(response)), response.text
    assert Case.objects.count() == before


def test_a_point_outside_every_grid_names_the_point(transport, form):
    response = requests.post(f"{BASE}/requests.json", data={**form, "lat": "31.0", "long": "121.0"}, timeout=5)
    assert response.status_code == 400
    [description] = _errors(response)
    assert "lat=31.000000 long=121.000000" in description


def test_bad_or_revoked_keys_are_403(transport, form, client_app):
    for key in ("", "o311_guess", "x" * 500):
        response = requests.post(f"{BASE}/requests.json", data={**form, "api_key": key}, timeout=5)
        assert response.status_code == 403 and "api_key" in _errors(response)[0]
    services.revoke_client(actor=None, client=client_app)
    response = requests.post(f"{BASE}/requests.xml", data={**form, "api_key": client_app.key}, timeout=5)
    assert response.status_code == 403
    assert _xml(response.content).findtext("error/code") == "403"
    # A read naming a revoked key is refused too (a client learns its key is dead).
    assert requests.get(f"{BASE}/services.json", params={"api_key": client_app.key}, timeout=5).status_code == 403
    assert Case.objects.filter(source=Source.OPEN311).count() == 0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"service_code": "0201"}'),
        ("text/xml", "<request><service_code>0201</service_code></request>"),
        ("", "service_code=0201"),
    ],
)
def test_json_or_xml_bodies_are_refused_with_the_content_type_named(transport, key, content_type, body):
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(f"{BASE}/requests.json?api_key={key}", data=body.encode(), headers=headers, timeout=5)
    assert response.status_code == 400
    assert "form-encoded" in _errors(response)[0]


def test_a_multipart_form_is_accepted_too(web, form):
    response = web.post("/open311/v2/requests.json", form)  # Django's client posts multipart
    assert response.status_code == 201, response.content


def test_writes_are_rate_limited_per_key(transport, form, key):
    from wangge.open311.models import ClientApp

    ClientApp.objects.filter(prefix=key[:10]).update(requests_per_minute=2)
    statuses = [
        requests.post(f"{BASE}/requests.json", data={**form, "service_code": "9999"}, timeout=5).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
