"""Page forms of visits; text through the shared guard (``validate_text``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.cases.forms import grouped_categories
from wangge.core.text import validate_multiline_text, validate_text
from wangge.core.widgets import DayInput


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class VisitForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    person = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    # A date input takes only ISO dates: the zh-hans format (2026/12/07) would leave it empty.
    visited_on = forms.DateField(label=_("Visit date"), widget=DayInput())
    people_met = forms.CharField(label=_("People met"), max_length=200, required=False, validators=[validate_text])
    notes = forms.CharField(
        label=_("What you saw and heard (民情日记)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_multiline_text],
    )
    needs = forms.CharField(
        label=_("Needs found"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        for name in ("visited_on", "people_met", "notes", "needs"):
            self.fields[name].widget.attrs["class"] = "form-control"


class VisitCaseForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        validators=[validate_multiline_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("Choose a category")),
            *((label, subs) for _code, label, subs in grouped_categories()),
        ]
        self.fields["category"].widget.attrs["class"] = "form-select"
