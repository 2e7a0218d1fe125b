"""Publishing a notice tells everyone it is addressed to in their inbox, once; a scheduled notice tells them
when its window opens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.notices.conftest import COMMUNITY_1, GRID_1
from wangge.accounts.models import User
from wangge.inbox.models import Message
from wangge.notices import services

pytestmark = pytest.mark.django_db


def told(notice) -> set[str]:
    return set(Message.objects.filter(url=f"/notices/{notice.pk}/").values_list("user__username", flat=True))


def test_a_grid_notice_reaches_its_residents_and_staff_not_the_next_grid(publish):
    notice = publish(GRID_1)
    readers = told(notice)
    assert {"resident1", "gridworker1"} <= readers
    assert "gridworker2" not in readers and "community1" not in readers  # publisher, and the community above
    assert Message.objects.filter(url=f"/notices/{notice.pk}/", user__username="resident1").get().kind == "notice"


def test_a_community_notice_reaches_every_grid_below(publish):
    assert {"resident1", "gridworker1", "gridworker2", "gridchief1"} <= told(publish(COMMUNITY_1))


def test_a_scheduled_notice_waits_for_its_window_and_is_told_once(publish):
    start = timezone.now() + timedelta(hours=2)
    notice = publish(GRID_1, publish_from=start)
    assert told(notice) == set()
    assert services.tell_opened_windows(now=timezone.now()) == 0
    told_now = services.tell_opened_windows(now=start + timedelta(minutes=1))
    assert told_now >= 1 and "resident1" in told(notice)
    assert services.tell_opened_windows(now=start + timedelta(minutes=6)) == 0
    assert services.tell_readers(notice) == 0
    assert (
        Message.objects.filter(url=f"/notices/{notice.pk}/", user=User.objects.get(username="resident1")).count() == 1
    )
