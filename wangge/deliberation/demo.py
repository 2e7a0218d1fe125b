"""Deliberation in the demo town's first community (community1's, where resident1 lives): topics raised by
resident1 and gridworker1, a held meeting at the 说事亭 whose vote is closed and whose decisions became a
case (a task when the demo has no cases) and a task, signed minutes, and a coming meeting with its vote open (resident1 may still vote). All
written through the services (audit, inbox). Called by ``wangge demo`` after the cases."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.deliberation import services
from wangge.regions.models import Level, Region

CATEGORY = "0506"  # 电动车充电设施


def create_demo_deliberation(*, with_case: bool = True) -> str:
    """``with_case``: the charging decision becomes a case (the demo with cases); else a task, so a demo town
    loaded without cases (the test session's) stays without any."""
    street = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").first()
    if street is None:
        return ""
    community = Region.objects.filter(level=Level.COMMUNITY, is_active=True, path__startswith=street.path)
    community = community.order_by("code").first()
    accounts = {u.username: u for u in User.objects.filter(username__in=["community1", "resident1", "gridworker1"])}
    if community is None or len(accounts) < 3:
        return ""
    staff, resident, worker = accounts["community1"], accounts["resident1"], accounts["gridworker1"]
    # Meetings fall at 19:30 local time (after work), whatever hour the demo is built at.
    now = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0)
    charging = services.raise_topic(
        actor=resident,
        community=community.code,
        title="小区电动车充电桩不够用",
        description="晚上充电排队，有人从楼上拉线充电，存在火灾隐患。希望增加充电桩。",
    )
    services.review_topic(actor=staff, topic=charging, accept=True, reason="涉及全体居民，提交百姓议事会讨论。")
    shed = services.raise_topic(
        actor=worker,
        community=community.code,
        title="车棚杂物清理",
        description="3号楼车棚堆放废旧自行车和杂物，占用停车位。",
    )
    services.review_topic(actor=staff, topic=shed, accept=True, reason="与充电桩议题一并讨论。")
    ads = services.raise_topic(
        actor=resident, community=community.code, title="楼道小广告", description="单元门口小广告太多。"
    )
    services.review_topic(actor=staff, topic=ads, accept=False, reason="属日常保洁，已转物业处理，无需议事。")
    services.raise_topic(
        actor=worker,
        community=community.code,
        title="广场舞音量扰民",
        description="晚上八点后广场舞音响声音较大，附近居民反映影响休息。",
    )
    held = services.call_meeting(
        actor=staff,
        draft=services.MeetingDraft(
            community=community.code,
            title="百姓议事会：充电桩与车棚整治",
            place_kind="pavilion",
            place="中心广场百姓说事亭",
            starts_at=now - timedelta(days=3),
            invite_residents=True,
            participants=[
                services.Invitee("property", "红枫物业服务有限公司"),
                services.Invitee("party_member", "党员代表 王建国", votes=False),
                services.Invitee("unit", "区供电公司", votes=False),
            ],
            topics=[charging.pk, shed.pk],
        ),
    )
    for participant in held.participants.filter(user__isnull=False):
        services.attend(actor=participant.user, meeting=held)
    services.open_vote(actor=staff, meeting=held, question="是否同意在3号楼车棚增设20个充电桩？")
    services.cast_ballot(actor=resident, meeting=held, choice="yes")
    services.close_vote(actor=staff, meeting=held)
    services.record_decision(
        actor=staff,
        meeting=held,
        draft=services.DecisionDraft(
            text="在3号楼车棚增设20个电动车充电桩",
            kind="case" if with_case else "task",
            due_on=(now + timedelta(days=30)).date(),
            owner_name="社区居委会",
            topic=charging.pk,
            category=CATEGORY,
        ),
    )
    task = services.record_decision(
        actor=staff,
        meeting=held,
        draft=services.DecisionDraft(
            text="物业一周内清理车棚废旧自行车和杂物",
            kind="task",
            due_on=(now + timedelta(days=7)).date(),
            owner="community1",
            topic=shed.pk,
        ),
    )
    services.follow_up(actor=staff, decision=task, note="已张贴清理通知，物业周六集中清运。")
    services.write_minutes(
        actor=staff,
        meeting=held,
        text="到会居民一致认为充电桩不足。表决通过增设20个充电桩；物业负责清理车棚。",
    )
    services.sign_minutes(actor=staff, meeting=held)
    coming = services.call_meeting(
        actor=staff,
        draft=services.MeetingDraft(
            community=community.code,
            title="议事会：广场舞时间与音量",
            place_kind="room",
            place="社区议事室",
            starts_at=now + timedelta(days=2),
            invite_residents=True,
            participants=[services.Invitee("party_member", "党员代表 李秀英")],
            agenda=["广场舞时间与音量约定"],
        ),
    )
    services.open_vote(actor=staff, meeting=coming, question="是否同意晚上八点半后音响音量减半？")
    return _("Deliberation: 4 topics and 2 meetings in %(name)s.") % {"name": community.name}
