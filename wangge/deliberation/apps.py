from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "wangge.deliberation"
    label = "deliberation"
    verbose_name = _("Deliberation (有事好商量)")

    def ready(self):
        from wangge.deliberation import hooks

        hooks.register()
