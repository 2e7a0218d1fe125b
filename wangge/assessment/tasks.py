"""Scheduled assessment work (huey): last month's bulletins on the 1st at 01:30."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wangge.assessment.services import generate_monthly


@db_periodic_task(crontab(day="1", hour="1", minute="30"))
def monthly_bulletins() -> int:
    return len(generate_monthly())
