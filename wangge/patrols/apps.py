from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "wangge.patrols"
    label = "patrols"
    verbose_name = _("Patrols")

    def ready(self) -> None:
        from wangge.cases import events
        from wangge.patrols import portrait, services

        events.subscribe(
            events.REPORTED, services.link_reported_case, prepare=services.open_patrol_of_reporter
        )  # a case raised on a patrol links to it
        portrait.register()  # the visits on the ledger's household and person pages
