"""Every write of outbound webhooks.

- Subscriptions: made, changed, removed and their secret rotated by administrators; the secret is
  answered once (made or rotated) and stored encrypted (``core.pii``), never shown again.
- ``emit(event, data)`` runs inside the transaction of what happened: it writes one ``Delivery`` per
  subscription to ``event`` (so the body is committed with the case, or not at all) and queues the task
  that sends them for after the commit. Nothing here talks to a receiver inside a transaction, so a slow
  or dead receiver never slows a transition.
- ``attempt(delivery)`` sends once (short timeout), logs the ``Attempt`` (response code, milliseconds,
  error) and answers the wait before the next attempt (exponential backoff) or None when done.
- ``replay(delivery)``: the same body sent again as a new delivery (its own log), e.g. after a fix.
"""

import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.core import pii
from wangge.core.text import check_text
from wangge.webhooks import conf, permissions, signing
from wangge.webhooks.models import Attempt, Delivery, DeliveryStatus, Event, Subscription

USER_AGENT = "Wangge-Webhooks/1"


# --- subscriptions --------------------------------------------------------------------------------------


def _clean(name: str, url: str, events: list[str], *, owned: bool = False) -> tuple[str, str, list[str]]:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the subscription a name.")
    elif len(name) > 100:
        errors["name"] = _("The name is longer than %(n)d characters.") % {"n": 100}
    else:
        try:
            check_text(name, field="name")
        except ValidationError as exc:
            errors.update({f: m[0] for f, m in exc.message_dict.items()})
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        errors["url"] = _("Enter an http or https address of at most 500 characters.")
    unknown = [e for e in events or [] if e not in Event.values]
    if unknown:
        errors["events"] = _("Unknown event(s): %(events)s.") % {"events": ", ".join(map(str, unknown))}
    elif not events and not owned:
        errors["events"] = _("Choose at least one event.")
    if errors:
        raise ValidationError(errors)
    return name, url, sorted(set(events or []))


def _new_secret(subscription: Subscription) -> str:
    secret = "whsec_" + secrets.token_urlsafe(32)
    subscription.secret_encrypted = pii.encrypt(secret)
    subscription.secret_hint = secret[-4:]
    return secret


@transaction.atomic
def create_subscription(
    *, actor, name: str, url: str, events: list[str], owner: str = "", is_active: bool = True
) -> tuple[Subscription, str]:
    """A new subscription and its secret (answered this once)."""
    if actor is not None:
        permissions.require_manage(actor)
    name, url, events = _clean(name, url, events, owned=bool(owner))
    subscription = Subscription(
        name=name,
        url=url,
        events=events,
        owner=owner,
        is_active=is_active,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    secret = _new_secret(subscription)
    subscription.save()
    audit.record(actor=actor, action="webhooks.subscription.create", obj=subscription, changes={"events": events})
    return subscription, secret


@transaction.atomic
def update_subscription(
    *,
    actor,
    subscription: Subscription,
    name: str | None = None,
    url: str | None = None,
    events: list[str] | None = None,
    is_active: bool | None = None,
) -> Subscription:
    if actor is not None:
        permissions.require_manage(actor)
    name, url, events = _clean(
        subscription.name if name is None else name,
        subscription.url if url is None else url,
        subscription.events if events is None else events,
        owned=bool(subscription.owner),
    )
    changes = {}
    for field, value in (("name", name), ("url", url), ("events", events), ("is_active", is_active)):
        if value is not None and getattr(subscription, field) != value:
            changes[field] = value
            setattr(subscription, field, value)
    subscription.save()
    audit.record(actor=actor, action="webhooks.subscription.update", obj=subscription, changes=changes)
    return subscription


@transaction.atomic
def delete_subscription(*, actor, subscription: Subscription) -> None:
    if actor is not None:
        permissions.require_manage(actor)
    audit.record(actor=actor, action="webhooks.subscription.delete", obj=subscription)
    subscription.delete()


@transaction.atomic
def rotate_secret(*, actor, subscription: Subscription) -> str:
    """A new secret (answered once); the old one stops signing at once."""
    if actor is not None:
        permissions.require_manage(actor)
    secret = _new_secret(subscription)
    subscription.save(update_fields=["secret_encrypted", "secret_hint"])
    audit.record(actor=actor, action="webhooks.subscription.rotate_secret", obj=subscription)
    return secret


# --- queueing -------------------------------------------------------------------------------------------


def _body(event: str, data: dict, at: datetime) -> str:
    envelope = {"id": str(uuid.uuid4()), "event": event, "occurred_at": at.isoformat(), "data": data}
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def subscribed(events: list[str]) -> dict[str, list[int]]:
    """Active subscriptions per event among ``events`` (one small query)."""
    wanted: dict[str, list[int]] = {e: [] for e in events}
    for pk, subscribed_to in Subscription.objects.filter(is_active=True).values_list("pk", "events"):
        for event in subscribed_to or ():
            if event in wanted:
                wanted[event].append(pk)
    return wanted


def emit_many(
    items: list[tuple[str, dict]], *, at: datetime | None = None, wanted: dict[str, list[int]] | None = None
) -> list[Delivery]:
    """In the caller's transaction: a delivery per subscriber of each (event, data); sent after commit.
    ``wanted``: ``subscribed(...)`` when the caller read it already (before its transaction)."""
    if not items:
        return []
    now = at or timezone.now()
    if wanted is None:
        wanted = subscribed([event for event, _data in items])
    wanted = {event: wanted.get(event, []) for event, _data in items}
    rows = [
        Delivery(subscription_id=pk, event=event, body=body, created_at=now, next_attempt_at=now)
        for event, data in items
        if wanted[event]
        for body in [_body(event, data, now)]
        for pk in wanted[event]
    ]
    return _queue(rows)


def emit(event: str, data: dict, *, at: datetime | None = None, wanted: dict | None = None) -> list[Delivery]:
    return emit_many([(event, data)], at=at, wanted=wanted)


def send_to(subscription: Subscription, event: str, data: dict, *, at: datetime | None = None) -> Delivery | None:
    """For an adapter that owns a subscription (the hotline's status push): one delivery to it alone."""
    if not subscription.is_active:
        return None
    now = at or timezone.now()
    [delivery] = _queue(
        [
            Delivery(
                subscription=subscription,
                event=event,
                body=_body(event, data, now),
                created_at=now,
                next_attempt_at=now,
            )
        ]
    )
    return delivery


def _queue(rows: list[Delivery]) -> list[Delivery]:
    if not rows:
        return []
    for row in rows:
        row.save()  # one INSERT each: bulk_create does not give ids back on every backend
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _enqueue(ids: list[int]) -> None:
    from wangge.webhooks.tasks import deliver  # tasks import this module: the cycle is broken here

    for pk in ids:
        deliver(pk)


# --- sending --------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is an answer, not a delivery
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int | None, str]:
    """POST once: (status code, "") or (code or None, error kind). Never raises."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None, "scheme"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 — http(s) only
    try:
        with _opener.open(request, timeout=timeout) as response:  # noqa: S310 — http(s) only
            response.read(65536)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except TimeoutError:
        return None, "timeout"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return None, "timeout"
        return None, f"{type(reason).__name__}"[:200]
    except (OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}"[:200]


def headers_for(delivery: Delivery, secret: str, body: bytes) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Wangge-Event": delivery.event,
        "X-Wangge-Delivery": str(delivery.pk),
        "X-Wangge-Signature": signing.sign(secret, body),
    }


def backoff_after(number: int) -> float:
    """The wait after the ``number``-th failed attempt: base × 2^(number − 1)."""
    return conf.backoff() * 2 ** (number - 1)


def attempt(delivery: Delivery, *, now: datetime | None = None) -> float | None:
    """One attempt, if the delivery is due and no one else holds it. Answers the seconds until the next
    attempt, or None (delivered, failed for good, or not ours to send)."""
    now = now or timezone.now()
    hold = now + timedelta(seconds=conf.timeout() * 2 + 30)
    claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=hold
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery.pk)
    subscription = delivery.subscription
    number = delivery.attempts + 1
    if not subscription.is_active:
        code, error, took = None, "subscription inactive", 0
    else:
        body = delivery.body.encode()
        headers = headers_for(delivery, pii.decrypt(subscription.secret_encrypted), body)
        started = time.monotonic()
        code, error = post(subscription.url, body, headers, conf.timeout())
        took = int((time.monotonic() - started) * 1000)
    return _record_attempt(delivery, number=number, now=now, took=took, code=code, error=error)


@transaction.atomic
def _record_attempt(delivery: Delivery, *, number: int, now: datetime, took: int, code, error: str) -> float | None:
    """The attempt's log row and the delivery's outcome in one write transaction (the claim was the other)."""
    ok = code is not None and 200 <= code < 300
    subscription = delivery.subscription
    Attempt.objects.create(
        delivery=delivery, number=number, started_at=now, duration_ms=took, status_code=code, error=error[:200]
    )
    delivery.attempts = number
    delivery.last_status_code = code
    delivery.last_error = error[:200]
    wait = None
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED,
            timezone.now(),
            None,
        )
    elif number >= conf.max_attempts() or not subscription.is_active:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        wait = backoff_after(number)
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    delivery.save(
        update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    return wait


@transaction.atomic
def replay(*, actor, delivery: Delivery) -> Delivery:
    """Send ``delivery``'s body again, as a new delivery with its own log (after commit)."""
    if actor is not None:
        permissions.require_manage(actor)
    now = timezone.now()
    again = Delivery(
        subscription_id=delivery.subscription_id,
        event=delivery.event,
        body=delivery.body,
        created_at=now,
        next_attempt_at=now,
        replay_of=delivery,
    )
    _queue([again])
    audit.record(actor=actor, action="webhooks.delivery.replay", obj=delivery, changes={"replay": again.pk})
    return again


def due(now: datetime | None = None, *, late_by: float = 60) -> list[int]:
    """Pending deliveries whose attempt is overdue by ``late_by`` seconds (a lost task): the sweep's list."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=late_by)
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
