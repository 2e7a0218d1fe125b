"""Fixtures for notices: the demo town (its first street carries the demo notices), the personas of
tests/people, a publisher and a few more resident accounts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.people.conftest import browser, caller, outsider, user  # noqa: F401
from wangge.accounts import services as account_services
from wangge.accounts.models import Role, User
from wangge.notices import services
from wangge.notices.models import QuestionKind
from wangge.regions.models import Region

GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
COMMUNITY_1 = "329901001001"  # community1, gridchief1
COMMUNITY_2 = "329901001002"
STREET_1 = "329901001000"  # leader
STREET_2 = "329901002000"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def resident(username: str, grid: str) -> User:
    account = account_services.create_user(actor=None, username=username, password=None)
    account_services.grant_membership(
        actor=None, user=account, role=Role.RESIDENT, region=Region.objects.get(code=grid)
    )
    return account


def draft(region: str = COMMUNITY_1, *, poll: bool = False, **extra) -> services.Draft:
    questions = (
        [
            services.Question("同意加装电梯吗？", ["同意", "不同意"], QuestionKind.SINGLE),
            services.Question("关心什么？", ["费用", "噪音", "采光"], QuestionKind.MULTIPLE),
        ]
        if poll
        else []
    )
    fields = {"kind": "residents", "region": region, "title": "加装电梯", "body": "第一行\n第二行", **extra}
    return services.Draft(questions=questions, **fields)


@pytest.fixture
def publish(db):
    def make(region: str = COMMUNITY_1, *, actor: str = "community1", poll: bool = False, attachments=(), **extra):
        return services.publish(
            actor=User.objects.get(username=actor), draft=draft(region, poll=poll, **extra), attachments=attachments
        )

    return make


def png(name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf(name: str = "公示.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def xlsx(name: str = "账目.xlsx") -> SimpleUploadedFile:
    from wangge.core import excel

    book = excel.workbook()
    book.active.append(["收入", 30000])
    return SimpleUploadedFile(name, excel.to_bytes(book), content_type=excel.XLSX)
