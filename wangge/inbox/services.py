from django.db import transaction
from django.utils import timezone

from wangge.inbox.delivery import deliver
from wangge.inbox.models import Message
from wangge.inbox.tasks import deliver_messages

__all__ = ["deliver", "mark_read", "notify"]


def notify(*, users, kind: str, title: str, body: str = "", url: str = "") -> list[Message]:
    """Put a message in each user's inbox; outside channels run after the transaction commits."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    messages = Message.objects.bulk_create(
        [Message(user=u, kind=kind, title=title[:200], body=body, url=url) for u in recipients.values()]
    )
    if messages:
        ids = [m.pk for m in messages if m.pk]
        transaction.on_commit(lambda: deliver_messages(ids))
    return messages


def mark_read(*, user, ids: list[int] | None = None) -> int:
    messages = Message.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        messages = messages.filter(pk__in=ids)
    return messages.update(read_at=timezone.now())
