"""Fixtures for disputes: the demo town (gridworker1's grid carries demo disputes), the personas of tests/people
and a ``dispute`` factory that registers through the service."""

import pytest

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.people.conftest import browser, caller, id_number, outsider, user  # noqa: F401
from wangge.accounts.models import User
from wangge.mediation import services

GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
COMMUNITY_1 = "329901001001"  # community1
STREET_1 = "329901001000"  # leader
DISPUTE_CATEGORY = "1101"  # 邻里纠纷 under 矛盾纠纷


def party(name: str = "张三", **extra) -> services.PartyIn:
    return services.PartyIn(name=name, **extra)


@pytest.fixture
def dispute(db):
    def make(grid: str = GRID_1, *, actor: str = "gridworker1", parties=None, **extra):
        fields = {"kind": "neighbour", "region": grid, "title": "楼上漏水", "summary": "楼上漏水到楼下", **extra}
        data = services.DisputeIn(parties=parties or [party("张三", phone="13900001111"), party("李四")], **fields)
        return services.register(actor=User.objects.get(username=actor), data=data)

    return make
