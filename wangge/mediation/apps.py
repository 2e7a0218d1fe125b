from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "wangge.mediation"
    label = "mediation"
    verbose_name = _("Dispute mediation")

    def ready(self) -> None:
        from wangge.mediation import portrait, services

        portrait.register()  # the disputes on the ledger's person page
        services.register_case_action()  # "register as a dispute" on the page of a 矛盾纠纷 case
