"""Writes of the hotline module besides the import (``importing``): the link the status goes back on,
and the mapping table (also kept in the admin)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.cases.models import Category
from wangge.hotline import permissions, status_push
from wangge.hotline.models import CategoryMapping
from wangge.webhooks import services as webhooks


@transaction.atomic
def set_link(*, actor, url: str, is_active: bool = True) -> tuple[object, str]:
    """Point the status push at ``url``. Answers (subscription, secret): the secret is new (and answered
    once) when the link is made; the hotline signs its order webhook with the same secret."""
    if actor is not None:
        permissions.require_manage(actor)
    current = status_push.link()
    if current is None:
        return webhooks.create_subscription(
            actor=actor, name="12345", url=url, events=[], owner=status_push.OWNER, is_active=is_active
        )
    return webhooks.update_subscription(actor=actor, subscription=current, url=url, is_active=is_active), ""


@transaction.atomic
def map_category(*, actor, hotline_code: str, hotline_name: str, category: str) -> CategoryMapping:
    if actor is not None:
        permissions.require_manage(actor)
    found = Category.objects.filter(code=category, is_active=True, parent__isnull=False).first()
    if found is None:
        raise ValidationError(
            {"category": _("Unknown category %(code)s: choose a sub-class from the catalogue.") % {"code": category}}
        )
    mapping, _created = CategoryMapping.objects.update_or_create(
        hotline_code=hotline_code.strip(), defaults={"hotline_name": hotline_name.strip(), "category": found}
    )
    mapping.full_clean()
    audit.record(actor=actor, action="hotline.mapping.save", obj=mapping, changes={"category": category})
    return mapping
