"""A small driver for case timelines through the real services, shared by the dashboard and
assessment tests: known personas, a test category with known time limits, points inside demo grids."""

import io
import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wangge.accounts.models import Department, User
from wangge.cases import services
from wangge.cases.models import Case, Category
from wangge.cases.services import Report
from wangge.regions.models import Region

SH = ZoneInfo("Asia/Shanghai")
GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
GRID_OTHER_STREET = "329901002001001"
STREET_1 = "329901001000"
COMMUNITY_1 = "329901001001"
PERSONAS = [
    "admin",
    "leader",
    "dutychief",
    "dispatcher",
    "operator",
    "community1",
    "gridchief1",
    "gridworker1",
    "gridworker2",
    "liaison1",
    "department1",
    "resident1",
]
# Opinions for the actions that need one.
OPINION = "已到现场核实处理"


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def point_in(code: str) -> tuple[float, float]:
    region = Region.objects.get(code=code)
    point = shapely.from_geojson(json.dumps(region.boundary)).representative_point()
    return point.x, point.y


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def make_category(code: str = "9901", *, level: str = "street") -> Category:
    """A sub-class with known limits: accept 2h, sign 2h, handle 1d, verify 1d; no evidence; on the spot allowed."""
    parent = Category.objects.filter(parent__isnull=True).order_by("code").first()
    category, _ = Category.objects.update_or_create(
        code=code,
        defaults=dict(
            name=f"测试类{code}",
            parent=parent,
            department_kind="city_management",
            default_level=level,
            on_spot=True,
            evidence=[],
            limit_accept="2h",
            limit_sign="2h",
            limit_handle="1d",
            limit_verify="1d",
        ),
    )
    return category


@dataclass
class Flow:
    users: dict[str, User]
    category: Category
    department: Department  # city management: department1's

    def report(
        self,
        at: datetime,
        *,
        by: str | None = "resident1",
        grid: str = GRID_1,
        source: str = "resident",
        category: Category | None = None,
    ) -> Case:
        lon, lat = point_in(grid)
        actor = self.users[by] if by else None
        case, created = services.report_case(
            actor=actor,
            report=Report(
                category=(category or self.category).code,
                description="测试案件",
                lon=lon,
                lat=lat,
                source=source,
                contact_phone="" if actor else "13912345678",
            ),
            at=at,
        )
        assert created
        return case

    def do(self, case: Case, action: str, by: str, at: datetime, **params) -> Case:
        if action in ("solve_on_spot",):
            params.setdefault("photo_before", [png()])
            params.setdefault("photo_after", [png()])
        if action == "rate":
            params.setdefault("speed", 5)
            params.setdefault("result", 5)
        if action == "request_extension":
            params.setdefault("extension", "2d")
        if action == "dispatch" and "region" not in params:
            params.setdefault("department", self.department.code)
        if action == "merge":
            params.setdefault("duplicate_of", "")
        return services.transition(case, action, actor=self.users[by], opinion=OPINION, at=at, **params)

    def run(self, case: Case, steps) -> Case:
        for action, by, at, *rest in steps:
            case = self.do(case, action, by, at, **(rest[0] if rest else {}))
        return case


def make_flow() -> Flow:
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    department = users["department1"].memberships.get().department
    return Flow(users, make_category(), department)
