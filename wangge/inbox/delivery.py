"""Sending a message through the outside channels (SMS, WeCom, …): below both the services that queue
it and the task that runs it."""

from wangge.inbox.channels import configured_channels
from wangge.inbox.models import Delivery, Message


def deliver(message: Message) -> None:
    for channel in configured_channels():
        try:
            ok, detail = channel.send(message.user, message)
        except Exception as exc:  # a channel failing must not lose the record of the attempt
            ok, detail = False, f"{type(exc).__name__}"
        Delivery.objects.create(message=message, channel=channel.name, ok=ok, detail=detail[:200])
