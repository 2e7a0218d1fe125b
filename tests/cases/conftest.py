"""Fixtures for the cases tests: personas with tokens, points inside demo grids, reports, images."""

import io
import json

import pytest
import shapely
from django.test import Client
from PIL import Image

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.conftest import ApiClient
from wangge.accounts import services as account_services
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case
from wangge.regions.models import Region

GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
GRID_OTHER_STREET = "329901002001001"
# A street-level city-management category (default department: city management, where department1
# works) that needs before and after photos as evidence.
CATEGORY = "0602"
ON_SPOT_CATEGORY = "0601"
PERSONAS = [
    "resident1",
    "gridworker1",
    "gridworker2",
    "department1",
    "dispatcher",
    "operator",
    "dutychief",
    "community1",
    "leader",
    "admin",
    "outsider",
]


def point_in(code: str) -> tuple[float, float]:
    """A point strictly inside the region's boundary."""
    region = Region.objects.get(code=code)
    point = shapely.from_geojson(json.dumps(region.boundary)).representative_point()
    return point.x, point.y


def image_bytes(fmt: str = "PNG", size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def png(name: str = "photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


class CaseApiClient(ApiClient):
    """ApiClient plus multipart posts (files), and the username it stands for."""

    def __init__(self, token: str | None = None, username: str | None = None, language: str = "en"):
        super().__init__(token, language=language)
        self.username = username

    def post_multipart(self, path, data, **extra):
        return self.client.post(f"/api/v1{path}", data, **self.headers, **extra)

    def act(self, number: str, action: str, **fields):
        return self.post(f"/cases/{number}/actions", {"action": action, **fields})


@pytest.fixture
def outsider(db):
    """An account with no membership at all."""
    return account_services.create_user(actor=None, username="outsider", password=None)


@pytest.fixture
def caller(db, outsider):
    """caller("gridworker1") → a CaseApiClient with a token issued directly; caller(None) is anonymous."""
    made: dict[str, CaseApiClient] = {}

    def make(persona: str | None) -> CaseApiClient:
        if persona is None:
            return CaseApiClient()
        if persona not in made:
            key, _token = account_services.issue_token(user=User.objects.get(username=persona))
            made[persona] = CaseApiClient(key, username=persona)
        return made[persona]

    return make


@pytest.fixture
def report(db):
    """report(as_="resident1", grid=GRID_1, category=CATEGORY, **fields) → a reported Case (via the service)."""
    counter = iter(range(1, 10_000))

    def make(as_: str | None = "resident1", grid: str = GRID_1, category: str = CATEGORY, **fields) -> Case:
        lon, lat = point_in(grid)
        actor = User.objects.get(username=as_) if as_ else None
        values = {
            "category": category,
            "description": f"渣土堆在路边 #{next(counter)}",
            "lon": lon,
            "lat": lat,
            "address": "测试路1号",
            "contact_phone": "" if actor else "13812345678",
        }
        values.update(fields)
        case, created = services.report_case(actor=actor, report=services.Report(**values))
        assert created
        return case

    return make


@pytest.fixture
def browser(db):
    def make(username: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(User.objects.get(username=username))
        return client

    return make
