"""A fixed-window counter in Django's cache (per process by default, shared when REDIS_URL is set)."""

import time

from django.core.cache import cache


def allow(scope: str, ident: str, *, limit: int, period: int) -> bool:
    """Count one hit for ``ident``; False once it made more than ``limit`` within the current window."""
    key = f"wangge:throttle:{scope}:{ident}:{int(time.time() // period)}"
    if cache.add(key, 1, timeout=period):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit
