"""Periodic work on patrols: every ten minutes, close the patrols left open past PATROL_AUTO_CLOSE_HOURS."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wangge.patrols import services


@db_periodic_task(crontab(minute="*/10"))
def close_stale_patrols() -> int:
    return services.close_stale()
