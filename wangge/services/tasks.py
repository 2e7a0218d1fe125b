"""Background work of services to residents: the daily flag on wishes left unclaimed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wangge.services import services


@db_periodic_task(crontab(hour="8", minute="5"))
def flag_unclaimed_wishes() -> int:
    """Each morning: wishes open for SERVICES_WISH_STALE_DAYS and not flagged yet are told to the community."""
    return services.flag_unclaimed_wishes()


@db_task()
def recompute_coverage() -> int:
    """After a service point or a road network changed: the stale stored coverage, recomputed."""
    return services.recompute_stale_coverage()
