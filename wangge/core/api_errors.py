"""Every API error is JSON: ``{"detail": message, "errors": [{"field": name, "message": text}]}``,
translated into the caller's language (Accept-Language or the language cookie)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from wangge.core import text, validators
from wangge.core.errors import Conflict


def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "float_parsing": _("Must be a number."),
        "float_type": _("Must be a number."),
        "int_parsing": _("Must be a whole number."),
        "int_type": _("Must be a whole number."),
        "finite_number": _("Must be a finite number."),
        "string_type": _("Must be text."),
        "bool_parsing": _("Must be true or false."),
        "dict_type": _("Must be an object."),
        "list_type": _("Must be a list."),
        "json_invalid": _("The request body is not valid JSON."),
        "model_attributes_type": _("Must be an object."),
        "extra_forbidden": _("This field is not allowed."),
    }
    if kind in messages:
        return messages[kind]
    if kind == validators.DATE_RANGE_ERROR:
        return validators.date_range_message()
    if kind in (text.CONTROL_ERROR, text.INVISIBLE_ERROR):
        return text.message(kind, multiline=bool(ctx.get("multiline")))
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "string_too_long":
        return _("Must be at most %(n)s characters long.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Must be at least %(n)s characters long.") % {"n": ctx.get("min_length")}
    if kind == "literal_error" or kind == "enum":
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    return _("This value is not valid.")


class ApiErrorItemOut(Schema):
    field: str = Field(description='The parameter or field at fault; "" for the request as a whole')
    message: str


class ApiErrorOut(Schema):
    """The error shape, for routes that answer an error themselves (``Status(429, error_body(...))``)."""

    detail: str
    errors: list[ApiErrorItemOut] = []


def _field_name(loc) -> str:
    # ("query", "lon") → "lon"; ("body", "payload", "boundary", 0) → "boundary.0"
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload", "form", "header", "cookie")]
    return ".".join(parts) or "body"


def error_body(errors: list[dict]) -> dict:
    """The API's error shape for ``[{"field", "message"}]`` (also used by middleware before the API runs)."""
    detail = " ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
    return {"detail": detail, "errors": errors}


def install(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request, exc):
        errors = [{"field": _field_name(e.get("loc", ())), "message": _pydantic_message(e)} for e in exc.errors]
        return api.create_response(request, error_body(errors), status=422)

    @api.exception_handler(DjangoValidationError)
    def on_domain_error(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": f if f != "__all__" else "", "message": m}
                for f, msgs in exc.message_dict.items()
                for m in msgs
            ]
        else:
            errors = [{"field": "", "message": m} for m in exc.messages]
        return api.create_response(request, error_body(errors), status=400)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request, exc):
        message = _("Log in first: send a valid, unexpired bearer token in the Authorization header.")
        return api.create_response(request, error_body([{"field": "Authorization", "message": message}]), status=401)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found."), "errors": []}, status=404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc):
        message = str(exc) or _("You do not have permission to do this.")
        return api.create_response(request, {"detail": message, "errors": []}, status=403)

    @api.exception_handler(Conflict)
    def on_conflict(request, exc):
        return api.create_response(request, {"detail": str(exc), "errors": []}, status=409)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return api.create_response(
                request,
                error_body([{"field": "body", "message": _("The request body is not valid JSON.")}]),
                status=400,
            )
        return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)

    @api.exception_handler(OverflowError)
    def on_out_of_range(request, exc):
        # The last line behind the schemas' bounds: a number or a date past what Python's calendar or the
        # database can hold is the caller's error, not the server's (and its text names Python internals).
        message = _("A number or a date in the request is out of range.")
        return api.create_response(request, error_body([{"field": "", "message": message}]), status=400)
