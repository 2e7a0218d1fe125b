"""A username with a control character is refused before any password is checked."""

from tests.conftest import ApiClient


def test_a_token_request_with_a_nul_in_the_username_is_422(db):
    response = ApiClient().post("/auth/token", {"username": "admin\x00", "password": "x"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["username"]
