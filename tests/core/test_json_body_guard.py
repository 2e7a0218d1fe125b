"""The one JSON body guard: size, depth and shape of an API body are checked before anything parses it,
and answered in the API's JSON error shape."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from wangge.core import bodies


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        ("1", 0),
        ('"[[[[not brackets]]]]"', 0),
        ('{"a": [1, {"b": "]}]}{{"}]}', 3),
        (nested(50_000), 50_000),
        ('{"s": "esc \\" [[[ \\\\", "t": [[1]]}', 3),
        ('"unterminated [[[[', 0),
        ('"\\', 0),
    ],
)
def test_depth_is_counted_outside_strings(body, depth):
    assert bodies.json_depth(body.encode()) == depth


def test_depth_of_pathological_strings_is_linear():
    """Escaped quotes that never close: a backtracking pattern would take hours on this."""
    body = b'"' + b'\\"' * 3_000_000
    assert bodies.json_depth(body) == 0


def test_check_json_depth_names_the_field_and_the_limit(settings):
    settings.API_JSON_MAX_DEPTH = 32
    bodies.check_json_depth(json.dumps({"a": nested(30)}).encode())
    with pytest.raises(ValidationError) as error:
        bodies.check_json_depth(nested(33).encode(), field="boundary")
    assert error.value.message_dict == {"boundary": ["The JSON nests arrays and objects more than 32 levels deep."]}


def guard(path, body: bytes, content_type="application/json", method="post"):
    request = RequestFactory().generic(method.upper(), path, body, content_type=content_type)
    return bodies.JsonBodyGuardMiddleware(lambda r: HttpResponse("passed"))(request)


def answer(response):
    return response.status_code, json.loads(response.content)


def test_a_deeply_nested_body_is_a_400_naming_body_before_parsing():
    status, body = answer(guard("/api/v1/cases", nested(50_000).encode()))
    assert status == 400
    assert body == {
        "detail": "body: The JSON nests arrays and objects more than 32 levels deep.",
        "errors": [{"field": "body", "message": "The JSON nests arrays and objects more than 32 levels deep."}],
    }


def test_any_declared_type_but_a_form_is_checked_as_json():
    assert guard("/api/v1/cases", nested(100).encode(), content_type="text/plain").status_code == 400
    form = guard("/api/v1/cases", b"a=" + b"[" * 100, content_type="application/x-www-form-urlencoded")
    assert form.content == b"passed"


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"null", b"1", b"  [ {} ]"])
def test_a_body_that_is_not_an_object_is_a_422_naming_body(body):
    assert answer(guard("/api/v1/ledgers/persons/export", body, method="patch")) == (
        422,
        {"detail": "body: Must be an object.", "errors": [{"field": "body", "message": "Must be an object."}]},
    )


def test_a_body_over_the_limit_is_a_json_400_naming_body(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20
    status, body = answer(guard("/api/v1/regions/import", b'{"a": "' + b"x" * 2**21 + b'"}'))
    assert status == 400
    assert body["errors"] == [{"field": "body", "message": "The request body is larger than 1 MB."}]


def test_ordinary_bodies_and_pages_pass():
    assert guard("/api/v1/cases", b'{"features": [{"geometry": {"coordinates": [[[[1, 2]]]]}}]}').content == b"passed"
    assert guard("/api/v1/cases", b"").content == b"passed"
    assert guard("/cases/new/", nested(100).encode()).content == b"passed"
    assert guard("/api/v1/cases", nested(100).encode(), method="get").content == b"passed"
