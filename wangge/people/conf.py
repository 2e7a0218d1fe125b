"""Settings of the ledger, read from Django settings when present, else from the environment."""

import os

from django.conf import settings


def _int(name: str, env: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else int(os.environ.get(env, str(default)))


def import_max_rows() -> int:
    """Rows one Excel file may hold; larger files are refused with a message (WANGGE_PEOPLE_IMPORT_MAX_ROWS)."""
    return _int("PEOPLE_IMPORT_MAX_ROWS", "WANGGE_PEOPLE_IMPORT_MAX_ROWS", 20_000)


def import_max_bytes() -> int:
    """Bytes one uploaded Excel file may hold (WANGGE_PEOPLE_IMPORT_MAX_BYTES)."""
    return _int("PEOPLE_IMPORT_MAX_BYTES", "WANGGE_PEOPLE_IMPORT_MAX_BYTES", 30 * 2**20)


def export_max_rows() -> int:
    """Rows one export may hold (WANGGE_PEOPLE_EXPORT_MAX_ROWS)."""
    return _int("PEOPLE_EXPORT_MAX_ROWS", "WANGGE_PEOPLE_EXPORT_MAX_ROWS", 100_000)
