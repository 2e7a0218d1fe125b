"""Outside channels for messages. Each backend has ``send(user, message) -> (ok, detail)``; the list
comes from settings.NOTIFY_CHANNELS (dotted paths). The default only logs, without personal data."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("wangge.notify")


class LoggingChannel:
    name = "log"

    def send(self, user, message) -> tuple[bool, str]:
        log.info("notify user=%s kind=%s message=%s", user.pk, message.kind, message.pk)
        return True, "logged"


class SmsChannel:
    """Placeholder for an SMS gateway: configure a real backend class in NOTIFY_CHANNELS."""

    name = "sms"

    def send(self, user, message) -> tuple[bool, str]:
        return False, "no SMS gateway configured"


def configured_channels():
    return [import_string(path)() for path in settings.NOTIFY_CHANNELS]
