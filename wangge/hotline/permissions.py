"""Importing work orders, the mapping table and the hotline link are for administrators (``hotline.manage``);
the 三率 are figures of a region, read like the screen's (``stats.view`` and the region in reach)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wangge.accounts.roles import has_capability

MANAGE = "hotline.manage"


def can_manage(user) -> bool:
    return user is not None and user.is_authenticated and (user.is_superuser or has_capability(user, MANAGE))


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Only administrators manage the 12345 hotline link."))


def require_stats(user) -> None:
    if not (user is not None and user.is_authenticated and (user.is_superuser or has_capability(user, "stats.view"))):
        raise PermissionDenied(_("Your role may not read statistics."))
