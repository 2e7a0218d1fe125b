"""Status back to the hotline: every move of a hotline case (status, the handling opinion, closure) goes
out through the configured adapter, in the move's transaction (the adapter only queues; sending is after
the commit). ``HOTLINE_ADAPTER`` names the adapter class; the default signs a webhook to the hotline link
(the ``webhooks`` subscription owned by ``hotline``) and sends it through the webhooks' delivery (retries,
log, replay)."""

from django.conf import settings
from django.utils.module_loading import import_string

from wangge.cases import events
from wangge.cases.models import FINISHED_STATUSES, Source
from wangge.hotline.models import HotlineOrder
from wangge.webhooks import services as webhooks
from wangge.webhooks.models import Subscription

OWNER = "hotline"
EVENT = "hotline.status"


def link() -> Subscription | None:
    """The hotline link: the subscription the status push goes to (made by ``services.set_link``)."""
    return Subscription.objects.filter(owner=OWNER).order_by("pk").first()


class WebhookAdapter:
    """The default: a signed webhook per move, through the webhooks' delivery."""

    def push(self, order: HotlineOrder, body: dict, *, at) -> bool:
        subscription = link()
        if subscription is None or not subscription.is_active:
            return False
        return webhooks.send_to(subscription, EVENT, body, at=at) is not None


def adapter():
    return import_string(getattr(settings, "HOTLINE_ADAPTER", "wangge.hotline.status_push.WebhookAdapter"))()


def body_for(order: HotlineOrder, case, event) -> dict:
    return {
        "hotline_number": order.number,
        "case": case.number,
        "status": case.status,
        "action": event.action,
        "opinion": event.opinion,
        "closed": case.status in FINISHED_STATUSES,
        "closed_at": case.closed_at,
        "satisfied": case.satisfied,
        "at": event.at,
    }


def case_moved(notice: events.Moved) -> None:
    case = notice.case
    if case.source != Source.HOTLINE:
        return
    order = HotlineOrder.objects.filter(case_id=case.pk).first()
    if order is None:
        return
    if adapter().push(order, body_for(order, case, notice.event), at=notice.now):
        HotlineOrder.objects.filter(pk=order.pk).update(last_pushed_status=case.status)
