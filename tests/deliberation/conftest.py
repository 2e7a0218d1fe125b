"""Fixtures for deliberation: the demo town (community1's community carries the demo topics and meetings),
the personas of tests/people, and a meeting built through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.notices.conftest import publish  # noqa: F401
from tests.people.conftest import browser, caller, outsider, user  # noqa: F401
from wangge.accounts.models import User
from wangge.deliberation import services

GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
COMMUNITY_1 = "329901001001"  # community1, gridchief1
COMMUNITY_2 = "329901001002"
CATEGORY = "0506"


def staff() -> User:
    return User.objects.get(username="community1")


@pytest.fixture
def topic(db):
    def make(
        *,
        actor: str = "resident1",
        accept: bool | None = True,
        community: str = COMMUNITY_1,
        reviewer="community1",
        **extra,
    ):
        row = services.raise_topic(
            actor=User.objects.get(username=actor),
            community=community,
            title=extra.pop("title", "楼下路灯不亮"),
            description=extra.pop("description", "晚上回家看不清路"),
            **extra,
        )
        if accept is not None:
            row = services.review_topic(
                actor=User.objects.get(username=reviewer), topic=row, accept=accept, reason="讨论"
            )
        return row

    return make


@pytest.fixture
def meeting(db):
    def make(*, topics=(), participants=(), invite_residents: bool = True, community: str = COMMUNITY_1):
        return services.call_meeting(
            actor=staff(),
            draft=services.MeetingDraft(
                community=community,
                title="百姓议事会",
                place_kind="pavilion",
                place="百姓说事亭",
                starts_at=timezone.now() + timedelta(days=1),
                invite_residents=invite_residents,
                participants=list(participants),
                topics=[t.pk for t in topics],
            ),
        )

    return make
