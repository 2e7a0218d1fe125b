"""One page convention for every API list of records.

A list route takes ``cursor`` and ``size`` (1–100, default 20) and answers ``Page[Item]``:
``{"items": [...], "next_cursor": "…" | null, "count": n | null}``. Pages are keyset pages: the cursor
holds the sort key of the last row, so no row is skipped or repeated while rows are added, and a page
deep in millions of rows costs what the first one does. ``count`` is the number of rows the filters
match when that is cheap (the route says so); it is null where counting would read a large table.

    @router.get("/things", response=Page[ThingOut])
    def list_things(request, query: Query[ThingQuery]):   # ThingQuery extends PageQuery
        return keyset_page(selectors.things_for(request.auth, query), query, order=("-created_at", "-id"))

The order must end with a unique field (``id``) so that the sort key is a total order, and its fields
must not be null (a null never compares, so its rows would be skipped).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
CURSOR_MAX_LENGTH = 400

T = TypeVar("T")


class PageQuery(Schema):
    """The page parameters of every list; a list's own filters extend it."""

    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH, description="next_cursor of the previous page")
    size: int = Field(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX, description="Rows per page")


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as cursor for the next page; null on the last page")
    count: int | None = Field(None, description="Rows matching the filters, where counting is cheap; else null")


def keyset_page(
    queryset: QuerySet,
    query: PageQuery,
    *,
    order: tuple[str, ...] = ("-id",),
    count: bool = False,
    item=None,
) -> dict:
    """One page of ``queryset`` in ``order`` after ``query.cursor``; ``item(row)`` shapes each row if given."""
    fields = [name.lstrip("-") for name in order]
    ordered = queryset.order_by(*order)
    if query.cursor:
        ordered = ordered.filter(_after(queryset.model, order, _decode(query.cursor, len(order))))
    rows = list(ordered[: query.size + 1])
    next_cursor = None
    if len(rows) > query.size:
        rows = rows[: query.size]
        next_cursor = _encode([_key_value(rows[-1], name) for name in fields])
    return {
        "items": [item(row) for row in rows] if item else rows,
        "next_cursor": next_cursor,
        "count": queryset.count() if count else None,
    }


def _key_value(row, name: str):
    value = row
    for part in name.split("__"):
        value = getattr(value, part)
    return value


def _encode(values: list) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise ValidationError({"cursor": _("The page cursor is not valid.")})
    return values


def _after(model, order: tuple[str, ...], values: list) -> Q:
    """Rows after the key ``values`` in ``order``: (a > x) or (a = x and b > y) or …, per direction."""
    parsed = [_parse(model, name.lstrip("-"), value) for name, value in zip(order, values, strict=True)]
    condition = Q(pk__in=[])
    for position, name in enumerate(order):
        field = name.lstrip("-")
        step = Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": parsed[position]})
        for earlier, earlier_name in enumerate(order[:position]):
            step &= Q(**{earlier_name.lstrip("-"): parsed[earlier]})
        condition |= step
    return condition


def _parse(model, path: str, value):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    try:
        return field.target_field.to_python(value) if field.is_relation else field.to_python(value)
    except (ValidationError, TypeError, ValueError, OverflowError):
        raise ValidationError({"cursor": _("The page cursor is not valid.")}) from None
