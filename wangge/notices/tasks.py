"""Background work of notices: telling readers of a scheduled notice once its window opens."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wangge.notices import services


@db_periodic_task(crontab(minute="*/5"))
def tell_opened_windows() -> int:
    """Every five minutes: notices published ahead of their window reach their readers' inboxes when it opens."""
    return services.tell_opened_windows()
