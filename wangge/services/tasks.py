"""Background work of services to residents: the daily flag on wishes left unclaimed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wangge.services import services


@db_periodic_task(crontab(hour="8", minute="5"))
def flag_unclaimed_wishes() -> int:
    """Each morning: wishes open for SERVICES_WISH_STALE_DAYS and not flagged yet are told to the community."""
    return services.flag_unclaimed_wishes()
