"""Sending the outbox, on the task queue: due deliveries claimed in batches, POSTed concurrently, their
outcomes written together.

- ``claim`` takes up to ``WEBHOOKS_BATCH_SIZE`` due deliveries (pending, ``next_attempt_at`` passed) in one
  short write transaction and moves their ``next_attempt_at`` to a hold past the longest the batch can
  take to send. On PostgreSQL the read is ``FOR UPDATE SKIP LOCKED``, so two senders pass over each
  other's rows instead of waiting on them or taking them twice; on SQLite the transaction's
  ``BEGIN IMMEDIATE`` lets one writer at a time read and move them. Only a sender that died mid-batch
  leaves a delivery to be taken again, when its hold runs out.
- ``send`` POSTs a claimed batch concurrently (``transport``; each body signed under its subscription's
  secret, decrypted once per batch), then writes every attempt's log row and every delivery's outcome in
  one transaction: delivered, failed for good (attempts used up, subscription paused), or due again after
  base × 2^(n−1) (``backoff_after``).
- ``send_due`` is the task's work: batches until nothing is due. ``attempt`` sends one delivery.
"""

from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from django.db import transaction
from django.utils import timezone

from wangge.core import pii
from wangge.core.writelock import serialized_writes
from wangge.webhooks import conf, signing, transport
from wangge.webhooks.models import Attempt, Delivery, DeliveryStatus

USER_AGENT = "Wangge-Webhooks/1"
OUTCOME_FIELDS = ["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
PAUSED = transport.Answer(None, "subscription inactive", 0)
UNREADABLE = transport.Answer(None, "secret unreadable", 0)


def _due(now: datetime):
    return Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


def _hold(count: int) -> timedelta:
    """Longer than ``count`` deliveries can take: each POST at most a connect and an answer timeout, as if
    sent one after the other (enough while a process runs no more senders at once than it has sending
    threads, e.g. the task consumer's 2 workers), and half a minute to write the outcomes."""
    return timedelta(seconds=count * 2 * conf.timeout() + 30)


def claim(*, now: datetime, size: int, pks: list[int] | None = None) -> list[Delivery]:
    """Up to ``size`` due deliveries (oldest due first; among ``pks`` if given), with their subscriptions,
    held for this sender alone."""
    due = _due(now) if pks is None else _due(now).filter(pk__in=pks)
    with serialized_writes(), transaction.atomic():
        batch = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .order_by("next_attempt_at", "pk")[:size]
        )
        if batch:
            held = now + _hold(len(batch))
            Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(next_attempt_at=held)
    return batch


def headers_for(delivery: Delivery, secret: str, body: bytes) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Wangge-Event": delivery.event,
        "X-Wangge-Delivery": str(delivery.pk),
        "X-Wangge-Signature": signing.sign(secret, body),
    }


def send(batch: list[Delivery], *, now: datetime) -> list[float | None]:
    """POST a claimed batch and record each outcome; answers, per delivery, the seconds until its next
    attempt or None (delivered or failed for good)."""
    secrets: dict[int, str | None] = {}
    answers: list[transport.Answer | None] = []  # None: to be POSTed
    posts: list[transport.Post] = []
    for delivery in batch:
        subscription = delivery.subscription
        if subscription.is_active and subscription.pk not in secrets:
            secrets[subscription.pk] = _secret(subscription)
        if not subscription.is_active:
            answers.append(PAUSED)
        elif (secret := secrets[subscription.pk]) is None:
            answers.append(UNREADABLE)
        else:
            body = delivery.body.encode()
            posts.append(transport.Post(subscription.url, body, headers_for(delivery, secret, body)))
            answers.append(None)
    posted = iter(transport.post_all(posts, conf.timeout()))
    return _record(batch, [a if a is not None else next(posted) for a in answers], now=now)


def _secret(subscription) -> str | None:
    """The signing secret, or None when this process cannot decrypt it (a key missing from its settings):
    that delivery fails and is retried, the rest of the batch is sent."""
    try:
        return pii.decrypt(subscription.secret_encrypted)
    except (pii.PiiKeyError, InvalidTag, ValueError):
        return None


def backoff_after(number: int) -> float:
    """The wait after the ``number``-th failed attempt: base × 2^(number − 1)."""
    return conf.backoff() * 2 ** (number - 1)


def _outcome(delivery: Delivery, answer: transport.Answer, *, now: datetime, finished: datetime) -> float | None:
    """Set ``delivery``'s fields after its attempt; the wait before the next one, or None."""
    delivery.attempts += 1
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error[:200]
    if answer.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, finished, None
        return None
    if delivery.attempts >= conf.max_attempts() or answer is PAUSED:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        return None
    wait = backoff_after(delivery.attempts)
    delivery.next_attempt_at = now + timedelta(seconds=wait)
    return wait


def _record(batch: list[Delivery], answers: list[transport.Answer], *, now: datetime) -> list[float | None]:
    """Every attempt's log row and every delivery's outcome in one write transaction."""
    finished = timezone.now()
    log, waits = [], []
    for delivery, answer in zip(batch, answers, strict=True):
        number = delivery.attempts + 1
        log.append(
            Attempt(
                delivery=delivery,
                number=number,
                started_at=now,
                duration_ms=answer.duration_ms,
                status_code=answer.status_code,
                error=answer.error[:200],
            )
        )
        waits.append(_outcome(delivery, answer, now=now, finished=finished))  # counts the attempt
    alike: dict[tuple, list[int]] = {}  # one UPDATE per distinct outcome (usually one: all delivered)
    for delivery in batch:
        alike.setdefault(tuple(getattr(delivery, f) for f in OUTCOME_FIELDS), []).append(delivery.pk)
    with serialized_writes(), transaction.atomic():
        Attempt.objects.bulk_create(log)
        for values, pks in alike.items():
            Delivery.objects.filter(pk__in=pks).update(**dict(zip(OUTCOME_FIELDS, values, strict=True)))
    return waits


def send_due(*, now: datetime | None = None) -> list[float]:
    """Claim and send batches until none is due (the sending task's work). Answers the distinct waits of
    the deliveries to try again, for the task to be scheduled after each."""
    if not _due(now or timezone.now()).exists():  # most queued tasks find their deliveries sent: no write
        return []
    size, waits = conf.batch_size(), set()
    while True:
        at = now or timezone.now()
        batch = claim(now=at, size=size)
        if batch:
            waits.update(w for w in send(batch, now=at) if w is not None)
        if len(batch) < size:
            return sorted(waits)


def attempt(delivery: Delivery, *, now: datetime | None = None) -> float | None:
    """One attempt at ``delivery``, if it is due and no one else holds it. Answers the seconds until the next
    attempt, or None (delivered, failed for good, or not ours to send)."""
    now = now or timezone.now()
    batch = claim(now=now, size=1, pks=[delivery.pk])
    if not batch:
        return None
    [wait] = send(batch, now=now)
    return wait
