"""The pages: the list and the detail for residents (opening records the receipt, markup shown as text), the
poll answered on the page, publishing and editing forms and the results page for staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.notices.conftest import COMMUNITY_1, GRID_1, pdf, png
from wangge.notices.models import Notice, NoticeRevision, PollResponse, ReadReceipt

pytestmark = pytest.mark.django_db


def test_the_list_shows_what_the_resident_may_read(publish, browser):
    shown = publish(GRID_1, title="本网格通知")
    hidden = publish(GRID_1, title="明天的通知", publish_from=timezone.now() + timedelta(days=1))
    page = browser("resident1").get("/notices/")
    assert page.status_code == 200
    html = page.content.decode()
    assert shown.title in html and hidden.title not in html
    assert 'data-testid="nav-notices"' in html and 'data-testid="notice-new"' not in html
    staff = browser("gridworker1").get("/notices/").content.decode()
    assert 'data-testid="notice-new"' in staff and hidden.title in staff and 'data-testid="notice-scheduled"' in staff


def test_opening_records_one_receipt_and_escapes_markup(publish, browser):
    notice = publish(GRID_1, body="<b>加粗</b>\n第二行")
    client = browser("resident1")
    for _ in range(2):
        page = client.get(f"/notices/{notice.pk}/")
    html = page.content.decode()
    assert "&lt;b&gt;加粗&lt;/b&gt;<br>第二行" in html and "<b>加粗</b>" not in html
    assert ReadReceipt.objects.filter(notice=notice).count() == 1


def test_a_resident_answers_the_poll_once(publish, browser):
    notice = publish(GRID_1, poll=True)
    single, multiple = notice.questions.all()
    client = browser("resident1")
    form = client.get(f"/notices/{notice.pk}/").content.decode()
    assert 'data-testid="poll-form"' in form
    answer = {f"q{single.pk}": [single.choices.first().pk], f"q{multiple.pk}": [c.pk for c in multiple.choices.all()]}
    done = client.post(f"/notices/{notice.pk}/respond/", answer)
    assert done.status_code == 302
    assert 'data-testid="poll-answered"' in client.get(f"/notices/{notice.pk}/").content.decode()
    assert client.post(f"/notices/{notice.pk}/respond/", answer).status_code == 409
    assert PollResponse.objects.filter(notice=notice).count() == 1


def test_a_missing_answer_is_shown(publish, browser):
    notice = publish(GRID_1, poll=True)
    single = notice.questions.first()
    page = browser("resident1").post(f"/notices/{notice.pk}/respond/", {f"q{single.pk}": [single.choices.first().pk]})
    assert page.status_code == 400 and "Answer every question." in page.content.decode()


def test_staff_publish_with_a_poll_and_attachments(browser):
    client = browser("community1")
    assert client.get("/notices/new/").status_code == 200
    response = client.post(
        "/notices/new/",
        {
            "kind": "finance",
            "region": COMMUNITY_1,
            "title": "十一月收支",
            "body": "收入\n支出",
            "attachments": [pdf(), png()],
            "question_1": "满意吗？",
            "question_1_kind": "single",
            "question_1_choices": "满意\n不满意\n",
            "question_2_kind": "single",
            "question_3_kind": "single",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.get(title="十一月收支")
    assert notice.attachments.count() == 2
    assert [c.text for c in notice.questions.get().choices.all()] == ["满意", "不满意"]
    attachment = notice.attachments.get(content_type="application/pdf")
    download = browser("resident1").get(f"/notices/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_a_bad_attachment_is_shown_under_the_field(browser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = browser("community1").post(
        "/notices/new/",
        {
            "kind": "notice",
            "region": COMMUNITY_1,
            "title": "t",
            "body": "b",
            "attachments": [SimpleUploadedFile("x.html", b"<html>", content_type="text/html")],
            "question_1_kind": "single",
            "question_2_kind": "single",
            "question_3_kind": "single",
        },
    )
    assert response.status_code == 400 and 'data-testid="error-attachments"' in response.content.decode()
    assert not Notice.objects.filter(title="t").exists()


def test_editing_shows_the_change_in_the_history(publish, browser):
    notice = publish(GRID_1)
    client = browser("gridworker1")
    response = client.post(f"/notices/{notice.pk}/edit/", {"title": "加装电梯（更正）", "body": "第一行\n第三行"})
    assert response.status_code == 302
    assert NoticeRevision.objects.filter(notice=notice).count() == 2
    html = client.get(f"/notices/{notice.pk}/results/").content.decode()
    assert html.count('data-testid="revision"') == 2
    assert "+第三行" in html and "-第二行" in html


def test_the_results_page_says_what_the_rate_counts(publish, browser):
    notice = publish(GRID_1, poll=True)
    browser("resident1").get(f"/notices/{notice.pk}/")
    html = browser("gridworker1").get(f"/notices/{notice.pk}/results/").content.decode()
    assert "Readers among the resident accounts of each grid" in html
    assert 'data-testid="read-rate-table"' in html and 'data-testid="poll-result"' in html


def test_chinese_pages(publish, browser):
    notice = publish(GRID_1, poll=True)
    html = browser("gridworker1", language="zh-hans").get(f"/notices/{notice.pk}/results/").content.decode()
    assert "阅读率" in html


def test_the_admin_lists_and_shows_notices(publish, browser):
    notice = publish(GRID_1, poll=True)
    client = browser("admin")
    assert client.get("/admin/notices/notice/").status_code == 200
    page = client.get(f"/admin/notices/notice/{notice.pk}/change/")
    assert page.status_code == 200 and "同意加装电梯吗？" in page.content.decode()


def test_the_edit_form_keeps_the_end_of_the_window(publish, browser):
    from datetime import datetime

    until = timezone.make_aware(datetime(2030, 5, 1, 18, 30))
    notice = publish(GRID_1, publish_until=until)
    client = browser("gridworker1")
    assert 'value="2030-05-01T18:30"' in client.get(f"/notices/{notice.pk}/edit/").content.decode()
    client.post(
        f"/notices/{notice.pk}/edit/", {"title": notice.title, "body": "新", "publish_until": "2030-05-01T18:30"}
    )
    notice.refresh_from_db()
    assert notice.publish_until == until and notice.revision == 2
