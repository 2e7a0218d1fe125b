"""Settings of the device module, read from Django settings when present, else from the environment."""

import hashlib
import os
from datetime import timedelta

from django.conf import settings


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value if value is not None else os.environ.get(f"WANGGE_{name}", default))


def mqtt_url() -> str:
    """Where the broker is (MQTT_URL, default mqtt://127.0.0.1:1883)."""
    return str(getattr(settings, "MQTT_URL", None) or os.environ.get("MQTT_URL") or "mqtt://127.0.0.1:1883")


def topic_prefix() -> str:
    """Topics are ``{prefix}/{serial}/{kind}`` (DEVICES_TOPIC_PREFIX, default ``wangge/devices``)."""
    return _setting("DEVICES_TOPIC_PREFIX", "wangge/devices").rstrip("/")


def fold_window() -> timedelta:
    """Alarms of one device within this window add to its open case (DEVICES_FOLD_MINUTES, default 30)."""
    return timedelta(minutes=float(_setting("DEVICES_FOLD_MINUTES", "30")))


def clock_skew() -> timedelta:
    """A device's time further than this from ours is flagged and ours used (DEVICES_CLOCK_SKEW_MINUTES, 10)."""
    return timedelta(minutes=float(_setting("DEVICES_CLOCK_SKEW_MINUTES", "10")))


def offline_grace() -> float:
    """A device is offline after this many heartbeat intervals of silence (DEVICES_OFFLINE_GRACE, default 2)."""
    return float(_setting("DEVICES_OFFLINE_GRACE", "2"))


def db_retries() -> int:
    """Attempts of a batch while the database fails, with backoff, before dead-lettering it (default 5)."""
    return int(_setting("DEVICES_DB_RETRIES", "5"))


def max_payload() -> int:
    """Bytes of a message body we read (larger bodies are dead-lettered; DEVICES_MAX_PAYLOAD, 16 KiB)."""
    return int(_setting("DEVICES_MAX_PAYLOAD", str(16 * 1024)))


def client_id() -> str:
    """The subscriber's persistent session (WANGGE_MQTT_CLIENT_ID): stable across restarts, so the broker keeps
    what arrives while it is down, and different per installation (its database), so two sites or test runs
    on one broker never take each other's session."""
    explicit = os.environ.get("WANGGE_MQTT_CLIENT_ID") or getattr(settings, "MQTT_CLIENT_ID", "")
    if explicit:
        return explicit
    database = settings.DATABASES["default"]
    where = f"{database.get('HOST', '')}:{database.get('PORT', '')}/{database.get('NAME', '')}"
    return "wangge-devices-" + hashlib.sha256(where.encode()).hexdigest()[:10]


def keep_days() -> int:
    """Heartbeats and readings older than this many days are deleted each night (DEVICES_KEEP_DAYS, 30);
    alarms are kept with their cases."""
    return int(_setting("DEVICES_KEEP_DAYS", "30"))


def mqtt_workers() -> int:
    """Subscriber processes `wangge mqtt` runs on the shared subscription (WANGGE_MQTT_WORKERS, default one
    per CPU)."""
    explicit = getattr(settings, "MQTT_WORKERS", None) or os.environ.get("WANGGE_MQTT_WORKERS")
    return max(1, int(explicit or os.cpu_count() or 1))
