"""Error pages a user may meet (a stale link, a page for another role, an expired form, a fault) are the
platform's own: in the user's language, with a way home, never Django's bare English text."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_an_unknown_address_is_a_translated_page_with_the_way_home():
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/no-such-page/")
    assert zh.status_code == 404
    body = zh.content.decode()
    assert 'data-testid="error-page"' in body and "页面不存在" in body and 'href="/home/"' in body
    assert "The requested resource was not found" not in body
    assert "Resolver404" not in body and 'data-testid="error-reason"' not in body  # no internal name shown
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert en.status_code == 404 and "Page not found" in en.content.decode()


def test_a_signed_in_user_keeps_the_navigation_on_a_missing_page(browser_client):
    answer = browser_client("gridworker1").get("/cases/329901-20990101-9999/")
    assert answer.status_code == 404
    body = answer.content.decode()
    assert 'data-testid="error-page"' in body and 'data-testid="current-user"' in body


def test_a_page_for_another_role_says_why_in_the_users_language(browser_client):
    answer = browser_client("resident1").get("/notices/new/")
    assert answer.status_code == 403
    body = answer.content.decode()
    assert 'data-testid="error-reason"' in body and "无权访问" in body
    assert "403 Forbidden" not in body


def test_an_expired_form_is_explained():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    answer = client.post("/accounts/login/", {"username": "resident1", "password": "x"})
    assert answer.status_code == 403
    body = answer.content.decode()
    assert "表单已失效" in body and "CSRF verification failed" not in body


@pytest.mark.parametrize(
    ("view", "status", "zh", "en"),
    [
        (lambda request: defaults.server_error(request), 500, "系统出错了", "Something went wrong"),
        (lambda request: defaults.bad_request(request, Exception("x")), 400, "请求无法处理", "Bad request"),
    ],
)
def test_faults_render_without_a_request_context_in_the_active_language(view, status, zh, en):
    request = RequestFactory().get("/cases/")
    for language, text in (("zh-hans", zh), ("en", en)):
        with translation.override(language):
            answer = view(request)
        assert answer.status_code == status and text in answer.content.decode()
