from wangge.inbox.models import Message


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(user=user, read_at__isnull=True).count()


def messages_for(user, *, unread_only: bool = False, limit: int = 50) -> list[Message]:
    messages = Message.objects.filter(user=user)
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return list(messages[:limit])
