"""Bad API input answers JSON naming the field, in the caller's language."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests import services
from tests.conftest import ApiClient
from wangge.accounts import services as account_services
from wangge.accounts.models import ApiToken

COMPILED_ZH = Path(settings.BASE_DIR) / "wangge" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


@pytest.fixture
def worker(user):
    key, _token = account_services.issue_token(user=user("gridworker1"))
    return ApiClient(key)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"lon": "abc", "lat": "31.4"}, [("lon", "Must be a number.")]),
        ({"lon": "120.9", "lat": "north"}, [("lat", "Must be a number.")]),
        ({"lon": "", "lat": ""}, [("lon", "Must be a number."), ("lat", "Must be a number.")]),
        ({"lon": "181", "lat": "31.4"}, [("lon", "Must be at most 180.0.")]),
        ({"lon": "-180.5", "lat": "31.4"}, [("lon", "Must be at least -180.0.")]),
        ({"lon": "120.9", "lat": "90.01"}, [("lat", "Must be at most 90.0.")]),
        ({"lon": "120.9", "lat": "-91"}, [("lat", "Must be at least -90.0.")]),
        ({"lon": "nan", "lat": "31.4"}, [("lon", "Must be a finite number.")]),
        ({"lon": "120.9", "lat": "NaN"}, [("lat", "Must be a finite number.")]),
        ({"lon": "inf", "lat": "31.4"}, [("lon", "Must be a finite number.")]),
        ({"lon": "120.9", "lat": "-infinity"}, [("lat", "Must be a finite number.")]),
        ({"lat": "31.4"}, [("lon", "This field is required.")]),
        ({"lon": "120.9"}, [("lat", "This field is required.")]),
        ({}, [("lon", "This field is required."), ("lat", "This field is required.")]),
    ],
    ids=[
        "lon-text",
        "lat-text",
        "both-empty",
        "lon-high",
        "lon-low",
        "lat-high",
        "lat-low",
        "lon-nan",
        "lat-nan",
        "lon-inf",
        "lat-minus-inf",
        "lon-missing",
        "lat-missing",
        "both-missing",
    ],
)
def test_locate_refuses_bad_coordinates_with_422_naming_the_field(worker, params, errors):
    response = worker.get("/regions/locate", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert [(e["field"], e["message"]) for e in body["errors"]] == errors
    assert body["detail"] == " ".join(f"{field}: {message}" for field, message in errors)


def test_a_malformed_json_body_is_400_naming_body(api):
    response = api().post("/auth/token", raw='{"username": "gridworker1", "password": ')
    assert response.status_code == 400
    assert response.json() == {
        "detail": "body: The request body is not valid JSON.",
        "errors": [{"field": "body", "message": "The request body is not valid JSON."}],
    }


def test_a_token_request_without_password_is_422_naming_password(api):
    response = api().post("/auth/token", {"username": "gridworker1"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "password", "message": "This field is required."}]


def test_export_depth_out_of_range_is_422_naming_depth(worker):
    response = worker.get("/regions/329901001001001/export.geojson", {"depth": "9"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "depth", "message": "Must be at most 5."}]


def test_a_bad_bbox_is_400_naming_bbox(worker):
    response = worker.get("/regions/329901001001001/children.geojson", {"bbox": "1,2,three,4"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "bbox", "message": "Give four numbers: west,south,east,north."}]


AUTH_MESSAGE = "Log in first: send a valid, unexpired bearer token in the Authorization header."


def _assert_401_naming_authorization(response):
    assert response.status_code == 401
    assert response.json() == {
        "detail": f"Authorization: {AUTH_MESSAGE}",
        "errors": [{"field": "Authorization", "message": AUTH_MESSAGE}],
    }


def test_a_missing_token_is_401_naming_authorization(api):
    _assert_401_naming_authorization(api().get("/auth/me"))


@pytest.mark.parametrize("key", ["wg_not-a-real-token", "not-even-our-prefix", ""])
def test_an_unknown_token_is_401_naming_authorization(db, key):
    client = ApiClient()
    _assert_401_naming_authorization(client.client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}"))


def test_an_expired_token_is_401_naming_authorization(user):
    key, token = account_services.issue_token(user=user("gridworker1"))
    assert ApiClient(key).get("/auth/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    _assert_401_naming_authorization(ApiClient(key).get("/auth/me"))


def test_a_revoked_token_is_401_naming_authorization(user):
    worker = user("gridworker1")
    key, _token = account_services.issue_token(user=worker)
    assert ApiClient(key).get("/auth/me").json()["username"] == "gridworker1"
    assert account_services.revoke_token(user=worker, key=key) is True
    _assert_401_naming_authorization(ApiClient(key).get("/auth/me"))
    assert account_services.revoke_token(user=worker, key=key) is False


def test_a_token_of_a_deactivated_user_is_401(user):
    worker = user("gridworker1")
    key, _token = account_services.issue_token(user=worker)
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    _assert_401_naming_authorization(ApiClient(key).get("/auth/me"))


def test_the_gridworker_may_not_change_the_tree_403(worker):
    response = worker.patch("/regions/329901001001001", {"name": "改名"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not change the region tree.", "errors": []}


def test_error_messages_follow_accept_language(user):
    if not COMPILED_ZH.exists():
        services.require("the compiled zh-hans catalogue (django.mo)", "make setup compiles it")
    key, _token = account_services.issue_token(user=user("gridworker1"))
    english = ApiClient(key, language="en").get("/regions/locate", {"lon": "abc", "lat": "31.4"})
    chinese = ApiClient(key, language="zh-hans").get("/regions/locate", {"lon": "abc", "lat": "31.4"})
    assert english.status_code == chinese.status_code == 422
    assert english.json()["errors"][0] == {"field": "lon", "message": "Must be a number."}
    assert chinese.json()["errors"][0]["field"] == "lon"
    assert chinese.json()["errors"][0]["message"] != english.json()["errors"][0]["message"]
    assert chinese["Content-Language"] == "zh-hans"
