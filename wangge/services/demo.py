"""Services in the demo town's first street (the demo leader's): a town service centre, a centre, a 驿站 and
a 暖心驿站 per community, a week of activities (haircuts, blood pressure, knife sharpening, 三点半课堂) with
sign-ups, about a dozen wishes per community in every state over the last three months, a 666服务队 per
community with answered call-outs and a few 红色代办 errands. Bulk-written
(no inbox messages, no audit rows) and deterministic for a seed; called by ``wangge demo`` after party work."""

import json
import random
from datetime import timedelta

import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role
from wangge.assessment import points as ledger
from wangge.assessment.models import Trigger
from wangge.people.models import Compound
from wangge.regions.models import GRID_LEVELS, Level, Region
from wangge.services.models import (
    ERRAND_WORKING_DAYS,
    Activity,
    ActivityKind,
    Audience,
    CallOut,
    CallOutStatus,
    ClaimantKind,
    Errand,
    ErrandCategory,
    ErrandStatus,
    MemberKind,
    PointKind,
    ServicePoint,
    SignUp,
    SignUpStatus,
    TeamMember,
    VolunteerTeam,
    Wish,
    WishStatus,
)
from wangge.workcalendar.calendar import add_working_time

WISHES = [
    ("一副老花镜", "看报纸看不清了，想要一副老花镜。"),
    ("陪我去医院复查", "子女在外地，想有人陪同去医院复查。"),
    ("一台收音机", "喜欢听戏，家里的收音机坏了。"),
    ("帮忙修理漏水的水龙头", "厨房水龙头一直滴水。"),
    ("一套学习用品", "孩子升三年级，需要书包和文具。"),
    ("一床厚棉被", "冬天到了，家里被子太薄。"),
    ("学会用智能手机视频", "想和孙子视频聊天。"),
    ("一辆助行器", "腿脚不便，出门需要助行器。"),
    ("理一次发", "行动不便，想请人上门理发。"),
    ("一盏台灯", "孩子晚上写作业光线太暗。"),
    ("读书会的几本书", "想给社区老年读书会添几本书。"),
    ("打扫一次卫生", "年纪大了，想请人帮忙大扫除。"),
]
STATES = [WishStatus.OPEN] * 3 + [WishStatus.CLAIMED] * 2 + [WishStatus.FULFILLED] * 2 + [WishStatus.CONFIRMED] * 4
STATES += [WishStatus.PENDING]
CLAIMANTS = [
    (ClaimantKind.MEMBER, "党员志愿者"),
    (ClaimantKind.UNIT, "区人民医院党支部"),
    (ClaimantKind.VOLUNTEER, "666服务队"),
]
CALLOUTS = ["扶独居老人上下楼", "帮忙搬运米面", "陪同老人就医", "疏通楼道堵塞"]
ACTIVITIES = [
    (ActivityKind.HAIRCUT, "爱心义剪", Audience.ELDERLY, 20),
    (ActivityKind.HEALTH, "免费测血压", Audience.ELDERLY, 40),
    (ActivityKind.REPAIR, "磨刀修伞便民服务", Audience.ALL, 30),
    (ActivityKind.CLASS, "三点半课堂", Audience.CHILDREN, 25),
]


def _point(kind, name, region, rng, **extra) -> ServicePoint:
    lon, lat = 120.9, 31.4
    if region.boundary:
        inside = shapely.from_geojson(json.dumps(region.boundary)).representative_point()
        lon, lat = inside.x, inside.y
    return ServicePoint(
        kind=kind,
        name=name,
        region=region,
        region_path=region.path,
        lon=round(lon + rng.uniform(-0.002, 0.002), 6),
        lat=round(lat + rng.uniform(-0.002, 0.002), 6),
        **extra,
    )


@transaction.atomic
def create_demo_services(*, seed: int = 2026) -> str:
    rng = random.Random(seed)
    street = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").first()
    if street is None:
        return ""
    now = timezone.localtime().replace(second=0, microsecond=0)  # activities at 14:00 local time
    communities = list(Region.objects.filter(parent=street, level=Level.COMMUNITY, is_active=True).order_by("code"))
    points = [
        _point(
            PointKind.TOWN_CENTRE,
            f"{street.name}党群服务中心",
            street,
            rng,
            address=f"{street.name}政务大厅",
            opening_hours="周一至周五 8:30–17:00",
            facilities="便民服务窗口\n党员活动室\n图书阅览室",
            services="社保医保办理\n红色代办\n法律咨询",
        )
    ]
    for community in communities:
        points.append(
            _point(
                PointKind.COMMUNITY_CENTRE,
                f"{community.name}党群服务站",
                community,
                rng,
                opening_hours="每天 8:30–20:00",
                facilities="议事厅\n日间照料室",
                services="微心愿认领\n政策咨询",
            )
        )
        points.append(
            _point(PointKind.STATION, f"{community.name}邻里驿站", community, rng, opening_hours="每天 9:00–18:00")
        )
        points.append(
            _point(
                PointKind.WARM_STATION,
                f"{community.name}暖心驿站",
                community,
                rng,
                opening_hours="全天",
                facilities="饮水\n充电\n微波炉\n休息座椅",
                services="快递员、外卖骑手歇脚",
            )
        )
    ServicePoint.objects.bulk_create(points)
    creators = {
        m.region_id: m.user
        for m in Membership.objects.filter(role=Role.COMMUNITY_STAFF, region__in=communities).select_related("user")
    }
    residents = [m.user for m in Membership.objects.filter(role=Role.RESIDENT).select_related("user").order_by("id")]
    wishes, activities = [], []
    for community in communities:
        staff = creators.get(community.pk)
        if staff is None:
            continue
        centre = next(p for p in points if p.region_id == community.pk and p.kind == PointKind.COMMUNITY_CENTRE)
        for day, (kind, title, audience, capacity) in enumerate(ACTIVITIES, start=1):
            starts = (now + timedelta(days=day)).replace(hour=14, minute=0)
            activities.append(
                Activity(
                    kind=kind,
                    title=title,
                    point=centre,
                    region=community,
                    region_path=community.path,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    capacity=capacity,
                    audience=audience,
                    organiser=f"{community.name}党总支",
                    created_by=staff,
                )
            )
        grids = list(Region.objects.filter(parent=community, level__in=GRID_LEVELS, is_active=True).order_by("code"))
        compounds = list(Compound.objects.filter(region_path__startswith=community.path).order_by("id")[:10])
        for number, ((title, reason), state) in enumerate(zip(WISHES, STATES, strict=True)):
            grid = grids[number % len(grids)] if grids else community
            posted = now - timedelta(days=rng.randint(3, 85))
            wish = Wish(
                title=title,
                reason=reason,
                region=grid,
                region_path=grid.path,
                community=community,
                community_path=community.path,
                compound=compounds[number % len(compounds)] if compounds else None,
                status=state,
                posted_by=staff,
                on_behalf=True,
                beneficiary_name=f"居民{number + 1:02d}",
            )
            if state != WishStatus.PENDING:
                wish.reviewed_by, wish.reviewed_at = staff, posted + timedelta(hours=5)
            if state in (WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED):
                wish.claimant_kind, wish.claimant_name = rng.choice(CLAIMANTS)
                wish.claimed_at = posted + timedelta(days=1)
            if state in (WishStatus.FULFILLED, WishStatus.CONFIRMED):
                wish.fulfilled_at = posted + timedelta(days=2)
            if state == WishStatus.CONFIRMED:
                wish.confirmed_at, wish.thanks = posted + timedelta(days=3), "谢谢你们，心愿实现了！"
            wish._posted = posted
            wishes.append(wish)
    Activity.objects.bulk_create(activities)
    Wish.objects.bulk_create(wishes)
    for wish in wishes:  # auto_now_add cannot be set on create
        Wish.objects.filter(pk=wish.pk).update(created_at=wish._posted)
    signups = [
        SignUp(activity=activity, user=user, status=SignUpStatus.CONFIRMED)
        for activity in activities[:2]
        for user in residents[:3]
    ]
    SignUp.objects.bulk_create(signups)
    teams = _teams(communities, creators, now, rng)
    errands = _errands(residents, now)
    _volunteer_points(street)
    return _(
        "Services: %(points)d service points, %(activities)d activities, %(wishes)d wishes, "
        "%(teams)d volunteer teams, %(errands)d errands."
    ) % {
        "points": len(points),
        "activities": len(activities),
        "wishes": len(wishes),
        "teams": teams,
        "errands": errands,
    }


def _volunteer_points(street: Region) -> None:
    """The points the demo's finished wishes, errands and call-outs earned, as the services would have credited
    them (the demo writes its rows directly)."""
    under = street.path
    local = timezone.localdate
    for wish in Wish.objects.filter(
        region_path__startswith=under, status=WishStatus.CONFIRMED, claimed_by__isnull=False
    ):
        day = local(wish.confirmed_at) if wish.confirmed_at else local()
        ledger.credit(
            trigger=Trigger.WISH_FULFILLED,
            user_id=wish.claimed_by_id,
            day=day,
            source=f"services.wish:{wish.pk}",
            note=wish.title,
        )
    for errand in Errand.objects.filter(
        region_path__startswith=under, status=ErrandStatus.DONE, assignee__isnull=False
    ):
        day = local(errand.done_at) if errand.done_at else local()
        ledger.credit(
            trigger=Trigger.ERRAND_DONE,
            user_id=errand.assignee_id,
            day=day,
            source=f"services.errand:{errand.pk}",
            note=errand.get_category_display(),
        )
    for callout in CallOut.objects.filter(
        team__region_path__startswith=under, status=CallOutStatus.DONE, accepted_by__isnull=False
    ):
        day = local(callout.done_at) if callout.done_at else local()
        ledger.credit(
            trigger=Trigger.CALL_OUT_DONE,
            user_id=callout.accepted_by_id,
            day=day,
            source=f"services.callout:{callout.pk}",
            note=callout.title,
        )


def _errands(residents, now) -> int:
    """红色代办 for the demo residents: one done on time, one waiting for staff."""
    made = 0
    for resident in residents[:3]:
        home = Membership.objects.filter(user=resident, role=Role.RESIDENT).select_related("region").first()
        if home is None:
            continue
        asked = now - timedelta(days=6)
        Errand.objects.create(
            category=ErrandCategory.PENSION,
            description="代办养老金资格认证",
            region=home.region,
            region_path=home.region.path,
            requested_by=resident,
            created_at=asked,
            due_at=add_working_time(asked, days=ERRAND_WORKING_DAYS[ErrandCategory.PENSION]),
            status=ErrandStatus.DONE,
            taken_at=asked + timedelta(hours=2),
            done_at=asked + timedelta(days=2),
            result="已办结，材料已送回",
        )
        Errand.objects.create(
            category=ErrandCategory.CERTIFICATE,
            description="开具居住证明",
            region=home.region,
            region_path=home.region.path,
            requested_by=resident,
            created_at=now,
            due_at=add_working_time(now, days=ERRAND_WORKING_DAYS[ErrandCategory.CERTIFICATE]),
        )
        made += 2
    return made


def _teams(communities, creators, now, rng) -> int:
    """A 666服务队 per community: its grid workers as members, and past call-outs answered in minutes."""
    made = 0
    for community in communities:
        staff = creators.get(community.pk)
        if staff is None:
            continue
        team = VolunteerTeam.objects.create(
            name=f"{community.name}666服务队", region=community, region_path=community.path, description="5分钟响应"
        )
        workers = [
            m.user
            for m in Membership.objects.filter(role=Role.GRID_WORKER, region__parent=community)
            .select_related("user")
            .order_by("user__username")[:4]
        ]
        TeamMember.objects.bulk_create(
            [
                TeamMember(team=team, user=u, kind=MemberKind.PARTY_MEMBER if i == 0 else MemberKind.RESIDENT)
                for i, u in enumerate(workers)
            ]
        )
        for number, title in enumerate(CALLOUTS):
            called = now - timedelta(days=number * 3 + 1, hours=rng.randint(0, 8))
            response = rng.randint(60, 600)
            accepted = called + timedelta(seconds=response)
            CallOut.objects.create(
                team=team,
                title=title,
                address=community.name,
                status=CallOutStatus.DONE,
                created_by=staff,
                created_at=called,
                accepted_by=workers[number % len(workers)] if workers else None,
                accepted_at=accepted,
                response_seconds=response,
                done_at=accepted + timedelta(minutes=40),
            )
        made += 1
    return made
