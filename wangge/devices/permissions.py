"""Who may do what with devices. Reads need a data reach (``scope.restrict`` on the device's grid path):
residents and department staff see none. Registering devices, vendors and their keys, the alarm mapping,
unknown devices and dead letters need ``devices.manage`` (administrators)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wangge.accounts.roles import has_capability

MANAGE = "devices.manage"


def can_manage(user) -> bool:
    return user is not None and user.is_authenticated and (user.is_superuser or has_capability(user, MANAGE))


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Your role may not manage devices."))
