"""The demo notices: four in each community of the first street, one with a poll, one edited once."""

import pytest

from tests.notices.conftest import COMMUNITY_1, STREET_2
from wangge.accounts.models import User
from wangge.notices import selectors
from wangge.notices.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db


def test_the_first_street_has_the_demo_notices():
    mine = Notice.objects.filter(region__code=COMMUNITY_1)
    assert sorted(mine.values_list("kind", flat=True)) == sorted(NoticeKind.values)
    assert mine.get(kind=NoticeKind.RESIDENTS).questions.count() == 2
    finance = mine.get(kind=NoticeKind.FINANCE)
    assert finance.revision == 2 and finance.revisions.count() == 2
    assert not Notice.objects.filter(region_path__startswith=_path(STREET_2)).exists()


def test_resident1_sees_them_unread():
    rows = selectors.notices_filtered(User.objects.get(username="resident1"))
    demo = rows.filter(region__code=COMMUNITY_1)
    assert demo.count() == 4 and not any(row.read for row in demo)


def _path(code: str) -> str:
    from wangge.regions.models import Region

    return Region.objects.get(code=code).path
