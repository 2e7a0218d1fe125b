from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "wangge.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        from wangge.inbox import case_notices

        case_notices.subscribe()
