from django.conf import settings

from wangge.core import request_context
from wangge.core.throttle import allow


def anonymous_report_allowed(request) -> bool:
    """Reports without an account are limited per client address and hour."""
    return allow(
        "anonymous-report",
        request_context.client_ip(request) or "unknown",
        limit=settings.ANONYMOUS_REPORTS_PER_HOUR,
        period=3600,
    )


def anonymous_locate_allowed(request) -> bool:
    """The report page's place look-ups without an account, limited per client address and hour."""
    return allow(
        "anonymous-locate",
        request_context.client_ip(request) or "unknown",
        limit=settings.ANONYMOUS_LOCATES_PER_HOUR,
        period=3600,
    )
