"""Fixtures for the Open311 tests: a client key, cases in public and private categories, and a
``requests`` transport that hands a real client's HTTP requests to Django in this thread (so the test's
transaction is what the client reads), for third-party clients such as ``georeport``."""

import io
from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client

from tests.cases.conftest import GRID_1, png, point_in
from tests.common import _english, _plain_static_files  # noqa: F401
from wangge.accounts.models import User
from wangge.cases import services as case_services
from wangge.open311 import services

BASE = "http://open311.test/open311/v2"
PUBLIC = "0602"  # 积存垃圾渣土: a city event, public; street level, city management
PRIVATE = "1101"  # 邻里纠纷: a dispute, never public


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the rate limits count in the cache
    yield
    cache.clear()


@pytest.fixture
def key(db):
    key, _client = services.create_client(actor=None, name="FixMyStreet test")
    return key


@pytest.fixture
def client_app(db):
    key, client = services.create_client(actor=None, name="Kiosk")
    client.key = key
    return client


@pytest.fixture
def web(db):
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _user(name):
    return User.objects.get(username=name)


@pytest.fixture
def make_case(db):
    """make_case(category=PUBLIC, status="reported", **report fields) → a case moved along the ordinary path."""
    counter = iter(range(1, 10_000))

    def make(category: str = PUBLIC, status: str = "reported", **fields):
        lon, lat = point_in(GRID_1)
        values = {
            "category": category,
            "description": f"垃圾堆在路边 #{next(counter)}，联系13812345678",
            "lon": lon,
            "lat": lat,
            "address": "幸福小区3幢201室",
            "contact_name": "王小明",
        }
        values.update(fields)
        case, _ = case_services.report_case(actor=_user("resident1"), report=case_services.Report(**values))
        path = [
            ("accepted", "accept", "operator", {}),
            ("dispatched", "dispatch", "dispatcher", {"opinion": "请城管处理（内部）"}),
            ("in_progress", "sign", "department1", {}),
            (
                "handled",
                "feedback",
                "department1",
                {"opinion": "已清运", "photo_before": [png("b.png")], "photo_after": [png("a.png")]},
            ),
            ("verified", "verify_pass", "gridworker1", {}),
            ("closed", "close", "operator", {"opinion": "已办结"}),
        ]
        if status == "rejected":
            path = [("rejected", "reject", "operator", {"opinion": "不属于受理范围"})]
        for reached, action, who, params in path:
            if case.status == status:
                break
            case = case_services.transition(case, action, actor=_user(who), **params)
            assert case.status == reached
        return case

    return make


class DjangoTransport(requests.adapters.BaseAdapter):
    """A ``requests`` adapter that answers through Django's test client instead of a socket: the client
    library builds and parses real HTTP requests and answers, only the wire is left out."""

    def __init__(self):
        super().__init__()
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        self.seen: list[str] = []

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.seen.append(path)
        extra = {
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in request.headers.items()
            if k.lower() not in ("content-type", "content-length")
        }
        if request.method == "GET":
            answer = self.client.get(path, **extra)
        else:
            body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
            answer = self.client.generic(
                request.method, path, body, content_type=request.headers.get("Content-Type", ""), **extra
            )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers.items())
        response.raw = io.BytesIO(answer.content)
        response._content = answer.content
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def transport(db, monkeypatch):
    """Every ``requests`` call to http://open311.test goes to this Django, in the test's transaction."""
    adapter = DjangoTransport()
    original = requests.Session.get_adapter

    def get_adapter(self, url):
        return adapter if url.startswith("http://open311.test/") else original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter
