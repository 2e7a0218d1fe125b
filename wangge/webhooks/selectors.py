"""Reads for administrators (``webhooks.manage``); anyone else is refused (403)."""

from django.db.models import QuerySet
from django.http import Http404

from wangge.webhooks import permissions
from wangge.webhooks.models import Delivery, Subscription


def subscriptions_for(user) -> QuerySet[Subscription]:
    permissions.require_manage(user)
    return Subscription.objects.all()


def get_subscription_for(user, pk: int) -> Subscription:
    subscription = subscriptions_for(user).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription


def deliveries_for(user, *, subscription: int | None = None, status: str = "", event: str = "") -> QuerySet[Delivery]:
    permissions.require_manage(user)
    rows = Delivery.objects.all()
    if subscription is not None:
        rows = rows.filter(subscription_id=subscription)
    if status:
        rows = rows.filter(status=status)
    if event:
        rows = rows.filter(event=event)
    return rows


def get_delivery_for(user, pk: int) -> Delivery:
    delivery = deliveries_for(user).filter(pk=pk).prefetch_related("log").first()
    if delivery is None:
        raise Http404
    return delivery
