"""Every write of outbound webhooks but the sending (``sending``).

- Subscriptions: made, changed, removed and their secret rotated by administrators; the secret is
  answered once (made or rotated) and stored encrypted (``core.pii``), never shown again.
- ``emit(event, data)`` runs inside the transaction of what happened: it writes one ``Delivery`` per
  subscription to ``event`` (so the body is committed with the case, or not at all), all of the
  transaction's deliveries in one INSERT, and queues the sending task once for after the commit. Nothing
  here talks to a receiver inside a transaction, so a slow or dead receiver never slows a transition.
- Who subscribed to what is a snapshot per process (``subscribers``), read again at most every
  ``WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS`` (1) and dropped at once by a change made in this process: a
  transition reads nothing to learn that nobody listens. Another process's change reaches this one within
  that second; the INSERT takes only subscriptions still active, so one paused or removed meanwhile gets
  nothing (and its foreign key never fails the transition).
- ``replay(delivery)``: the same body sent again as a new delivery (its own log), e.g. after a fix.
"""

import json
import secrets
import threading
import time
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.core import pii
from wangge.core.text import check_text
from wangge.webhooks import conf, permissions
from wangge.webhooks.models import Delivery, DeliveryStatus, Event, Subscription

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
    _subscriptions_changed()
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
    _subscriptions_changed()
    audit.record(actor=actor, action="webhooks.subscription.update", obj=subscription, changes=changes)
    return subscription


@transaction.atomic
def delete_subscription(*, actor, subscription: Subscription) -> None:
    if actor is not None:
        permissions.require_manage(actor)
    audit.record(actor=actor, action="webhooks.subscription.delete", obj=subscription)
    subscription.delete()
    _subscriptions_changed()


@transaction.atomic
def rotate_secret(*, actor, subscription: Subscription) -> str:
    """A new secret (answered once); the old one stops signing at once."""
    if actor is not None:
        permissions.require_manage(actor)
    secret = _new_secret(subscription)
    subscription.save(update_fields=["secret_encrypted", "secret_hint"])
    audit.record(actor=actor, action="webhooks.subscription.rotate_secret", obj=subscription)
    return secret


# --- who hears which event: a snapshot per process ----------------------------------------------------

_snapshot_lock = threading.Lock()
_snapshot: dict[str, tuple[int, ...]] | None = None
_snapshot_read_at = 0.0
_generation = 0  # moved by every forget: a read that overlapped a change is not kept


def subscribers(event: str) -> tuple[int, ...]:
    """Ids of the active subscriptions to ``event``, from this process's snapshot (see the module's notes)."""
    return _subscribed().get(event, ())


def _subscribed() -> dict[str, tuple[int, ...]]:
    global _snapshot, _snapshot_read_at
    snapshot, now = _snapshot, time.monotonic()
    if snapshot is not None and now - _snapshot_read_at < conf.subscriptions_check_seconds():
        return snapshot
    generation = _generation
    by_event: dict[str, list[int]] = {}
    for pk, events in Subscription.objects.filter(is_active=True).order_by("pk").values_list("pk", "events"):
        for event in events or ():
            by_event.setdefault(event, []).append(pk)
    snapshot = {event: tuple(pks) for event, pks in by_event.items()}
    with _snapshot_lock:
        if generation == _generation:
            _snapshot, _snapshot_read_at = snapshot, now
    return snapshot


def forget_subscribers() -> None:
    """Drop this process's snapshot: the next look-up reads the subscriptions again."""
    global _snapshot, _generation
    with _snapshot_lock:
        _snapshot, _generation = None, _generation + 1


def _subscriptions_changed() -> None:
    forget_subscribers()  # seen at once in this transaction…
    transaction.on_commit(forget_subscribers)  # …and by this process's other threads once committed


# --- the outbox -----------------------------------------------------------------------------------------


def _body(event: str, data: dict, at: datetime) -> str:
    envelope = {"id": str(uuid.uuid4()), "event": event, "occurred_at": at.isoformat(), "data": data}
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def subscribed(events: list[str]) -> dict[str, tuple[int, ...]]:
    """Active subscriptions per event among ``events`` (from the snapshot)."""
    return {event: subscribers(event) for event in events}


def emit_many(
    items: list[tuple[str, dict]], *, at: datetime | None = None, wanted: dict[str, tuple[int, ...]] | None = None
) -> int:
    """In the caller's transaction: a delivery per subscriber of each (event, data), in one INSERT; sent
    after the commit. ``wanted``: ``subscribed(...)`` when the caller looked it up already (before its
    transaction). Answers how many deliveries were written."""
    now = at or timezone.now()
    rows = []
    for event, data in items:
        pks = wanted[event] if wanted is not None and event in wanted else subscribers(event)
        if pks:
            body = _body(event, data, now)
            rows += [(pk, event, body) for pk in pks]
    written = _insert(rows, now) if rows else 0
    if written:
        _wake_sender()
    return written


def emit(event: str, data: dict, *, at: datetime | None = None, wanted: dict | None = None) -> int:
    return emit_many([(event, data)], at=at, wanted=wanted)


def _insert(rows: list[tuple[int, str, str]], now: datetime) -> int:
    """(subscription id, event, body) rows as pending deliveries, in one statement, for the subscriptions
    still active (the snapshot may be a second old)."""
    quote = connection.ops.quote_name
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {quote(Delivery._meta.db_table)} "  # noqa: S608 — table names from the models, values bound
        '("subscription_id", "event", "body", "status", "attempts", "last_error", "created_at", "next_attempt_at") '
        f'SELECT s."id", v.column2, v.column3, %s, 0, %s, %s, %s FROM (VALUES {values}) AS v '
        f'JOIN {quote(Subscription._meta.db_table)} AS s ON s."id" = v.column1 WHERE s."is_active"'
    )
    at = connection.ops.adapt_datetimefield_value(now)
    params = [DeliveryStatus.PENDING.value, "", at, at] + [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def send_to(subscription: Subscription, event: str, data: dict, *, at: datetime | None = None) -> Delivery | None:
    """For an adapter that owns a subscription (the hotline's status push): one delivery to it alone."""
    if not subscription.is_active:
        return None
    now = at or timezone.now()
    delivery = Delivery.objects.create(
        subscription=subscription, event=event, body=_body(event, data, now), created_at=now, next_attempt_at=now
    )
    _wake_sender()
    return delivery


def _wake_sender() -> None:
    """Queue the sending task for after the commit: once per transaction, however many deliveries it wrote."""
    queued = transaction.get_connection().run_on_commit  # (savepoint ids, callback, robust) of this transaction
    if not any(callback is _queue_sending for _ids, callback, _robust in queued):
        transaction.on_commit(_queue_sending)


def _queue_sending() -> None:
    from wangge.webhooks.tasks import send_due  # the tasks import this module: the cycle is broken here

    send_due()


@transaction.atomic
def replay(*, actor, delivery: Delivery) -> Delivery:
    """Send ``delivery``'s body again, as a new delivery with its own log (after commit)."""
    if actor is not None:
        permissions.require_manage(actor)
    now = timezone.now()
    again = Delivery.objects.create(
        subscription_id=delivery.subscription_id,
        event=delivery.event,
        body=delivery.body,
        created_at=now,
        next_attempt_at=now,
        replay_of=delivery,
    )
    _wake_sender()
    audit.record(actor=actor, action="webhooks.delivery.replay", obj=delivery, changes={"replay": again.pk})
    return again
