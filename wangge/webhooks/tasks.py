"""Sending, by the task queue: one task per delivery, rescheduled with backoff after a failure; a sweep
each minute takes up deliveries whose task was lost (a consumer stopped in between)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wangge.webhooks import services
from wangge.webhooks.models import Delivery


@db_task()
def deliver(delivery_id: int) -> None:
    delivery = Delivery.objects.filter(pk=delivery_id).select_related("subscription").first()
    if delivery is None:
        return
    wait = services.attempt(delivery)
    if wait is not None:
        deliver.schedule((delivery_id,), delay=wait)


@db_periodic_task(crontab(minute="*"))
def sweep() -> None:
    for pk in services.due():
        deliver(pk)
