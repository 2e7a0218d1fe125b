"""Settings of party work, read from Django settings when present, else from the environment."""

import os

from django.conf import settings


def central_household_max() -> int:
    """Households one 党员中心户 may be linked to (PARTY_CENTRAL_HOUSEHOLD_MAX, default 30)."""
    value = getattr(settings, "PARTY_CENTRAL_HOUSEHOLD_MAX", None)
    return int(value if value is not None else os.environ.get("WANGGE_PARTY_CENTRAL_HOUSEHOLD_MAX", "30"))


def central_household_min() -> int:
    """Below this a central household is shown as short of households (not refused: it is being built up)."""
    return int(getattr(settings, "PARTY_CENTRAL_HOUSEHOLD_MIN", 10))


def shared_coverage() -> bool:
    """Whether a household may be linked to more than one central household (PARTY_SHARED_COVERAGE)."""
    return bool(getattr(settings, "PARTY_SHARED_COVERAGE", False))


def photo_max_bytes() -> int:
    """The largest photo a done claim may carry (PARTY_PHOTO_MAX_BYTES, else the case photos' limit)."""
    value = getattr(settings, "PARTY_PHOTO_MAX_BYTES", None)
    return int(value if value is not None else settings.CASE_PHOTO_MAX_BYTES)


def property_red_from() -> int:
    """A half-year score at or above this puts a property company on the red list (PARTY_PROPERTY_RED_FROM)."""
    return int(getattr(settings, "PARTY_PROPERTY_RED_FROM", 90))


def property_black_below() -> int:
    """A half-year score below this puts it on the black list (PARTY_PROPERTY_BLACK_BELOW)."""
    return int(getattr(settings, "PARTY_PROPERTY_BLACK_BELOW", 60))


def property_late_case_points() -> int:
    """Points a quarter's score loses per case about the company's compounds that was late or is overdue."""
    return int(getattr(settings, "PARTY_PROPERTY_LATE_CASE_POINTS", 2))
