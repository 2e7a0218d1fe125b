"""Settings of services to residents, read from Django settings when present, else from the environment."""

import os

from django.conf import settings


def wish_stale_days() -> int:
    """Days an approved wish may stay unclaimed before it is flagged to the community
    (SERVICES_WISH_STALE_DAYS, default 7)."""
    value = getattr(settings, "SERVICES_WISH_STALE_DAYS", None)
    return int(value if value is not None else os.environ.get("WANGGE_SERVICES_WISH_STALE_DAYS", "7"))


def photo_max_bytes() -> int:
    return int(getattr(settings, "CASE_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def checkin_early_minutes() -> int:
    """How long before an activity starts its door code already checks people in (default 60)."""
    return int(getattr(settings, "SERVICES_CHECKIN_EARLY_MINUTES", 60))
