import pytest

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from tests.common import _english, _plain_static_files  # noqa: F401
from tests.webhooks.conftest import receiver  # noqa: F401 — the local HTTP receiver
from wangge.core import excel
from wangge.hotline import services

HEADER = [
    "工单编号",
    "派单目录",
    "标题",
    "诉求内容",
    "地址",
    "经度",
    "纬度",
    "来电人",
    "来电号码",
    "受理时间",
    "办理时限",
]


@pytest.fixture
def mapping(db):
    return services.map_category(
        actor=None, hotline_code="HL-0101", hotline_name="市容环境-道路破损", category=CATEGORY
    )


def order(number: str, *, category="HL-0101", description="路面塌陷，请尽快处理", lon=None, lat=None, **extra) -> dict:
    inside = point_in(GRID_1)
    lon = inside[0] if lon is None else lon
    lat = inside[1] if lat is None else lat
    return {
        "number": number,
        "category": category,
        "title": "",
        "description": description,
        "address": "测试路1号",
        "lon": lon,
        "lat": lat,
        "caller_name": "张先生",
        "caller_phone": "13812345678",
        "received_at": "2026-12-01 09:30",
        "deadline": "2026-12-08 17:30",
        **extra,
    }


KEYS = [
    "number",
    "category",
    "title",
    "description",
    "address",
    "lon",
    "lat",
    "caller_name",
    "caller_phone",
    "received_at",
    "deadline",
]


def xlsx(rows: list[dict]) -> bytes:
    book = excel.workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(k) for k in KEYS])
    return excel.to_bytes(book)


def csv_bytes(rows: list[dict]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(k, "") for k in KEYS])
    return out.getvalue().encode("utf-8-sig")
