"""API tokens: list my tokens, revoke one or all (they stop working at once), and a token of a locked-out
or inactive user is refused."""

from tests.conftest import ApiClient
from wangge.accounts.models import AuditLog, User
from wangge.accounts.services import issue_token


def token_client(username: str) -> tuple[ApiClient, str]:
    key, _token = issue_token(user=User.objects.get(username=username))
    return ApiClient(key), key


def test_i_list_my_live_tokens_and_see_which_one_i_use(db):
    first, _key = token_client("gridworker1")
    second, _key = token_client("gridworker1")
    token_client("gridworker2")  # someone else's is never listed
    body = second.get("/auth/tokens").json()
    assert body["count"] == 2
    assert [t["current"] for t in body["items"]] == [True, False]
    assert all(t["prefix"].startswith("wg_") and "token" not in t for t in body["items"])
    assert first.get("/auth/tokens").json()["items"][1]["current"] is True


def test_a_revoked_token_stops_working_at_once(db):
    keep, _key = token_client("gridworker1")
    lose, _key = token_client("gridworker1")
    lost_id = next(t["id"] for t in lose.get("/auth/tokens").json()["items"] if t["current"])
    response = keep.client.delete(f"/api/v1/auth/tokens/{lost_id}", **keep.headers)
    assert response.status_code == 204
    assert lose.get("/auth/me").status_code == 401
    assert keep.get("/auth/me").status_code == 200
    assert AuditLog.objects.filter(action="auth.token.revoke").count() == 1


def test_nobody_revokes_a_token_of_someone_else(db):
    mine, _key = token_client("gridworker1")
    theirs, _key = token_client("gridworker2")
    their_id = theirs.get("/auth/tokens").json()["items"][0]["id"]
    assert mine.client.delete(f"/api/v1/auth/tokens/{their_id}", **mine.headers).status_code == 404
    assert theirs.get("/auth/me").status_code == 200


def test_revoking_all_ends_every_token_of_the_caller_only(db):
    one, _key = token_client("gridworker1")
    two, _key = token_client("gridworker1")
    other, _key = token_client("gridworker2")
    assert one.post("/auth/tokens/revoke-all").json() == {"revoked": 2}
    assert one.get("/auth/me").status_code == 401
    assert two.get("/auth/me").status_code == 401
    assert other.get("/auth/me").status_code == 200


def test_a_token_of_a_locked_out_user_is_refused_until_the_lock_ends(db):
    client, _key = token_client("gridworker1")
    assert client.get("/auth/me").status_code == 200
    for i in range(5):
        ApiClient().post("/auth/token", {"username": "gridworker1", "password": f"wrong-{i}"})
    assert client.get("/auth/me").status_code == 401
    from axes.utils import reset

    reset(username="gridworker1")
    assert client.get("/auth/me").status_code == 200


def test_a_token_of_an_inactive_user_is_refused(db):
    client, _key = token_client("gridworker1")
    User.objects.filter(username="gridworker1").update(is_active=False)
    assert client.get("/auth/me").status_code == 401
