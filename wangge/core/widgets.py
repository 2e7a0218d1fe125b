"""The browser's own date pickers. An ``<input type="date">`` takes only an ISO date (``datetime-local`` and
``month`` their ISO forms): rendered in the language's format (zh-hans writes 2026/12/07) the field shows
empty and the value is lost on the next save. These widgets always write the ISO form."""

from django import forms

ISO_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M", "month": "%Y-%m"}


class DayInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({**(attrs or {}), "type": "date"}, format=ISO_FORMATS["date"])


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__({**(attrs or {}), "type": "datetime-local"}, format=ISO_FORMATS["datetime-local"])


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__({**(attrs or {}), "type": "month"}, format=ISO_FORMATS["month"])
