"""The 12345 link of the demo town: a mapping table from the hotline's 派单目录 to our categories, and a few
work orders taken in for the grids of the first street through the import (source hotline). Deterministic;
called by ``wangge demo`` after the cases (orders only when it builds cases)."""

import json
from datetime import timedelta

import shapely
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.models import Category
from wangge.hotline import importing, services
from wangge.hotline.models import HotlineOrder
from wangge.regions.models import Level, Region

MAPPINGS = [
    ("12345-0301", "城乡建设-市政设施-井盖缺失破损", "0101"),
    ("12345-0302", "城乡建设-市政设施-路灯不亮", "0108"),
    ("12345-0303", "交通运输-道路-路面破损", "0201"),
    ("12345-0501", "环境保护-市容-垃圾渣土堆积", "0602"),
    ("12345-0502", "环境保护-市容-小广告", "0701"),
    ("12345-0601", "住房保障-物业-电梯故障", "0502"),
]
ORDERS = [
    ("12345-0302", "来电反映小区门口路灯连续三晚不亮，夜间出行不便。", "王女士", "13905150001"),
    ("12345-0301", "来电反映人行道上一处井盖缺失，已有老人险些绊倒，请尽快处理。", "李先生", "13905150002"),
    ("12345-0501", "来电反映路边建筑垃圾堆放一周无人清运。", "赵先生", "0515-88880003"),
    ("12345-0502", "来电反映楼道内小广告贴满墙面，要求清理。", "孙女士", "13905150004"),
    ("12345-0601", "来电反映住宅楼电梯停运两天，家中有行动不便老人。", "周先生", "13905150005"),
]


def create_demo_hotline(*, orders: bool = True) -> str:
    known = set(Category.objects.filter(code__in=[c for _h, _n, c in MAPPINGS]).values_list("code", flat=True))
    for code, name, category in MAPPINGS:
        if category in known:
            services.map_category(actor=None, hotline_code=code, hotline_name=name, category=category)
    if not orders or HotlineOrder.objects.exists():
        return ""
    street = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").first()
    grids = (
        list(Region.objects.filter(level=Level.GRID, is_active=True, path__startswith=street.path).order_by("code")[:5])
        if street
        else []
    )
    if not grids:
        return ""
    now = timezone.localtime()
    rows = []
    for i, ((code, text, caller, phone), grid) in enumerate(zip(ORDERS, grids * 5, strict=False), start=1):
        point = shapely.from_geojson(json.dumps(grid.boundary)).representative_point()
        received = now - timedelta(days=6 - i, hours=2)
        rows.append(
            {
                "number": f"JH12345{received:%Y%m%d}{i:04d}",
                "category": code,
                "description": text,
                "address": f"{grid.name}",
                "lon": point.x,
                "lat": point.y,
                "caller_name": caller,
                "caller_phone": phone,
                "received_at": received.isoformat(),
                "deadline": (received + timedelta(days=5)).isoformat(),
            }
        )
    report = importing.import_json(actor=None, orders=rows, dry_run=False)
    return _("12345 hotline: %(m)d category mappings, %(n)d work orders.") % {
        "m": len(known),
        "n": report.created,
    }
