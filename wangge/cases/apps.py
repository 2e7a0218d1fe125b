from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "wangge.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from wangge.cases import portrait

        portrait.register()  # the cases panel of the ledger's household and person pages
