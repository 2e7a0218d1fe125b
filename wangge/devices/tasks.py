"""The offline scan: each minute, devices silent past their heartbeat interval go offline (one case each);
and each night the old heartbeats and readings are pruned."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wangge.devices import services

log = logging.getLogger("huey")


@db_periodic_task(crontab(minute="*"))
def offline_scan() -> int:
    count = services.check_offline()
    if count:
        log.info("%d device(s) went offline", count)
    return count


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_messages() -> int:
    """Each night: heartbeats and readings older than DEVICES_KEEP_DAYS go (alarms stay with their cases)."""
    return services.prune_messages()
