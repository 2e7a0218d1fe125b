from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "wangge.hotline"
    label = "hotline"
    verbose_name = _("12345 hotline")

    def ready(self) -> None:
        from wangge.cases import events
        from wangge.hotline import status_push

        # A hotline case that moves tells the hotline (status, opinion, closure) through the adapter.
        events.subscribe(events.MOVED, status_push.case_moved)
