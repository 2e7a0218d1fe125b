from django import template

from wangge.inbox import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context) -> int:
    """The signed-in user's unread message count (the navbar badge); one query per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return selectors.unread_count(user)
