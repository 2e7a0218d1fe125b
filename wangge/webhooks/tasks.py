"""Sending, by the task queue: ``send_due`` is queued once after the commit of each transaction that wrote
deliveries and sends every due delivery in batches (``sending.send_due``); it is scheduled again after the
backoff of the deliveries that failed. A sweep each minute takes up what no queued task will (a consumer
stopped in between)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wangge.webhooks import sending


def _send_and_schedule_retries() -> None:
    for wait in sending.send_due():
        send_due.schedule(delay=wait)


@db_task()
def send_due() -> None:
    _send_and_schedule_retries()


@db_periodic_task(crontab(minute="*"))
def sweep() -> None:
    _send_and_schedule_retries()
