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


def batch_size() -> int:
    """Due deliveries a sender claims at once (one claim, one write of their outcomes)."""
    return max(1, int(getattr(settings, "WEBHOOKS_BATCH_SIZE", 50)))


def concurrency() -> int:
    """POSTs a process has in flight at once (its pool of sending threads and of connections per host)."""
    return max(1, int(getattr(settings, "WEBHOOKS_CONCURRENCY", 8)))


def subscriptions_check_seconds() -> float:
    """How old a process's snapshot of who subscribed to what may be before it is read again."""
    return float(getattr(settings, "WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS", 1))
