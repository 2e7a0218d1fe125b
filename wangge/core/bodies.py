"""The one JSON body guard: size and nesting depth of an API request body, checked before any parser sees it.

Python's JSON parser recurses once per ``[`` or ``{``: 50,000 nested brackets end in a ``RecursionError``
(a 500 page), and a few hundred levels pass the parser but break whatever walks the result afterwards
(pydantic, Shapely). A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` makes Django answer an HTML 400.
``JsonBodyGuardMiddleware`` answers both in the API's JSON error shape instead, for every request under
``/api/`` that is not a form or a multipart upload (whatever its declared content type, since the API
parses any such body as JSON):

- over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (12 MB): 400 naming ``body`` and the limit, read no further (the
  API's contract lists no 413; a declared length over the limit is refused before a byte is read);
- nested deeper than ``API_JSON_MAX_DEPTH`` (32; a GeoJSON MultiPolygon feature needs 8): 400 naming ``body``;
- a top level other than an object (``[]``, ``"x"``, ``null``): 422 naming ``body`` ("Must be an object.",
  as a schema error) — every body of this API is an object, and an odd one must never be read as "no
  filters" by a route whose fields are all optional.

``json_depth`` measures depth in linear time without parsing (strings removed by one regular expression
that cannot backtrack, the brackets left counted with numpy), so a 12 MB body costs milliseconds; importers
of JSON files (GeoJSON) call ``check_json_depth`` on the raw bytes too.
"""

from __future__ import annotations

import re

import numpy as np
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _

from wangge.core.api_errors import error_body

# A string, with escapes; an unterminated one runs to the end, so a match never fails and rescans.
_STRING = re.compile(rb'"(?:[^"\\]|\\.?)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[list(b"[{")] = 1
_OPEN[list(b"]}")] = -1
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def max_depth() -> int:
    return int(getattr(settings, "API_JSON_MAX_DEPTH", 32))


def max_body_bytes() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 12 * 2**20)


def json_depth(data: bytes) -> int:
    """How deeply ``data`` nests arrays and objects (0 for a scalar), read without parsing it."""
    brackets = _STRING.sub(b"", bytes(data)).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    steps = _OPEN[np.frombuffer(brackets, dtype=np.uint8)].astype(np.int32)
    return int(np.cumsum(steps).max())


def check_json_depth(data: bytes, *, field: str = "body", limit: int | None = None) -> None:
    limit = limit or max_depth()
    if json_depth(data) > limit:
        raise ValidationError({field: too_deep(limit)})


def too_deep(limit: int) -> str:
    return _("The JSON nests arrays and objects more than %(n)d levels deep.") % {"n": limit}


def first_char(data: bytes) -> bytes:
    stripped = data.lstrip(b" \t\r\n\xef\xbb\xbf")
    return stripped[:1]


def error_response(field: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body([{"field": field, "message": message}]), status=status)


class JsonBodyGuardMiddleware:
    """Checks API request bodies before the API parses them (see the module's notes)."""

    prefix = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.prefix) and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request) -> JsonResponse | None:
        if (request.content_type or "").lower() in FORM_TYPES:
            return None
        limit = max_body_bytes()
        too_big = _("The request body is larger than %(mb)d MB.") % {"mb": limit // 2**20}
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
                return error_response("body", too_big, 400)
        except ValueError:
            return error_response("body", _("The Content-Length header is not a number."), 400)
        try:
            body = request.body
        except RequestDataTooBig:
            return error_response("body", too_big, 400)
        if not body.strip():
            return None
        if json_depth(body) > max_depth():
            return error_response("body", too_deep(max_depth()), 400)
        if first_char(body) != b"{":
            return error_response("body", _("Must be an object."), 422)
        return None
