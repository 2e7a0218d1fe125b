from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wangge.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from wangge.core.uploads import set_pillow_limit

        set_pillow_limit()
