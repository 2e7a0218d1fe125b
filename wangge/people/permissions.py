"""What a role may do with the ledger (``wangge.accounts.roles.ROLE_CAPABILITIES``); which rows it
reaches is the scope's business (``wangge.accounts.scope``).

- ``people.view``: read the ledger of one's reach, personal numbers masked;
- ``people.change``: create, edit and import;
- ``people.labels``: read (and, with ``people.change``, edit) person labels — sensitive data;
- ``people.reveal``: see one full personal number, giving a reason, which is audited;
- ``people.export``: download a masked, watermarked Excel list, which is audited.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import has_capability

VIEW = "people.view"
CHANGE = "people.change"
LABELS = "people.labels"
REVEAL = "people.reveal"
EXPORT = "people.export"

REFUSALS = {
    VIEW: _("Your role may not read the ledger of people and places."),
    CHANGE: _("Your role may not change the ledger."),
    LABELS: _("Your role may not see or change person labels."),
    REVEAL: _("Your role may not reveal full personal numbers."),
    EXPORT: _("Your role may not export the ledger."),
}


def can(user, capability: str) -> bool:
    return user is not None and user.is_authenticated and has_capability(user, capability)


def require(user, *capabilities: str) -> None:
    for capability in capabilities:
        if not can(user, capability):
            raise PermissionDenied(str(REFUSALS[capability]))
