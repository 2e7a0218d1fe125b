"""Notices in the first street of the demo town: in each community a 党务, a 居务 with an opinion poll, a 财务
and a plain notice, published by the community's staff through the services (revisions, audit); one of them
edited once so the history shows a change. Deterministic; called by ``wangge demo`` after the accounts."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role
from wangge.notices import services
from wangge.notices.models import NoticeKind, QuestionKind
from wangge.regions.models import Level, Region

NOTICES = [
    (
        NoticeKind.PARTY,
        "2026年第四季度党员发展情况公示",
        "经支部大会讨论，拟接收两名预备党员。\n公示期七天，如有意见请向社区党委反映。",
        [],
    ),
    (
        NoticeKind.RESIDENTS,
        "关于小区加装电梯的意见征集",
        "社区拟在老旧小区试点加装电梯，费用由政府补贴和业主分摊。\n请各位居民在截止日期前填写意见。",
        [
            ("您是否同意本楼栋加装电梯？", QuestionKind.SINGLE, ["同意", "不同意", "无所谓"]),
            ("您最关心哪些方面？", QuestionKind.MULTIPLE, ["费用分摊", "施工噪音", "采光", "后期维护"]),
        ],
    ),
    (
        NoticeKind.FINANCE,
        "2026年11月社区经费收支公开",
        "本月收入：上级拨付办公经费 30,000 元。\n本月支出：活动场地维修 8,200 元，老年食堂补贴 12,000 元。",
        [],
    ),
    (
        NoticeKind.NOTICE,
        "冬季消防安全提示",
        "天气干燥，请勿在楼道堆放杂物，电动车不进楼入户。\n如发现消防隐患，请通过“报事”或拨打社区电话反映。",
        [],
    ),
]


def create_demo_notices() -> str:
    street = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").first()
    if street is None:
        return ""
    now = timezone.now()
    count = 0
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True, path__startswith=street.path)
    for community in communities.order_by("code"):
        staff = (
            Membership.objects.filter(role=Role.COMMUNITY_STAFF, region=community, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if staff is None:
            continue
        for index, (kind, title, body, questions) in enumerate(NOTICES):
            draft = services.Draft(
                kind=kind,
                region=community.code,
                title=title,
                body=body,
                publish_from=now - timedelta(days=2 + index),
                poll_closes_at=now + timedelta(days=14) if questions else None,
                questions=[services.Question(text, choices, qkind) for text, qkind, choices in questions],
            )
            notice = services.publish(actor=staff.user, draft=draft)
            count += 1
            if kind == NoticeKind.FINANCE:
                services.edit(
                    actor=staff.user,
                    notice=notice,
                    title=title,
                    body=body.replace("8,200", "8,600") + "\n（更正：场地维修实际支出 8,600 元。）",
                )
    return _("Notices: %(n)d published in the first street.") % {"n": count}
