from django import template

from wangge.people import permissions

register = template.Library()


@register.filter
def reads_ledger(user) -> bool:
    """Whether the navbar shows the ledger to this user."""
    return permissions.can(user, permissions.VIEW)
