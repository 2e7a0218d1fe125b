"""``/api/v1/webhooks``: subscriptions, the delivery log and replays (administrators). Thin: reads through
``selectors``, writes through ``services``."""

from ninja import Query, Router, Status

from wangge.core.api_errors import ApiErrorOut
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.webhooks import selectors, services
from wangge.webhooks.schemas import (
    WebhookDeliveryDetailOut,
    WebhookDeliveryOut,
    WebhookDeliveryQuery,
    WebhookSecretOut,
    WebhookSubscriptionCreatedOut,
    WebhookSubscriptionIn,
    WebhookSubscriptionOut,
    WebhookSubscriptionPatch,
)

router = Router(tags=["webhooks"])
ERRORS = {400: ApiErrorOut, 403: ApiErrorOut, 404: ApiErrorOut}


@router.get("/subscriptions", response=Page[WebhookSubscriptionOut])
def list_subscriptions(request, query: Query[PageQuery]):
    return keyset_page(selectors.subscriptions_for(request.auth), query, order=("-id",), count=True)


@router.post("/subscriptions", response={201: WebhookSubscriptionCreatedOut, **ERRORS})
def create_subscription(request, payload: WebhookSubscriptionIn):
    """A subscription; the answer holds its signing secret, shown this once."""
    selectors.subscriptions_for(request.auth)
    subscription, secret = services.create_subscription(
        actor=request.auth,
        name=payload.name,
        url=payload.url,
        events=[str(e) for e in payload.events],
        is_active=payload.is_active,
    )
    subscription.secret = secret
    return Status(201, subscription)


@router.get("/subscriptions/{subscription_id}", response={200: WebhookSubscriptionOut, **ERRORS})
def get_subscription(request, subscription_id: int):
    return selectors.get_subscription_for(request.auth, subscription_id)


@router.patch("/subscriptions/{subscription_id}", response={200: WebhookSubscriptionOut, **ERRORS})
def update_subscription(request, subscription_id: int, payload: WebhookSubscriptionPatch):
    subscription = selectors.get_subscription_for(request.auth, subscription_id)
    return services.update_subscription(
        actor=request.auth,
        subscription=subscription,
        name=payload.name,
        url=payload.url,
        events=None if payload.events is None else [str(e) for e in payload.events],
        is_active=payload.is_active,
    )


@router.delete("/subscriptions/{subscription_id}", response={204: None, **ERRORS})
def delete_subscription(request, subscription_id: int):
    subscription = selectors.get_subscription_for(request.auth, subscription_id)
    services.delete_subscription(actor=request.auth, subscription=subscription)
    return Status(204, None)


@router.post("/subscriptions/{subscription_id}/rotate-secret", response={200: WebhookSecretOut, **ERRORS})
def rotate_secret(request, subscription_id: int):
    """A new signing secret (shown this once); the old one stops at once."""
    subscription = selectors.get_subscription_for(request.auth, subscription_id)
    return {"secret": services.rotate_secret(actor=request.auth, subscription=subscription)}


@router.get("/deliveries", response=Page[WebhookDeliveryOut])
def list_deliveries(request, query: Query[WebhookDeliveryQuery]):
    """The delivery log, newest first; filters: subscription, status, event."""
    rows = selectors.deliveries_for(
        request.auth, subscription=query.subscription, status=query.status or "", event=query.event or ""
    )
    return keyset_page(rows, query, order=("-created_at", "-id"))


@router.get("/deliveries/{delivery_id}", response={200: WebhookDeliveryDetailOut, **ERRORS})
def get_delivery(request, delivery_id: int):
    """One delivery with its body and every attempt (response code, milliseconds, error)."""
    return selectors.get_delivery_for(request.auth, delivery_id)


@router.post("/deliveries/{delivery_id}/replay", response={202: WebhookDeliveryOut, **ERRORS})
def replay_delivery(request, delivery_id: int):
    """Send the same body again as a new delivery (queued)."""
    delivery = selectors.get_delivery_for(request.auth, delivery_id)
    return Status(202, services.replay(actor=request.auth, delivery=delivery))
