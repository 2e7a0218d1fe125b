from django.utils.functional import SimpleLazyObject

from wangge.rollups.selectors import can_view


def nav(request) -> dict:
    """Whether the navigation shows the command screen and assessment (computed only when used)."""
    user = getattr(request, "user", None)
    return {"perms_stats": SimpleLazyObject(lambda: bool(user is not None and can_view(user)))}
