"""Subscriptions, deliveries and replays are for administrators (``webhooks.manage``)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wangge.accounts.roles import has_capability

MANAGE = "webhooks.manage"


def can_manage(user) -> bool:
    return user is not None and user.is_authenticated and (user.is_superuser or has_capability(user, MANAGE))


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Only administrators manage webhooks."))
