from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The command-centre screen and statistics: pages and API over the roll-up store and assessment."""

    name = "wangge.dashboard"
    label = "screen"
    verbose_name = _("Command centre and statistics")
