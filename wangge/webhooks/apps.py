from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "wangge.webhooks"
    label = "webhooks"
    verbose_name = _("Outbound webhooks")

    def ready(self) -> None:
        from wangge.webhooks import sources

        sources.subscribe()  # case events and device alarms become queued deliveries
