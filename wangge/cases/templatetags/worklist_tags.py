from django import template

from wangge.cases.views import count_label

register = template.Library()


@register.filter
def box_count(count: int) -> str:
    """A worklist box's count as shown: the number, or "99+" when it reached the cap."""
    return count_label(count)
