"""Fixtures for the ledger tests: personas, a small ledger in two neighbouring grids built through the
services, fictional ID numbers with correct check digits."""

import io
import json
from datetime import date

import pytest
import shapely
from django.test import Client

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.conftest import ApiClient
from wangge.accounts import services as account_services
from wangge.accounts.models import User
from wangge.people import services
from wangge.people.validators import id_check_char
from wangge.regions.models import Region

GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
COMMUNITY_1 = "329901001001"  # community1, gridchief1
GRID_OTHER_STREET = "329901002001001"
PERSONAS = ["gridworker1", "gridworker2", "community1", "leader", "resident1", "department1", "outsider"]


def id_number(birth: date = date(1980, 5, 1), male: bool = True, seq: int = 1, prefix: str = "320583") -> str:
    """A fictional resident ID number with a correct GB 11643 check digit."""
    sequence = seq * 2 - 1 if male else seq * 2
    first17 = f"{prefix}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def point_in(code: str) -> tuple[float, float]:
    region = Region.objects.get(code=code)
    point = shapely.from_geojson(json.dumps(region.boundary)).representative_point()
    return round(point.x, 7), round(point.y, 7)


@pytest.fixture
def outsider(db):
    return account_services.create_user(actor=None, username="outsider", password=None)


@pytest.fixture
def user(db, outsider):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def caller(db, outsider):
    """caller("gridworker1") → an ApiClient with a token issued directly (no password hashing per test)."""
    made: dict[str, ApiClient] = {}

    def make(persona: str) -> ApiClient:
        if persona not in made:
            key, _token = account_services.issue_token(user=User.objects.get(username=persona))
            made[persona] = ApiClient(key)
        return made[persona]

    return make


@pytest.fixture
def browser(db, outsider):
    def make(username: str, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(User.objects.get(username=username))
        return client

    return make


class Ledger:
    """What the ``ledger`` fixture built: a compound with one building in each of two grids."""

    def __init__(self, user):
        self.worker1 = user("gridworker1")
        self.worker2 = user("gridworker2")
        lon1, lat1 = point_in(GRID_1)
        lon2, lat2 = point_in(GRID_2)
        self.compound1 = services.create_compound(
            actor=self.worker1, data={"name": "测试花园", "lon": lon1, "lat": lat1}
        )
        self.building1 = services.create_building(
            actor=self.worker1,
            data={
                "compound": self.compound1,
                "name": "1幢",
                "floors": 3,
                "units": 2,
                "rooms_per_floor": 2,
                "lon": lon1,
                "lat": lat1,
            },
        )
        self.building2 = services.create_building(
            actor=self.worker2,
            data={"name": "测试村9号", "floors": 2, "units": 1, "rooms_per_floor": 1, "lon": lon2, "lat": lat2},
        )
        self.house1 = self.building1.houses.get(unit=1, floor=2, position=1)  # 1单元201
        self.house2 = self.building2.houses.get(floor=1, position=1)
        self.household1 = services.create_household(actor=self.worker1, data={"house": self.house1, "number": "H001"})
        self.household2 = services.create_household(actor=self.worker2, data={"house": self.house2, "number": "H002"})
        self.id1 = id_number(date(1950, 3, 8), male=True, seq=11)
        self.id1b = id_number(date(1953, 7, 1), male=False, seq=12)
        self.id2 = id_number(date(1990, 1, 20), male=False, seq=13)
        self.phone1 = "13912345678"
        self.phone2 = "13787654321"
        self.person1 = services.create_person(
            actor=self.worker1,
            data={
                "name": "王建国",
                "id_number": self.id1,
                "phone": self.phone1,
                "household": self.household1,
                "relation": "head",
            },
        )
        self.person1b = services.create_person(
            actor=self.worker1,
            data={"name": "李秀英", "id_number": self.id1b, "household": self.household1, "relation": "spouse"},
        )
        self.person2 = services.create_person(
            actor=self.worker2,
            data={
                "name": "赵敏",
                "id_number": self.id2,
                "phone": self.phone2,
                "household": self.household2,
                "relation": "head",
            },
        )
        self.label1 = services.add_label(
            actor=self.worker1, person=self.person1, kind="disability", details={"category": "physical", "level": 2}
        )

    @property
    def plain_numbers(self) -> list[str]:
        return [self.id1, self.id1b, self.id2, self.phone1, self.phone2]


@pytest.fixture
def ledger(db, user):
    return Ledger(user)


def xlsx(rows: list[list], *, title_rows: list[list] | None = None, merge: str = "") -> bytes:
    """An .xlsx file whose first sheet holds ``title_rows`` then ``rows``."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in (title_rows or []) + rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
