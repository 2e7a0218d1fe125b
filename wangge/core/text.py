"""The one text guard: what a name, note, title or reason may contain.

Text reaches the platform through API bodies, page forms and imported files, and leaves it through pages,
Excel exports and messages. Characters that carry no text but change how the rest is read are refused at
every edge, with a translated message naming the field:

- C0 control characters (NUL, ESC, …) and DEL; tab, line feed and carriage return only in multi-line text
  (a browser sends a textarea's new lines as CR LF);
- C1 control characters (U+0080–U+009F), lone surrogates and the non-characters U+FFFE/U+FFFF (they break
  exports, PostgreSQL text and XML);
- bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make a name or a
  note read differently from what is stored ("Trojan Source");
- a value made only of invisible characters (zero-width spaces, joiners, BOM, white space): it passes a
  "required" or "at least N characters" check while saying nothing.

Zero-width joiners inside visible text stay (emoji sequences need them).

Use it as:
- ``Text`` / ``MultilineText`` — Annotated ``str`` types for ninja/pydantic schemas (422 in the API's shape);
- ``validate_text`` / ``validate_multiline_text`` — validators for Django form and model fields;
- ``TextGuardMixin`` — on a model, checks every CharField (single line) and TextField (multi-line) in
  ``full_clean()``, so services and the admin refuse the same;
- ``check_text(value, field=…)`` — a plain function for importers (raises ``ValidationError({field: …})``);
- ``strip_controls(value)`` — for writers that must cope with what is already stored (exports).
"""

from __future__ import annotations

import re
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
FORBIDDEN_MULTILINE = re.compile(f"[{_ALWAYS}]")
FORBIDDEN_SINGLE_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")
# Characters that show nothing: white space, zero-width space/joiners, word joiner, BOM, soft hyphen,
# invisible operators, the Hangul fillers and the Mongolian vowel separator.
_INVISIBLE = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff\u3164\uffa0\u115f\u1160]+")

# pydantic error types, turned into translated messages by wangge.core.api_errors
CONTROL_ERROR = "text_control"
INVISIBLE_ERROR = "text_invisible"


def problem(value: str, *, multiline: bool = False) -> str | None:
    """The error type for ``value`` (``CONTROL_ERROR``, ``INVISIBLE_ERROR``) or None when it is fine."""
    if not value:
        return None
    pattern = FORBIDDEN_MULTILINE if multiline else FORBIDDEN_SINGLE_LINE
    if pattern.search(value):
        return CONTROL_ERROR
    if _INVISIBLE.fullmatch(value) and not value.isspace():
        return INVISIBLE_ERROR
    return None


def message(kind: str, *, multiline: bool = False) -> str:
    if kind == INVISIBLE_ERROR:
        return _("Must contain visible characters, not only invisible ones.")
    if multiline:
        return _("Must not contain control characters or direction overrides (only tabs and new lines are allowed).")
    return _("Must not contain control characters, line breaks or direction overrides.")


def check_text(value, *, field: str | None = None, multiline: bool = False):
    """``value`` unchanged, or ``ValidationError`` ({field: message} when a field is named)."""
    if isinstance(value, str) and (kind := problem(value, multiline=multiline)):
        text = message(kind, multiline=multiline)
        raise ValidationError({field: text} if field else text, code=kind)
    return value


def strip_controls(value: str, *, multiline: bool = True) -> str:
    """``value`` without the characters ``check_text`` refuses (for writing what is already stored)."""
    pattern = FORBIDDEN_MULTILINE if multiline else FORBIDDEN_SINGLE_LINE
    return pattern.sub("", value)


@deconstructible
class TextValidator:
    """A Django validator (forms, model fields) refusing what ``check_text`` refuses."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        check_text(value, multiline=self.multiline)

    def __eq__(self, other) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(("TextValidator", self.multiline))


validate_text = TextValidator()
validate_multiline_text = TextValidator(multiline=True)


def _schema_check(multiline: bool):
    def check(value: str) -> str:
        if kind := problem(value, multiline=multiline):
            raise PydanticCustomError(kind, "{reason}", {"reason": kind, "multiline": multiline})
        return value

    return check


Text = Annotated[str, AfterValidator(_schema_check(False))]
MultilineText = Annotated[str, AfterValidator(_schema_check(True))]


class TextGuardMixin:
    """Checks every text field of a model in ``full_clean()``: CharField as one line, TextField as many.

    A field listed in ``TEXT_GUARD_EXEMPT`` (codes with their own pattern, stored secrets) is skipped."""

    TEXT_GUARD_EXEMPT: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        errors: dict[str, list] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            if field.name in (exclude or ()) or field.name in self.TEXT_GUARD_EXEMPT or field.name in errors:
                continue
            value = getattr(self, field.attname)
            if isinstance(value, str) and (kind := problem(value, multiline=isinstance(field, models.TextField))):
                errors[field.name] = [message(kind, multiline=isinstance(field, models.TextField))]
        if errors:
            raise ValidationError(errors)
