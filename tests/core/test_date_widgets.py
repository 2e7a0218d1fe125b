"""Date pickers keep their value in Chinese: an ``<input type="date">`` takes only an ISO date, and Django
writes a date in the language's format (zh-hans: 2026/12/07), which left such fields empty."""

import importlib
import pkgutil
import re
from datetime import date, datetime
from pathlib import Path

from django import forms
from django.utils import translation

import wangge
from wangge.core.widgets import ISO_FORMATS, DayInput, LocalDateTimeInput, MonthInput

SAMPLE = datetime(2026, 12, 7, 9, 30)


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(wangge.__path__, "wangge."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [forms.Form, forms.ModelForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("wangge."):
                found.append(sub)
    return found


def test_every_date_picker_of_every_form_renders_the_iso_value_under_zh_hans():
    checked = []
    with translation.override("zh-hans"):
        for form_class in _all_form_classes():
            for name, field in form_class.base_fields.items():
                kind = field.widget.attrs.get("type") or getattr(field.widget, "input_type", "")
                if kind not in ISO_FORMATS:
                    continue
                shown = field.widget.format_value(SAMPLE if kind == "datetime-local" else SAMPLE.date())
                assert shown == SAMPLE.strftime(ISO_FORMATS[kind]), f"{form_class.__name__}.{name} shows {shown!r}"
                checked.append(name)
    assert {"visited_on", "due_on", "starts_at", "month"} <= set(checked)


def test_the_widgets_write_iso_whatever_the_language():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert DayInput().format_value(date(2026, 1, 2)) == "2026-01-02"
            assert LocalDateTimeInput().format_value(datetime(2026, 1, 2, 3, 4)) == "2026-01-02T03:04"
            assert MonthInput().format_value(date(2026, 1, 2)) == "2026-01"
    html = DayInput(attrs={"class": "form-control"}).render("on", date(2026, 1, 2))
    assert 'type="date"' in html and 'value="2026-01-02"' in html and 'class="form-control"' in html


def test_no_code_builds_a_date_input_from_django_s_widgets_directly():
    """Dynamic forms (the ledger's per-type fields) are not form classes the walk above can see."""
    root = Path(wangge.__file__).parent
    direct = re.compile(r"forms\.(DateInput|DateTimeInput)\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "widgets.py" and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
