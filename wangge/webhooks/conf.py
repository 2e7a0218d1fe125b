"""Outbound webhook settings (environment variables, read at call time so tests can change them)."""

from django.conf import settings


def timeout() -> float:
    """Seconds to connect and to wait for the receiver's answer (one attempt)."""
    return float(getattr(settings, "WEBHOOKS_TIMEOUT_SECONDS", 5))


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOKS_MAX_ATTEMPTS", 6))


def backoff() -> float:
    """The wait before the second attempt; it doubles after each failure (30 s, 1 min, 2 min, …)."""
    return float(getattr(settings, "WEBHOOKS_BACKOFF_SECONDS", 30))
