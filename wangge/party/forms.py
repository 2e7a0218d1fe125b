"""Page forms of party work. Text goes through the shared guard (``validate_text``); the services make the
rules, and their ``ValidationError`` is shown next to the field (``apply_service_errors``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.core.text import validate_multiline_text, validate_text
from wangge.core.widgets import DayInput, MonthInput
from wangge.party.models import CheckItem, ItemKind, LeaveKind, MemberStatus, OrganisationKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the matching field (or above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, list(exc.messages))
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class ItemForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(label=_("List"), choices=ItemKind.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(
        label=_("Title"), max_length=100, validators=[validate_text], widget=forms.TextInput(attrs=TEXT)
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=1000,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DayInput(attrs=TEXT))

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(r.code, r.name) for r in communities]


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=1000,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    hours = forms.DecimalField(
        label=_("Service hours"),
        required=False,
        min_value=0,
        max_value=999,
        decimal_places=1,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}),
    )
    photo = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={**TEXT, "accept": "image/*", "capture": "environment"})
    )


class OrganisationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices, widget=forms.Select(attrs=SELECT))
    name = forms.CharField(
        label=_("Name"), max_length=100, validators=[validate_text], widget=forms.TextInput(attrs=TEXT)
    )
    parent = forms.TypedChoiceField(
        label=_("Parent organisation"), coerce=int, required=False, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions served"), required=False, widget=forms.SelectMultiple(attrs={**SELECT, "size": 6})
    )
    community = forms.ChoiceField(label=_("Community co-built with"), required=False, widget=forms.Select(attrs=SELECT))
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_text], widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args, organisations=(), regions=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— none (at the top) —"))] + [(o.pk, o.name) for o in organisations]
        self.fields["regions"].choices = [(r.code, f"{r.name} ({r.code})") for r in regions]
        self.fields["community"].choices = [("", "—")] + [(r.code, r.name) for r in regions if r.level == "community"]
        if editing:
            del self.fields["kind"]
            del self.fields["parent"]


class MoveForm(forms.Form):
    parent = forms.TypedChoiceField(
        label=_("New parent organisation"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— none (at the top) —"))] + [(o.pk, o.name) for o in organisations]


class PersonSearch(forms.Widget):
    """The add-member form's person: a search box (name, whole phone or its last four digits) whose answers,
    fetched by HTMX from ``party:person_search``, are radio buttons named like the field; the person already
    chosen (a redisplayed form, or ``?person=``) is shown checked. No script of our own (CSP)."""

    template_name = "party/widgets/person_search.html"
    chosen = None  # the Person shown checked, set by the form

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["chosen"] = [self.chosen] if self.chosen is not None else []
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class MemberForm(forms.Form):
    person = forms.IntegerField(label=_("Person in the ledger"), min_value=1, widget=PersonSearch)
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=forms.Select(attrs=SELECT))
    status = forms.ChoiceField(label=_("Standing"), choices=MemberStatus.choices, widget=forms.Select(attrs=SELECT))
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DayInput(attrs=TEXT))
    in_service = forms.BooleanField(label=_("In-service member (在职党员)"), required=False)
    employer = forms.CharField(
        label=_("Employer unit"),
        max_length=100,
        required=False,
        validators=[validate_text],
        widget=forms.TextInput(attrs=TEXT),
    )
    grid = forms.ChoiceField(label=_("Linked grid"), required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, organisations=(), grids=(), editing=False, chosen=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["grid"].choices = [("", "—")] + [(r.code, r.name) for r in grids]
        if editing:
            del self.fields["person"]
        else:
            self.fields["person"].widget.chosen = chosen


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DayInput(attrs=TEXT))
    leave_kind = forms.ChoiceField(label=_("How"), choices=LeaveKind.choices, widget=forms.Select(attrs=SELECT))
    leave_note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_text], widget=forms.TextInput(attrs=TEXT)
    )


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".xlsx"}),
    )


class CompanyForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Property company in the ledger"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    community = forms.ChoiceField(label=_("Community"), widget=forms.Select(attrs=SELECT))
    party_organisation = forms.TypedChoiceField(
        label=_("Leading party organisation"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, companies=(), communities=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in companies]
        self.fields["community"].choices = [(r.code, r.name) for r in communities]
        self.fields["party_organisation"].choices = [("", "—")] + [(o.pk, o.name) for o in organisations]


class CheckForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=MonthInput(attrs=TEXT),
    )
    passed = forms.MultipleChoiceField(
        label=_("Items passed"), required=False, choices=CheckItem.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_text], widget=forms.TextInput(attrs=TEXT)
    )


class ListingForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"), widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999, widget=forms.NumberInput(attrs=TEXT))
    half = forms.TypedChoiceField(
        label=_("Half year"),
        coerce=int,
        choices=[(1, _("First half")), (2, _("Second half"))],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(r.code, r.name) for r in communities]


class UnitStaffForm(forms.Form):
    staff = forms.CharField(
        label=_("Accounts acting for the unit (user names, one per line)"),
        required=False,
        max_length=2000,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
