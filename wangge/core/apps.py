from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wangge.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from django.contrib import admin

        from wangge.core.uploads import set_pillow_limit

        set_pillow_limit()
        # The administration pages carry the platform's name, not Django's.
        admin.site.site_header = _("Wangge administration")
        admin.site.site_title = _("Wangge administration")
        admin.site.index_title = _("Data and settings")
