"""Disputes in the demo town: in gridworker1's grid one in each state (registered, mediating, agreed, fulfilled,
escalated after a failed mediation), a neighbour who is a party twice (flagged as recurring), resident1 a party
to one; one agreed dispute in gridworker2's grid. All through the services (timeline, audit). Deterministic;
called by ``wangge demo`` after the accounts (and the ledger, when there is one)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role, User
from wangge.mediation import services
from wangge.mediation.services import PartyIn

NEIGHBOUR = PartyIn(name="周建国", role="respondent", phone="13700001234")


def _worker(grid_index: int) -> tuple[User, str] | None:
    name = f"gridworker{grid_index}"
    membership = (
        Membership.objects.filter(user__username=name, role=Role.GRID_WORKER, is_active=True)
        .select_related("user", "region")
        .first()
    )
    return (membership.user, membership.region.code) if membership else None


def _resident_phone() -> str:
    resident = User.objects.filter(username="resident1").first()
    return resident.reveal_phone() if resident is not None and resident.phone_encrypted else ""


def create_demo_disputes() -> str:
    first = _worker(1)
    if first is None:
        return ""
    worker, grid = first
    today = timezone.localdate()
    committee = "社区人民调解委员会"

    def register(kind, title, summary, parties):
        data = services.DisputeIn(
            kind=kind,
            region=grid,
            title=title,
            summary=summary,
            parties=parties,
            mediator=worker.pk,
            committee=committee,
        )
        return services.register(actor=worker, data=data)

    resident = PartyIn(name="王丽", role="applicant", phone=_resident_phone())
    register(
        "neighbour",
        "楼上卫生间漏水到楼下",
        "楼下住户反映楼上卫生间漏水，天花板发霉，双方多次沟通未果。",
        [resident, NEIGHBOUR],
    )

    parking = register(
        "property",
        "小区车位收费争议",
        "业主认为物业公司上调地面车位费未经业主大会同意。",
        [PartyIn(name="刘志强", phone="13800002345"), PartyIn(name="某物业服务公司", role="respondent")],
    )
    services.record_session(
        actor=worker,
        dispute=parking,
        held_on=today - timedelta(days=2),
        place="社区议事室",
        notes="双方陈述意见，物业同意提供收费依据。",
    )

    wages = register(
        "labour",
        "装修工人工资拖欠",
        "三名装修工人反映包工头拖欠工资共计一万二千元。",
        [PartyIn(name="陈师傅", phone="13600003456"), PartyIn(name="赵某", role="respondent")],
    )
    services.record_session(actor=worker, dispute=wages, held_on=today - timedelta(days=6), place="网格工作站")
    services.record_agreement(
        actor=worker,
        dispute=wages,
        text="赵某于本月底前分两次付清拖欠工资一万二千元。",
        agreed_on=today - timedelta(days=5),
    )

    care = register(
        "family",
        "老人赡养费分担",
        "三子女对母亲赡养费分担有分歧。",
        [PartyIn(name="孙秀英", phone="13500004567"), PartyIn(name="孙大伟", role="respondent")],
    )
    services.record_session(actor=worker, dispute=care, held_on=today - timedelta(days=20), place="老人家中")
    services.record_agreement(
        actor=worker, dispute=care, text="三子女每月各付赡养费八百元。", agreed_on=today - timedelta(days=20)
    )
    services.record_fulfilment(
        actor=worker, dispute=care, note="回访确认已按月支付。", fulfilled_on=today - timedelta(days=1)
    )

    land = register(
        "land",
        "宅基地边界争议",
        "两户对院墙位置有争议。",
        [PartyIn(name="钱永福", phone="13300005678"), PartyIn(name="吴家明", role="respondent")],
    )
    services.record_session(actor=worker, dispute=land, held_on=today - timedelta(days=10), place="村委会")
    services.record_failure(actor=worker, dispute=land, note="双方对测绘结果均不认可。")
    services.escalate(actor=worker, dispute=land, to="court", note="引导当事人向人民法院起诉。")

    register(
        "neighbour",
        "楼道堆放杂物引发争吵",
        "周建国在楼道堆放杂物，与对门邻居发生争吵。",
        [NEIGHBOUR, PartyIn(name="黄大姐")],
    )
    count = 6

    second = _worker(2)
    if second is not None:
        other, other_grid = second
        data = services.DisputeIn(
            kind="neighbour",
            region=other_grid,
            title="空调外机噪音",
            parties=[PartyIn(name="郑先生", phone="13200006789"), PartyIn(name="冯女士", role="respondent")],
            mediator=other.pk,
        )
        noise = services.register(actor=other, data=data)
        services.record_session(actor=other, dispute=noise, held_on=today - timedelta(days=3), place="网格工作站")
        services.record_agreement(actor=other, dispute=noise, text="冯女士移位空调外机并加装减震垫。")
        count += 1
    return _("Disputes: %(n)d registered in the first grids.") % {"n": count}
