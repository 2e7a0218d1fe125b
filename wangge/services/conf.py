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


def circle_minutes() -> int:
    """The walk that makes a service circle, in minutes (SERVICES_CIRCLE_MINUTES, default 10)."""
    return int(getattr(settings, "SERVICES_CIRCLE_MINUTES", 10))


def walking_speed_m_per_min() -> float:
    """Walking speed in metres a minute (SERVICES_WALKING_SPEED_M_PER_MIN, default 75: 4.5 km/h, a pace
    older residents keep)."""
    return float(getattr(settings, "SERVICES_WALKING_SPEED_M_PER_MIN", 75))


def detour_factor() -> float:
    """How much longer a walk along streets is than the straight line (SERVICES_DETOUR_FACTOR, default 1.3)."""
    return float(getattr(settings, "SERVICES_DETOUR_FACTOR", 1.3))


def road_width_m() -> float:
    """How far either side of a reached road still counts as reached (SERVICES_ROAD_WIDTH_M, default 50: the
    doorway of a building set back from the street)."""
    return float(getattr(settings, "SERVICES_ROAD_WIDTH_M", 50))


def road_snap_m() -> float:
    """How far a service point may lie from the road network and still walk onto it
    (SERVICES_ROAD_SNAP_M, default 200); farther, its circle is the straight-line one."""
    return float(getattr(settings, "SERVICES_ROAD_SNAP_M", 200))


def road_max_bytes() -> int:
    """The largest road network file an administrator may import (SERVICES_ROAD_MAX_BYTES, default 12 MB)."""
    return int(getattr(settings, "SERVICES_ROAD_MAX_BYTES", 12 * 2**20))
