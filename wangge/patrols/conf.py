"""Settings of patrols, read from Django settings when present, else the defaults."""

from django.conf import settings


def auto_close_hours() -> float:
    """A patrol left open closes itself this many hours after it started (PATROL_AUTO_CLOSE_HOURS, 12)."""
    return float(getattr(settings, "PATROL_AUTO_CLOSE_HOURS", 12))


def max_speed_mps(*, car: bool = False) -> float:
    """A point reached faster than this from the one before is a jump: PATROL_MAX_SPEED_MPS (40 m/s) on foot or
    by bicycle, PATROL_CAR_MAX_SPEED_MPS (70 m/s) in a patrol car, whose fixes a second apart at 100 km/h
    (28 m/s) may each be 15 m off and so seem to move at over 40 m/s."""
    if car:
        return float(getattr(settings, "PATROL_CAR_MAX_SPEED_MPS", 70))
    return float(getattr(settings, "PATROL_MAX_SPEED_MPS", 40))


def max_batch_points() -> int:
    """Points one batch may carry (PATROL_MAX_BATCH_POINTS, 5000)."""
    return int(getattr(settings, "PATROL_MAX_BATCH_POINTS", 5000))


def max_points() -> int:
    """Points one patrol may hold (PATROL_MAX_POINTS, 50000: a 12-hour patrol at one point a second)."""
    return int(getattr(settings, "PATROL_MAX_POINTS", 50000))


def simplify_tolerance_m() -> float:
    """The tolerance of the track drawn on the map (PATROL_SIMPLIFY_METRES, 5 m)."""
    return float(getattr(settings, "PATROL_SIMPLIFY_METRES", 5))


def coverage_days() -> int:
    """A micro-grid not patrolled for this many days is shown as not covered (PATROL_COVERAGE_DAYS, 7)."""
    return int(getattr(settings, "PATROL_COVERAGE_DAYS", 7))


def visit_every_days() -> int:
    """Each household should be visited at least every this many days (VISIT_EVERY_DAYS, 90)."""
    return int(getattr(settings, "VISIT_EVERY_DAYS", 90))


def visit_every_days_labelled() -> int:
    """…and a household with a labelled member (VISIT_LABELS) every this many days (VISIT_EVERY_DAYS_LABELLED, 7)."""
    return int(getattr(settings, "VISIT_EVERY_DAYS_LABELLED", 7))


def visit_labels() -> tuple[str, ...]:
    """The person labels that make a household's visits due sooner (VISIT_LABELS)."""
    return tuple(getattr(settings, "VISIT_LABELS", ("elderly_alone", "disability", "subsistence", "left_behind_child")))
