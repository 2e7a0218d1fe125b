from huey.contrib.djhuey import task

from wangge.inbox.delivery import deliver
from wangge.inbox.models import Message


@task(retries=3, retry_delay=30)
def deliver_messages(ids: list[int]) -> None:
    for message in Message.objects.filter(pk__in=ids).select_related("user"):
        deliver(message)
