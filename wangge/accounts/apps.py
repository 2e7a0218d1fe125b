from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from wangge.accounts import signals  # noqa: F401  (login/logout audit records)
