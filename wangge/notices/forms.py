"""Page forms of notices. Text goes through the shared guard; the services make the rules, and their
``ValidationError`` is shown next to the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.core.text import validate_multiline_text, validate_text
from wangge.core.widgets import LocalDateTimeInput
from wangge.notices.models import NoticeKind, QuestionKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
WHEN = {**TEXT, "type": "datetime-local"}
QUESTION_SLOTS = 3
ACCEPT = "application/pdf,image/jpeg,image/png,image/webp,.xlsx"


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, list(exc.messages))
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={**TEXT, "accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _title():
    return forms.CharField(
        label=_("Title"), max_length=120, validators=[validate_text], widget=forms.TextInput(attrs=TEXT)
    )


def _body():
    return forms.CharField(
        label=_("Text"),
        max_length=20_000,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={**TEXT, "rows": 8}),
        help_text=_("Plain text: markup is shown as typed."),
    )


def _attachments():
    return MultipleFileField(
        label=_("Attachments (PDF, images, Excel)"), required=False, help_text=_("Up to 10 MB each.")
    )


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices, widget=forms.Select(attrs=SELECT))
    region = forms.ChoiceField(label=_("Published to"), widget=forms.Select(attrs=SELECT))
    title = _title()
    body = _body()
    publish_from = forms.DateTimeField(label=_("Published from"), required=False, widget=LocalDateTimeInput(attrs=WHEN))
    publish_until = forms.DateTimeField(
        label=_("Published until"), required=False, widget=LocalDateTimeInput(attrs=WHEN)
    )
    attachments = _attachments()
    poll_closes_at = forms.DateTimeField(
        label=_("Poll closes at"), required=False, widget=LocalDateTimeInput(attrs=WHEN)
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{'· ' if r.level != 'community' else ''}{r.name}") for r in regions]
        for n in range(1, QUESTION_SLOTS + 1):
            self.fields[f"question_{n}"] = forms.CharField(
                label=_("Poll question %(n)d") % {"n": n},
                max_length=200,
                required=False,
                validators=[validate_text],
                widget=forms.TextInput(attrs=TEXT),
            )
            self.fields[f"question_{n}_kind"] = forms.ChoiceField(
                label=_("Answers"), choices=QuestionKind.choices, widget=forms.Select(attrs=SELECT)
            )
            self.fields[f"question_{n}_choices"] = forms.CharField(
                label=_("Choices, one per line"),
                max_length=2000,
                required=False,
                validators=[validate_multiline_text],
                widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
            )

    def questions(self) -> list[tuple[str, str, list[str]]]:
        out = []
        for n in range(1, QUESTION_SLOTS + 1):
            text = self.cleaned_data.get(f"question_{n}", "").strip()
            if text:
                choices = [c.strip() for c in self.cleaned_data.get(f"question_{n}_choices", "").splitlines()]
                out.append((text, self.cleaned_data.get(f"question_{n}_kind"), [c for c in choices if c]))
        return out


class EditForm(forms.Form):
    title = _title()
    body = _body()
    publish_until = forms.DateTimeField(
        label=_("Published until"), required=False, widget=LocalDateTimeInput(attrs=WHEN)
    )
    attachments = _attachments()
