"""Page forms of deliberation. Text goes through the shared guard; the services make the rules, and their
``ValidationError`` is shown next to the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.core.text import validate_multiline_text, validate_text
from wangge.core.widgets import DayInput, LocalDateTimeInput
from wangge.deliberation.models import Choice, DecisionKind, PlaceKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, list(exc.messages))
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def _text(label, max_length, required=True):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[validate_text],
        widget=forms.TextInput(attrs=TEXT),
    )


def _area(label, max_length, rows=4, required=True, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={**TEXT, "rows": rows}),
        help_text=help_text,
    )


class TopicForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), widget=forms.Select(attrs=SELECT))
    title = _text(_("Title"), 120)
    description = _area(_("What should be discussed"), 5000, help_text=_("Plain text: markup is shown as typed."))
    case = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(r.code, r.name) for r in communities]


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Decline"))],
        coerce=lambda v: v == "1",
        widget=forms.Select(attrs=SELECT),
    )
    reason = _area(_("Reason"), 2000, rows=2)


class MeetingForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), widget=forms.Select(attrs=SELECT))
    title = _text(_("Title"), 120)
    place_kind = forms.ChoiceField(
        label=_("Kind of place"), choices=PlaceKind.choices, widget=forms.Select(attrs=SELECT)
    )
    place = _text(_("Place"), 120)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=LocalDateTimeInput(attrs=TEXT))
    invite_residents = forms.BooleanField(
        label=_("Invite every resident account of the community (each may vote)"), required=False
    )
    property_company = _text(_("Property company"), 80, required=False)
    party_members = _area(_("Party members, one per line"), 2000, rows=2, required=False)
    units = _area(_("Units, one per line"), 2000, rows=2, required=False)
    topics = forms.MultipleChoiceField(
        label=_("Accepted topics on the agenda"), required=False, widget=forms.CheckboxSelectMultiple
    )
    agenda = _area(_("Further agenda items, one per line"), 2000, rows=2, required=False)

    def __init__(self, *args, communities=(), topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(r.code, r.name) for r in communities]
        self.fields["topics"].choices = [(str(t.pk), f"{t.community.name} · {t.title}") for t in topics]


def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class BallotForm(forms.Form):
    choice = forms.ChoiceField(choices=Choice.choices, widget=forms.RadioSelect)


class VoteOpenForm(forms.Form):
    question = _text(_("Question put to the vote"), 200)


class MinutesForm(forms.Form):
    text = _area(_("Minutes"), 20_000, rows=6)


class DecisionForm(forms.Form):
    text = _area(_("Decision"), 2000, rows=2)
    kind = forms.ChoiceField(label=_("Becomes"), choices=DecisionKind.choices, widget=forms.Select(attrs=SELECT))
    topic = forms.TypedChoiceField(
        label=_("Topic"), required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    category = _text(_("Case category code"), 8, required=False)
    owner_name = _text(_("Owner"), 80)
    due_on = forms.DateField(label=_("Deadline"), widget=DayInput(attrs=TEXT))

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "—"), *[(t.pk, t.title) for t in topics]]


class FollowUpForm(forms.Form):
    note = _area(_("Progress"), 2000, rows=2)
    done = forms.BooleanField(label=_("Done"), required=False)
