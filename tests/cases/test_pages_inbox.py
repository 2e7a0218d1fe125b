"""The inbox page and the navbar badge: unread first, mark all read, opening a message goes to its case."""

import re

from wangge.inbox.models import Message
from wangge.inbox.services import notify

BADGE = re.compile(r'data-testid="inbox-badge">(\d+)<')


def badge(html: str) -> int:
    found = BADGE.search(html)
    return int(found.group(1)) if found else 0


def test_the_navbar_counts_unread_messages_and_the_inbox_lists_them_unread_first(browser, user):
    resident = user("resident1")
    Message.objects.filter(user=resident).delete()  # the demo's notices and meetings told resident1 already
    old = notify(users=[resident], kind="notice", title="Old and read <b>x</b>", url="/cases/")[0]
    Message.objects.filter(pk=old.pk).update(read_at=old.created_at)
    notify(users=[resident], kind="assigned", title="First unread", url="/cases/")
    notify(users=[resident], kind="rated", title="Second unread", url="/cases/")
    notify(users=[user("gridworker1")], kind="notice", title="Not for resident1")
    client = browser("resident1")
    assert badge(client.get("/home/").content.decode()) == 2
    html = client.get("/inbox/").content.decode()
    titles = re.findall(r'<span class="(?:fw-semibold)?">([^<]+)</span>', html)
    assert titles == ["Second unread", "First unread", "Old and read &lt;b&gt;x&lt;/b&gt;"]
    assert "Not for resident1" not in html


def test_mark_all_read_clears_the_badge(browser, user):
    notify(users=[user("resident1")], kind="notice", title="Please rate")
    client = browser("resident1")
    response = client.post("/inbox/read-all/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    html = client.get("/inbox/").content.decode()
    assert badge(html) == 0
    assert 'data-read="0"' not in html
    assert client.get("/inbox/read-all/").status_code == 405


def test_opening_a_message_marks_it_read_and_follows_its_link_on_this_site_only(browser, user):
    resident = user("resident1")
    message = notify(users=[resident], kind="notice", title="Closed", url="/cases/?box=todo")[0]
    evil = notify(users=[resident], kind="notice", title="Elsewhere", url="https://evil.example/")[0]
    client = browser("resident1")
    response = client.post(f"/inbox/{message.pk}/")
    assert response["Location"] == "/cases/?box=todo"
    message.refresh_from_db()
    assert message.read_at is not None
    assert client.post(f"/inbox/{evil.pk}/")["Location"] == "/inbox/"
    other = notify(users=[user("gridworker1")], kind="notice", title="Theirs")[0]
    assert client.post(f"/inbox/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_a_closed_case_puts_a_message_in_the_reporters_inbox(
    report, browser, user, settings, tmp_path, django_capture_on_commit_callbacks
):
    from tests.cases.conftest import png
    from wangge.cases import services

    settings.MEDIA_ROOT = tmp_path
    case = report()
    evidence = {"photo_before": [png()], "photo_after": [png("a.png")]}
    with django_capture_on_commit_callbacks(execute=True):
        for username, action, params in (
            ("operator", "accept", {}),
            ("dispatcher", "dispatch", {}),
            ("department1", "sign", {}),
            ("department1", "feedback", {"opinion": "ok", **evidence}),
            ("gridworker1", "verify_pass", {}),
            ("operator", "close", {}),
        ):
            case = services.transition(case, action, actor=user(username), **params)
    html = browser("resident1").get("/inbox/").content.decode()
    assert badge(html) >= 1
    assert case.number in html
