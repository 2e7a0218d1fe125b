"""Page forms of disputes. Text goes through the shared guard; the services make the rules, and their
``ValidationError`` is shown next to the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.core.text import validate_multiline_text, validate_text
from wangge.core.widgets import DayInput
from wangge.mediation.models import DisputeKind, EscalationBody, PartyRole

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DAY = {**TEXT, "type": "date"}
PARTY_SLOTS = 3


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, list(exc.messages))
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def _text(label, max_length, *, required=True):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[validate_text],
        widget=forms.TextInput(attrs=TEXT),
    )


def _multiline(label, max_length, *, required=True, rows=4):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={**TEXT, "rows": rows}),
    )


class DisputeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DisputeKind.choices, widget=forms.Select(attrs=SELECT))
    region = forms.ChoiceField(label=_("Grid"), widget=forms.Select(attrs=SELECT))
    title = _text(_("Title"), 120)
    summary = _multiline(_("What the dispute is about"), 5000, required=False)
    mediator = forms.ChoiceField(label=_("Mediator"), required=False, widget=forms.Select(attrs=SELECT))
    committee = _text(_("Mediation committee"), 100, required=False)

    def __init__(self, *args, grids=(), mediators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(g.code, g.name) for g in grids]
        self.fields["mediator"].choices = [
            ("", "—"),
            *((str(u.pk), u.get_full_name() or u.username) for u in mediators),
        ]
        for n in range(1, PARTY_SLOTS + 1):
            self.fields[f"party_{n}_role"] = forms.ChoiceField(
                label=_("Party %(n)d") % {"n": n},
                choices=PartyRole.choices,
                widget=forms.Select(attrs=SELECT),
                initial=PartyRole.APPLICANT if n == 1 else PartyRole.RESPONDENT,
            )
            self.fields[f"party_{n}_person"] = forms.IntegerField(
                label=_("Ledger person id"),
                required=False,
                min_value=1,
                max_value=2**31 - 1,
                widget=forms.NumberInput(attrs=TEXT),
            )
            self.fields[f"party_{n}_name"] = _text(_("Name"), 60, required=False)
            self.fields[f"party_{n}_phone"] = _text(_("Phone"), 20, required=False)
            self.fields[f"party_{n}_id_number"] = _text(_("ID number"), 32, required=False)

    def parties(self) -> list[dict]:
        out = []
        for n in range(1, PARTY_SLOTS + 1):
            data = {
                key: self.cleaned_data.get(f"party_{n}_{key}")
                for key in ("role", "person", "name", "phone", "id_number")
            }
            if data["person"] or (data["name"] or "").strip():
                out.append(data)
        return out


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), required=False, widget=DayInput(attrs=DAY))
    place = _text(_("Place"), 100)
    notes = _multiline(_("Notes"), 5000, required=False)


class AgreementForm(forms.Form):
    text = _multiline(_("Agreement"), 5000, rows=5)
    agreed_on = forms.DateField(label=_("Agreed on"), required=False, widget=DayInput(attrs=DAY))


class FailForm(forms.Form):
    note = _multiline(_("Why it failed"), 500, required=False, rows=2)


class ResumeForm(forms.Form):
    note = _multiline(_("Note"), 500, required=False, rows=2)


class FulfilForm(forms.Form):
    note = _multiline(_("How it was fulfilled"), 2000, rows=3)
    on = forms.DateField(label=_("Fulfilled on"), required=False, widget=DayInput(attrs=DAY))


class EscalateForm(forms.Form):
    to = forms.ChoiceField(label=_("To"), choices=EscalationBody.choices, widget=forms.Select(attrs=SELECT))
    note = _text(_("Note"), 500, required=False)


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices, widget=forms.Select(attrs=SELECT))
    person = forms.IntegerField(
        label=_("Ledger person id"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.NumberInput(attrs=TEXT),
    )
    name = _text(_("Name"), 60, required=False)
    phone = _text(_("Phone"), 20, required=False)
    id_number = _text(_("ID number"), 32, required=False)


class RevealForm(forms.Form):
    party = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    field = forms.ChoiceField(choices=[("phone", _("Phone")), ("id_number", _("ID number"))], widget=forms.HiddenInput)
    reason = _text(_("Reason"), 200)


# action → (form, title), in the order the page offers them; which apply follows ``services.allowed``.
ACTIONS = {
    "session": (SessionForm, _("Record a session")),
    "agree": (AgreementForm, _("Record the agreement")),
    "fail": (FailForm, _("Mediation failed")),
    "resume": (ResumeForm, _("Resume mediation")),
    "fulfil": (FulfilForm, _("Agreement fulfilled")),
    "escalate": (EscalateForm, _("Escalate")),
    "party": (PartyForm, _("Add a party")),
}
