"""Inbox messages: who gets one, unread counts, reading; scoped to their owner."""

from datetime import timedelta

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from wangge.inbox import selectors, services
from wangge.inbox.models import Kind, Message


def test_each_active_recipient_gets_one_message(user):
    resident, worker, gone = user("resident1"), user("gridworker1"), user("gridworker2")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    kept = Message.objects.filter(user=gone).count()  # what the demo's notices told them before
    made = services.notify(
        users=[resident, worker, resident, None, gone],
        kind=Kind.ASSIGNED,
        title="派遣" * 150,
        body="详情",
        url="/cases/",
    )
    assert sorted(m.user.username for m in made) == ["gridworker1", "resident1"]
    stored = Message.objects.filter(pk__in=[m.pk for m in made])
    assert {(m.user_id, m.kind, m.title, m.body, m.url, m.read_at) for m in stored} == {
        (u.pk, Kind.ASSIGNED, ("派遣" * 150)[:200], "详情", "/cases/", None) for u in (resident, worker)
    }
    assert Message.objects.filter(user=gone).count() == kept


def test_unread_counts_are_per_user_and_drop_as_messages_are_read(user):
    resident, worker = user("resident1"), user("gridworker1")
    before = selectors.unread_count(resident), selectors.unread_count(worker)
    first, second, third = (services.notify(users=[resident], kind=Kind.NOTICE, title=t)[0] for t in "一二三")
    services.notify(users=[worker], kind=Kind.NOTICE, title="别人的")
    assert selectors.unread_count(resident) == before[0] + 3
    assert selectors.unread_count(worker) == before[1] + 1

    assert services.mark_read(user=resident, ids=[first.pk, second.pk]) == 2
    assert services.mark_read(user=resident, ids=[first.pk]) == 0  # already read
    assert services.mark_read(user=worker, ids=[third.pk]) == 0  # not theirs: left unread
    assert selectors.unread_count(resident) == before[0] + 1
    third.refresh_from_db()
    assert third.read_at is None

    assert services.mark_read(user=resident) == before[0] + 1
    assert selectors.unread_count(resident) == 0
    assert selectors.unread_count(worker) == before[1] + 1


def test_an_anonymous_visitor_has_no_unread_messages():
    from django.contrib.auth.models import AnonymousUser

    assert selectors.unread_count(AnonymousUser()) == 0


def test_messages_come_newest_first_with_a_limit_and_an_unread_filter(user):
    resident = user("resident1")
    services.mark_read(user=resident)
    made = [services.notify(users=[resident], kind=Kind.NOTICE, title=f"第{n}条")[0] for n in range(4)]
    now = timezone.now()
    for n, message in enumerate(made):  # distinct times: the order must not depend on the clock's grain
        Message.objects.filter(pk=message.pk).update(created_at=now + timedelta(minutes=n))
    services.mark_read(user=resident, ids=[made[3].pk])
    assert [m.title for m in selectors.messages_for(resident, limit=3)] == ["第3条", "第2条", "第1条"]
    assert [m.title for m in selectors.messages_for(resident, unread_only=True)][:3] == ["第2条", "第1条", "第0条"]


def test_the_navbar_tag_counts_the_signed_in_users_unread_messages(user):
    resident = user("resident1")
    services.mark_read(user=resident)
    services.notify(users=[resident], kind=Kind.NOTICE, title="一")
    services.notify(users=[resident], kind=Kind.NOTICE, title="二")
    template = Template("{% load inbox_tags %}{% unread_messages %}")
    request = RequestFactory().get("/")
    request.user = resident
    assert template.render(Context({"request": request})) == "2"
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert template.render(Context({"request": request})) == "0"
    assert template.render(Context({})) == "0"
