"""Open311 GeoReport v2 at /open311/v2/: thin views that parse the spec's parameters, call the selectors
and services, and write the answer in the format the URL names (``.json`` or ``.xml``).

Reads are public (an ``api_key`` is optional; a bad or revoked one is refused all the same); a POST needs a
key. Every client is rate-limited: per key, else per address.
"""

import functools
import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from wangge.core import request_context
from wangge.core.throttle import allow
from wangge.open311 import formats, selectors, services

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+08:00"  # when this endpoint's behaviour last changed
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")


def endpoint(*methods: str, key_required: bool = False):
    """The spec's envelope around a view: the format, the method, the key and the rate limit, errors."""

    def wrap(view):
        @csrf_exempt  # a third-party client holds a key, not a session: no cookie, no CSRF token
        @functools.wraps(view)
        def run(request, *args, fmt: str, **kwargs):
            if fmt not in formats.FORMATS:
                return formats.errors(
                    formats.JSON, 400, [_("Unknown format .%(fmt)s: use .json or .xml.") % {"fmt": fmt[:10]}]
                )
            if request.method not in methods:
                response = formats.errors(
                    fmt, 405, [_("Method %(method)s is not allowed here.") % {"method": request.method}]
                )
                response["Allow"] = ", ".join(methods)
                return response
            if request.method == "POST" and request.content_type not in FORM_TYPES:
                return formats.errors(
                    fmt,
                    400,
                    [
                        _("Send the fields form-encoded (application/x-www-form-urlencoded), not %(type)s.")
                        % {"type": request.content_type or "-"}
                    ],
                )
            params = request.POST if request.method == "POST" else request.GET
            key = params.get("api_key", "")
            client = None
            if key or key_required or request.method == "POST":
                client = selectors.client_for_key(key)
                if client is None:
                    message = (
                        _("api_key is required to post a request.") if not key else _("api_key is unknown or revoked.")
                    )
                    return formats.errors(fmt, 403, [message])
            if not _allowed(request, client):
                return formats.errors(fmt, 429, [_("Too many requests: wait a minute and try again.")])
            try:
                response = view(request, *args, fmt=fmt, client=client, **kwargs)
            except ValidationError as exc:
                return formats.errors(fmt, 400, _descriptions(exc))
            if request.method == "GET":
                response["Access-Control-Allow-Origin"] = "*"  # public data, read from any web page
            return response

        return run

    return wrap


def _allowed(request, client) -> bool:
    if client is not None:
        return allow("open311", str(client.pk), limit=client.requests_per_minute, period=60)
    ip = request_context.client_ip(request) or "unknown"
    return allow("open311-anonymous", ip, limit=settings.OPEN311_ANONYMOUS_PER_MINUTE, period=60)


def _descriptions(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                out.append(message if name in message else f"{name}: {message}")
        return out
    return list(exc.messages)


def _not_found(fmt: str, message: str):
    return formats.errors(fmt, 404, [message])


# --- discovery and services ---------------------------------------------------------------------------


@endpoint("GET")
def discovery(request, *, fmt: str, client):
    url = request.build_absolute_uri("/open311/v2/").rstrip("/")
    data = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": _("Ask the administrators of this platform for an API key (one per client application)."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.render(fmt, "discovery", data)


def _name(category) -> str:
    if get_language() == "en" and category.name_en:
        return category.name_en
    return category.name


def _service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": _name(category),
        "description": f"{_name(category.parent)} · {_name(category)}",
        "metadata": category.has_attributes,
        "type": "realtime",
        "keywords": "",
        "group": _name(category.parent),
    }


@endpoint("GET")
def service_list(request, *, fmt: str, client):
    return formats.render(fmt, "services", [_service(c) for c in selectors.public_services()])


@endpoint("GET")
def service_definition(request, code: str, *, fmt: str, client):
    category = selectors.public_service(code)
    if category is None:
        return _not_found(fmt, _("No public service has this service_code."))
    attributes = [
        {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description,
            "order": a.order,
            "description": a.description,
            "values": [
                {"key": str(v.get("key", "")), "name": str(v.get("name", ""))} for v in a.values if isinstance(v, dict)
            ],
        }
        for a in selectors.attributes_of(category)
    ]
    return formats.render(fmt, "service_definition", {"service_code": category.code, "attributes": attributes})


# --- requests -----------------------------------------------------------------------------------------


def _requests(found: list[selectors.PublicRequest]) -> list[dict]:
    """The spec's records: what is the same for many rows (the zone, the language, a service's name) read
    once per answer, not per row."""
    english, when, scrub = get_language() == "en", formats.iso_writer(), selectors.scrub
    names = {row.category_code: (english and row.category_name_en) or row.category_name for row in found}
    return [
        {
            "service_request_id": row.number,
            "status": row.open311_status,
            "status_notes": scrub(row.public_notes or ""),
            "service_name": names[row.category_code],
            "service_code": row.category_code,
            "description": scrub(row.description),
            "agency_responsible": row.agency,
            "service_notice": "",
            "requested_datetime": when(row.created_at),
            "updated_datetime": when(row.updated_at),
            "expected_datetime": when(row.expected_at),
            "address": row.place,
            "address_id": "",
            "zipcode": "",
            "lat": row.lat,
            "long": row.lon,
            "media_url": row.media_url or "",
        }
        for row in found
    ]


def _list(params, name: str) -> list[str]:
    return [part.strip() for value in params.getlist(name) for part in value.split(",") if part.strip()]


def _when(params, name: str) -> datetime | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+") if "T" in value else value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = datetime(day.year, day.month, day.day)
    except ValueError:
        parsed = None
    if parsed is None or not 1900 <= parsed.year <= 2999:
        raise ValidationError(
            {name: _("%(field)s must be a date and time in ISO 8601, e.g. 2026-12-01T00:00:00Z.") % {"field": name}}
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _filters(params) -> selectors.RequestFilters:
    statuses = [s.lower() for s in _list(params, "status")]
    if unknown := [s for s in statuses if s not in ("open", "closed")]:
        raise ValidationError(
            {"status": _("status %(value)s is neither open nor closed.") % {"value": unknown[0][:20]}}
        )
    ids = _list(params, "service_request_id")
    if len(ids) > selectors.MAX_IDS:
        raise ValidationError(
            {"service_request_id": _("Ask for at most %(n)d requests at once.") % {"n": selectors.MAX_IDS}}
        )
    start, end = _when(params, "start_date"), _when(params, "end_date")
    if start and end:
        if end < start:
            raise ValidationError({"end_date": _("end_date is before start_date.")})
        if end - start > selectors.WINDOW:
            raise ValidationError({"end_date": _("start_date and end_date may not span more than 90 days.")})
    return selectors.RequestFilters(
        ids=ids, codes=_list(params, "service_code"), start=start, end=end, statuses=statuses
    )


@endpoint("GET", "POST")
def requests_view(request, *, fmt: str, client):
    if request.method == "POST":
        return _post(request, fmt, client)
    found = selectors.public_requests(_filters(request.GET))
    return formats.render(fmt, "service_requests", _requests(found))


def _post(request, fmt: str, client):
    form = request.POST
    attributes: dict[str, list[str]] = {}
    for name in form:
        if name.startswith("attribute"):
            match = _ATTRIBUTE.match(name)
            if match is None:
                raise ValidationError({name[:60]: _("Name an attribute as attribute[code].")})
            attributes.setdefault(match.group(1), []).extend(form.getlist(name))
    fields = {f: form.get(f, "") for f in services.Posted.__dataclass_fields__ if f != "attributes"}
    posted = services.Posted(**fields, attributes=attributes)
    created_request, created = services.submit_request(
        client=client, posted=posted, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    answer = [
        {
            "service_request_id": created_request.case.number,
            "token": created_request.token,
            "service_notice": "",
            "account_id": created_request.account_id,
        }
    ]
    return formats.render(fmt, "service_requests", answer, status=201 if created else 200)


@endpoint("GET")
def request_detail(request, number: str, *, fmt: str, client):
    found = selectors.public_request(number)
    if found is None:
        return _not_found(fmt, _("No public request has this service_request_id."))
    return formats.render(fmt, "service_requests", _requests([found]))


@endpoint("GET")
def token_detail(request, token: str, *, fmt: str, client):
    found = selectors.request_for_token(token)
    if found is None:
        return _not_found(fmt, _("No request has this token."))
    return formats.render(fmt, "service_requests", [{"service_request_id": found.case.number, "token": found.token}])
