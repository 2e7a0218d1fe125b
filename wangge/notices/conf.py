"""Settings of notices, read from Django settings when present."""

from django.conf import settings


def attachment_max_bytes() -> int:
    """The largest attachment a notice may carry (NOTICE_ATTACHMENT_MAX_BYTES, default 10 MB)."""
    return int(getattr(settings, "NOTICE_ATTACHMENT_MAX_BYTES", 10 * 2**20))


def attachments_max() -> int:
    """How many attachments one notice may carry (NOTICE_ATTACHMENTS_MAX, default 10)."""
    return int(getattr(settings, "NOTICE_ATTACHMENTS_MAX", 10))
