from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "wangge.people"
    label = "people"
    verbose_name = _("Basic data: people, places, things, organisations")

    def ready(self) -> None:
        from wangge.people.selectors import ledger_figures
        from wangge.regions import figures

        figures.register(ledger_figures)
