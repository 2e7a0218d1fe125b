"""Logging in by username or phone; the phone is stored encrypted; passwords are hashed with Argon2."""

import pytest
from django.db import connection

from wangge.accounts import services
from wangge.accounts.models import AuditLog, User

PHONE = "13900001111"
PASSWORD = "Phone-pass-2026!"


@pytest.fixture
def phone_user(user):
    return services.create_user(
        actor=user("admin"), username="phoneuser", password=PASSWORD, display_name="手机用户", phone="+86 139-0000-1111"
    )


def test_the_login_page_accepts_the_username(client, demo_password):
    response = client.post("/accounts/login/", {"username": "gridworker1", "password": demo_password})
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert client.session["_auth_user_id"] == str(User.objects.get(username="gridworker1").pk)


def test_the_login_page_accepts_the_phone_number(client, phone_user):
    response = client.post("/accounts/login/", {"username": PHONE, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(phone_user.pk)


def test_the_login_page_refuses_a_wrong_password(client, phone_user):
    response = client.post("/accounts/login/", {"username": PHONE, "password": "wrong-password"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The username or password is wrong. Both are case-sensitive."
    ]
    assert "_auth_user_id" not in client.session


def test_the_api_issues_a_token_for_the_phone_number(api, phone_user):
    response = api().post("/auth/token", {"username": PHONE, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("wg_")
    assert body["token_type"] == "Bearer"
    assert body["user"] == {"username": "phoneuser", "display_name": "手机用户", "roles": [], "role_labels": []}


def test_the_api_refuses_a_wrong_password_with_401_naming_password(api):
    response = api().post("/auth/token", {"username": "gridworker1", "password": "wrong-password"})
    assert response.status_code == 401
    assert response.json()["errors"] == [{"field": "password", "message": "The username or password is wrong."}]


def test_the_api_token_reads_me(api):
    response = api("gridworker1").get("/auth/me")
    assert response.status_code == 200
    assert response.json()["roles"] == ["grid_worker"]


def test_the_plain_phone_never_reaches_the_database_row(phone_user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [phone_user.pk])
        columns = [c[0] for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    assert [name for name, value in row.items() if PHONE in str(value)] == []
    assert [name for name, value in row.items() if "0000-1111" in str(value)] == []
    assert row["phone_masked"] == "139****1111"
    assert row["phone_encrypted"].startswith("k")
    assert len(row["phone_index"]) == 64
    assert User.objects.get(pk=phone_user.pk).reveal_phone() == PHONE
    assert User.objects.get_by_phone("139 0000 1111") == phone_user


def test_the_plain_phone_is_not_in_the_audit_log(phone_user):
    record = AuditLog.objects.get(action="accounts.user.create", object_id=str(phone_user.pk))
    assert PHONE not in str(record.changes)
    assert PHONE not in record.object_repr


def test_a_phone_already_used_is_refused_on_phone(user, phone_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc_info:
        services.create_user(actor=user("admin"), username="second", password=PASSWORD, phone="139 0000 1111")
    assert exc_info.value.message_dict == {"phone": ["Another account already uses this phone number."]}
    assert not User.objects.filter(username="second").exists()


def test_passwords_are_hashed_with_argon2(user, phone_user):
    assert user("admin").password.startswith("argon2$argon2id$")
    assert phone_user.password.startswith("argon2$argon2id$")
    assert User.objects.get(pk=phone_user.pk).check_password(PASSWORD) is True


def test_a_user_created_without_password_cannot_log_in(client, user):
    services.create_user(actor=user("admin"), username="nopassword", password=None)
    assert User.objects.get(username="nopassword").has_usable_password() is False
    response = client.post("/accounts/login/", {"username": "nopassword", "password": ""})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_language_can_be_switched_on_the_login_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert '<html lang="en">' in page.content.decode()
