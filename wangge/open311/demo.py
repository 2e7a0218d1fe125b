"""The demo's Open311 side: a client application with a key (printed by the demo command) and the extra
questions of a few public services."""

from django.utils.translation import gettext as _

from wangge.cases.models import Category
from wangge.open311 import services
from wangge.open311.models import Datatype, ServiceAttribute

DEMO_ATTRIBUTES = {
    "0201": [  # 道路破损
        dict(
            code="size",
            description="破损面积",
            datatype=Datatype.SINGLE,
            required=True,
            order=1,
            values=[
                {"key": "small", "name": "小于1平方米"},
                {"key": "medium", "name": "1至5平方米"},
                {"key": "large", "name": "大于5平方米"},
            ],
        ),
        dict(
            code="lane_blocked",
            description="是否影响通行",
            datatype=Datatype.SINGLE,
            order=2,
            values=[
                {"key": "yes", "name": "是"},
                {"key": "no", "name": "否"},
            ],
        ),
    ],
    "0601": [  # 暴露垃圾
        dict(code="bags", description="大约几袋垃圾", datatype=Datatype.NUMBER, order=1),
    ],
}


def create_demo_open311() -> str:
    """Returns the demo command's summary line, with the key (shown once, like every key)."""
    for code, attributes in DEMO_ATTRIBUTES.items():
        category = Category.objects.filter(code=code, public=True).first()
        if category is None:
            continue
        for attribute in attributes:
            ServiceAttribute.objects.get_or_create(category=category, code=attribute["code"], defaults=attribute)
    key, client = services.create_client(actor=None, name=_("Demo Open311 client"))
    services_count = Category.objects.filter(public=True, is_active=True, parent__isnull=False).count()
    return _("Open311 at /open311/v2/ offers %(n)d services; API key of “%(name)s”: %(key)s") % {
        "n": services_count,
        "name": client.name,
        "key": key,
    }
