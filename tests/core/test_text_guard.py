"""The one text guard: control characters, direction overrides and invisible-only values are refused
the same way as a schema type, a Django validator, a model mixin and a plain function."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from ninja import Schema

from wangge.core import text
from wangge.core.text import MultilineText, Text, check_text, strip_controls, validate_multiline_text, validate_text

REFUSED_EVERYWHERE = [
    "a\x00b",  # NUL
    "a\x01b",
    "esc\x1b[31m",
    "del\x7f",
    "c1\x85",
    "c1\x9b",
    "rlo\u202etxt.exe",
    "lre\u202a",
    "isolate\u2066x\u2069",
    "lone\ud800surrogate",
    "non\uffffchar",
]
INVISIBLE = ["\u200b\u200b\u200b\u200b", "\ufeff", " \u200b \u200c\u200d ", "\u2060\u00ad"]
FINE = ["张三", "O'Brien & Sons", "=1+1 is text here", "emoji 👨\u200d👩\u200d👧", "", "   ", "a\u200bb"]


@pytest.mark.parametrize("value", REFUSED_EVERYWHERE)
def test_control_characters_and_direction_overrides_are_refused_in_every_kind_of_text(value):
    for multiline in (False, True):
        with pytest.raises(ValidationError) as error:
            check_text(value, field="name", multiline=multiline)
        assert list(error.value.message_dict) == ["name"]


@pytest.mark.parametrize("value", ["tab\there", "line\nbreak", "windows\r\nbreak"])
def test_tabs_and_new_lines_are_allowed_only_in_multiline_text(value):
    assert check_text(value, multiline=True) == value
    with pytest.raises(ValidationError) as error:
        check_text(value, field="title")
    assert error.value.message_dict == {
        "title": ["Must not contain control characters, line breaks or direction overrides."]
    }


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_value_of_only_invisible_characters_is_refused(value):
    with pytest.raises(ValidationError) as error:
        check_text(value, field="reason", multiline=True)
    assert error.value.message_dict == {"reason": ["Must contain visible characters, not only invisible ones."]}


@pytest.mark.parametrize("value", FINE)
def test_ordinary_text_passes_unchanged(value):
    assert check_text(value) == value
    assert check_text(value, multiline=True) == value


def test_strip_controls_removes_exactly_what_is_refused():
    assert strip_controls("张\x01三\u202e\x7f\x85\ud800") == "张三"
    assert strip_controls("a\tb\r\nc") == "a\tb\r\nc"
    assert strip_controls("a\tb\nc", multiline=False) == "abc"


class Body(Schema):
    name: Text
    note: MultilineText = ""


def test_the_schema_types_refuse_with_their_own_error_types():
    assert Body(name="张三", note="一\n二").name == "张三"
    with pytest.raises(Exception) as error:
        Body(name="a\x01", note="\u200b")
    kinds = {(e["loc"][0], e["type"]) for e in error.value.errors()}
    assert kinds == {("name", text.CONTROL_ERROR), ("note", text.INVISIBLE_ERROR)}


class Form(forms.Form):
    name = forms.CharField(validators=[validate_text])
    note = forms.CharField(validators=[validate_multiline_text], widget=forms.Textarea)


def test_the_django_validators_put_the_message_under_the_field():
    form = Form(data={"name": "x\u202ey", "note": "line one\r\nline two"})
    assert not form.is_valid()
    assert form.errors == {"name": ["Must not contain control characters, line breaks or direction overrides."]}
    assert Form(data={"name": "x", "note": "line one\r\nline two"}).is_valid()


def test_validators_compare_equal_so_migrations_stay_stable():
    assert text.TextValidator() == validate_text
    assert text.TextValidator(multiline=True) == validate_multiline_text
    assert validate_text != validate_multiline_text
    assert validate_text.deconstruct() == ("wangge.core.text.TextValidator", (), {})


def test_the_model_mixin_checks_char_fields_as_one_line_and_text_fields_as_many():
    from django.db import models

    class Note(text.TextGuardMixin, models.Model):  # noqa: DJ008 (never saved or shown)
        title = models.CharField(max_length=50)
        body = models.TextField(blank=True)
        code = models.CharField(max_length=10, blank=True)
        TEXT_GUARD_EXEMPT = ("code",)

        class Meta:
            app_label = "core"
            managed = False

    Note(title="ok", body="line\nline", code="").full_clean()
    with pytest.raises(ValidationError) as error:
        Note(title="two\nlines", body="nul\x00", code="\x01").full_clean()
    assert sorted(error.value.message_dict) == ["body", "title"]
    with pytest.raises(ValidationError) as error:
        Note(title="", body="\u200b").full_clean()
    assert error.value.message_dict == {
        "title": ["This field cannot be blank."],
        "body": ["Must contain visible characters, not only invisible ones."],
    }
