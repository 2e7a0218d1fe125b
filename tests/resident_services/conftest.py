"""Fixtures for services to residents: the demo town (with its service points, activities and wishes) and
the ledger personas of tests/people; helpers that build wishes and activities through the services."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.people.conftest import browser, caller, outsider, user  # noqa: F401
from wangge.accounts import services as account_services
from wangge.accounts.models import Membership, Role, User
from wangge.regions.models import Region
from wangge.services import services

GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
COMMUNITY_1 = "329901001001"  # community1
STREET_1 = "329901001000"  # leader
GRID_OTHER_STREET = "329901002001001"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def far_resident(db):
    """A resident of a grid in the second street: outside every wish and activity of the first."""
    made = account_services.create_user(actor=None, username="far_resident", password=None)
    Membership.objects.create(user=made, role=Role.RESIDENT, region=Region.objects.get(code=GRID_OTHER_STREET))
    return made


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def wish_of(db):
    """wish_of(status="open") → a wish resident1 posted in GRID_1, taken to that status by the services."""

    def make(status: str = "open", *, title: str = "一副老花镜", poster: str = "resident1"):
        wish = services.post_wish(actor=_user(poster), title=title, reason="看报纸看不清", region=GRID_1)
        if status == "pending":
            return wish
        if status == "withdrawn":
            return services.withdraw_wish(actor=_user(poster), wish=wish)
        wish = services.review_wish(actor=_user("community1"), wish=wish, approve=status != "rejected", note="不符合")
        if status in ("open", "rejected"):
            return wish
        wish = services.claim_wish(actor=_user("gridworker2"), wish=wish, kind="member", name="张党员")
        if status == "claimed":
            return wish
        wish = services.fulfil_wish(actor=_user("gridworker2"), wish=wish, photo=png(), note="已送到")
        if status == "fulfilled":
            return wish
        return services.confirm_wish(actor=_user(poster), wish=wish, thanks="谢谢！")

    return make


@pytest.fixture
def activity_of(db):
    """activity_of(capacity=2) → an activity in community 1 starting in two hours, planned by community1."""

    def make(capacity: int = 2, *, starts_in: timedelta = timedelta(hours=2), title: str = "爱心义剪"):
        starts = timezone.now() + starts_in
        return services.plan_activity(
            actor=_user("community1"),
            kind="haircut",
            title=title,
            region=COMMUNITY_1,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=capacity,
            organiser="社区党总支",
            address="社区广场",
        )

    return make


def residents(count: int, code: str = GRID_1) -> list[User]:
    """``count`` new resident accounts in the grid ``code``."""
    region = Region.objects.get(code=code)
    made = []
    for number in range(count):
        person = account_services.create_user(actor=None, username=f"r{code[-3:]}_{number}", password=None)
        Membership.objects.create(user=person, role=Role.RESIDENT, region=region)
        made.append(person)
    return made
