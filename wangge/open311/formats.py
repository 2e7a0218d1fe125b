"""The spec's two formats: JSON and XML, UTF-8, times in ISO 8601 with their zone (Asia/Shanghai).

An answer is built once as plain data (dicts, lists, strings) and written in either format: a list of
records becomes repeated elements named by ``ITEM`` (``services`` → ``service``, ``attributes`` →
``attribute``); ``True``/``False`` become ``true``/``false``; ``None`` an empty element (JSON ``null``).
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def iso(value: datetime | None, tz=None) -> str | None:
    """2026-12-06T10:00:00+08:00 (no microseconds), or None; ``tz`` (the current zone) read once per answer
    by a caller writing many."""
    if value is None:
        return None
    return value.astimezone(tz or timezone.get_current_timezone()).replace(microsecond=0).isoformat()


# Zones whose offset from UTC has been one whole number of hours since a moment (UTC text, as SQLite stores
# it): Asia/Shanghai has kept +08:00 since its last summer time ended in September 1991.
FIXED_ZONES = {"Asia/Shanghai": (8, "1991-09-15")}


def iso_writer(tz=None) -> Callable[[object], str | None]:
    """``iso`` for writing many moments in one answer: the zone read once, and the text SQLite stores
    (``2026-12-06 02:00:00.123456``, naive UTC, as the Open311 selectors read it without Django's
    converters) written without making a datetime of it when the zone's offset is a fixed number of
    hours: only the hour moves, so each distinct UTC hour is converted once and the minutes and seconds
    copied. Anything else (an aware datetime, an older moment, another zone) goes through ``iso``."""
    tz = tz or timezone.get_current_timezone()
    fixed = FIXED_ZONES.get(getattr(tz, "key", ""))
    if fixed is None:
        return lambda value: iso(_aware(value), tz)
    hours, since = fixed
    shift, suffix = timedelta(hours=hours), f"{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"
    local_hours: dict[str, str] = {}

    def write(value) -> str | None:
        if value is None:
            return None
        if type(value) is not str or len(value) < 19 or value[10] != " " or value < since:
            return iso(_aware(value), tz)
        hour = value[:13]
        local = local_hours.get(hour)
        if local is None:
            local = local_hours[hour] = (datetime.fromisoformat(hour + ":00") + shift).isoformat()[:13]
        return local + value[13:19] + suffix

    return write


def _aware(value) -> datetime | None:
    """An aware datetime as it is; SQLite's text or a naive datetime (both UTC) made aware, the way Django's
    converter reads them."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def _write(out: list[str], tag: str, value) -> None:
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for name, child in value.items():
            _write(out, name, child)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        out.append(f"<{tag}>")
        item = ITEM.get(tag, "item")
        for child in value:
            _write(out, item, child)
        out.append(f"</{tag}>")
    else:
        text = _scalar(value)
        out.append(f"<{tag}>{escape(text)}</{tag}>" if text else f"<{tag} />")


def to_xml(root: str, data) -> bytes:
    """Written as strings (element names are ours, text escaped): ElementTree took twice as long for a
    thousand requests."""
    out = ["<?xml version='1.0' encoding='utf-8'?>\n"]
    _write(out, root, data)
    return "".join(out).encode()


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """``data`` as JSON, or as XML under the element ``root`` (``service_requests``, ``discovery`` …)."""
    body = to_xml(root, data) if fmt == XML else json.dumps(data, ensure_ascii=False, check_circular=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES[JSON]))


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The spec's error list: [{"code": 400, "description": "…"}, …] / <errors><error>…</error></errors>."""
    return render(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
