"""Outside channels: every message put in an inbox is pushed through each configured channel by a task
queued after commit, and every attempt is kept as a ``Delivery`` record, failed ones included."""

import logging

import pytest
from huey.contrib.djhuey import HUEY

from wangge.inbox import channels, services
from wangge.inbox.models import Delivery, Kind, Message
from wangge.inbox.tasks import deliver_messages

LOG = "wangge.inbox.channels.LoggingChannel"
SMS = "wangge.inbox.channels.SmsChannel"
BROKEN = "tests.inbox.test_delivery.BrokenChannel"


class BrokenChannel:
    """A gateway that fails with an error whose text holds personal data."""

    name = "broken"

    def send(self, user, message):
        raise ConnectionError("gateway down while sending to 13912345678")


@pytest.fixture
def queue():
    """This run's task queue, empty (earlier tests may have queued deliveries no consumer took)."""
    HUEY.flush()
    yield HUEY
    HUEY.flush()


def deliveries(message) -> list[tuple[str, bool, str]]:
    return sorted(Delivery.objects.filter(message=message).values_list("channel", "ok", "detail"))


def test_the_channels_come_from_the_settings_in_order(settings):
    settings.NOTIFY_CHANNELS = [SMS, LOG]
    assert [type(c) for c in channels.configured_channels()] == [channels.SmsChannel, channels.LoggingChannel]
    settings.NOTIFY_CHANNELS = []
    assert channels.configured_channels() == []


def test_every_channel_is_tried_and_every_attempt_recorded(settings, user):
    settings.NOTIFY_CHANNELS = [LOG, SMS, BROKEN]
    message = services.notify(users=[user("resident1")], kind=Kind.NOTICE, title="请评价")[0]
    services.deliver(message)
    assert deliveries(message) == [
        ("broken", False, "ConnectionError"),  # the error's kind, never its text (it may hold a number)
        ("log", True, "logged"),
        ("sms", False, "no SMS gateway configured"),
    ]


def test_the_log_channel_writes_no_personal_data(settings, user, caplog):
    settings.NOTIFY_CHANNELS = [LOG]
    resident = user("resident1")
    message = services.notify(users=[resident], kind=Kind.NOTICE, title="张三的案件已办结")[0]
    with caplog.at_level(logging.INFO, logger="wangge.notify"):
        services.deliver(message)
    assert caplog.messages == [f"notify user={resident.pk} kind=notice message={message.pk}"]


def test_the_task_delivers_each_message_it_is_given(settings, user):
    settings.NOTIFY_CHANNELS = [LOG]
    sent = services.notify(users=[user("resident1"), user("gridworker1")], kind=Kind.RATED, title="已评价")
    other = services.notify(users=[user("operator")], kind=Kind.RATED, title="不在这一批")[0]
    deliver_messages.call_local([m.pk for m in sent] + [10**12])  # a deleted message is passed over
    assert [deliveries(m) for m in sent] == [[("log", True, "logged")]] * 2
    assert deliveries(other) == []


def test_delivery_is_queued_after_commit_and_done_by_whoever_takes_the_task(
    settings, user, queue, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = [LOG]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = services.notify(users=[user("resident1"), user("community1")], kind=Kind.ASSIGNED, title="新案件")
    assert queue.pending_count() == 0  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert queue.pending_count() == 1
    task = queue.dequeue()  # as a consumer takes it: through this run's real queue (SQLite file or Redis)
    assert task.name.endswith("deliver_messages") and task.args == ([m.pk for m in sent],)
    queue.execute(task)
    assert [deliveries(m) for m in sent] == [[("log", True, "logged")]] * 2
    assert queue.pending_count() == 0


def test_nothing_is_queued_when_nobody_is_told(user, queue, django_capture_on_commit_callbacks):
    inactive = user("gridworker2")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.notify(users=[None, inactive], kind=Kind.NOTICE, title="无人") == []
    assert callbacks == [] and queue.pending_count() == 0
    assert not Message.objects.filter(title="无人").exists()
