"""Five failed attempts lock the account for a while, on the page and on the API alike."""

import pytest

from wangge.accounts import services

LOCKED = "Too many failed attempts: this account is locked for a while. Try again later."


def test_the_login_page_locks_after_five_failures(client, demo_password):
    statuses = [
        client.post("/accounts/login/", {"username": "gridworker1", "password": f"wrong-{i}"}).status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    response = client.post("/accounts/login/", {"username": "gridworker1", "password": demo_password})
    assert response.status_code == 429
    html = response.content.decode()
    assert f'data-testid="login-error">{LOCKED}</div>' in html
    assert "The username or password is wrong" not in html
    assert "_auth_user_id" not in client.session


def test_the_api_locks_after_five_failures_with_429_naming_username(api, demo_password):
    statuses = [
        api().post("/auth/token", {"username": "gridworker1", "password": f"wrong-{i}"}).status_code for i in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]
    response = api().post("/auth/token", {"username": "gridworker1", "password": demo_password})
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED, "errors": [{"field": "username", "message": LOCKED}]}


def test_four_failures_do_not_lock_and_a_success_resets_the_count(api, demo_password):
    for i in range(4):
        assert api().post("/auth/token", {"username": "gridworker1", "password": f"wrong-{i}"}).status_code == 401
    assert api().post("/auth/token", {"username": "gridworker1", "password": demo_password}).status_code == 200
    for i in range(4):
        assert api().post("/auth/token", {"username": "gridworker1", "password": f"wrong-{i}"}).status_code == 401
    assert api().post("/auth/token", {"username": "gridworker1", "password": demo_password}).status_code == 200


def test_failures_on_the_page_count_for_the_api_too(client, api, demo_password):
    for i in range(5):
        client.post("/accounts/login/", {"username": "gridworker1", "password": f"wrong-{i}"})
    assert api().post("/auth/token", {"username": "gridworker1", "password": demo_password}).status_code == 429


def test_a_locked_account_does_not_lock_another(api, demo_password):
    for i in range(5):
        api().post("/auth/token", {"username": "gridworker1", "password": f"wrong-{i}"})
    assert api().post("/auth/token", {"username": "gridworker2", "password": demo_password}).status_code == 200


@pytest.fixture
def phone_user(user):
    return services.create_user(
        actor=user("admin"), username="phoneuser", password="Phone-pass-2026!", phone="13900002222"
    )


def test_failures_by_phone_and_by_username_lock_the_same_account(api, phone_user):
    for i in range(3):
        assert api().post("/auth/token", {"username": "13900002222", "password": f"wrong-{i}"}).status_code == 401
    assert api().post("/auth/token", {"username": "phoneuser", "password": "wrong-3"}).status_code == 401
    assert api().post("/auth/token", {"username": "phoneuser", "password": "wrong-4"}).status_code == 429
    assert api().post("/auth/token", {"username": "13900002222", "password": "Phone-pass-2026!"}).status_code == 429
    assert api().post("/auth/token", {"username": "phoneuser", "password": "Phone-pass-2026!"}).status_code == 429
