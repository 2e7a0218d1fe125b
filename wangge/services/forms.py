"""Page forms of services to residents: text through the shared guard, photos through the upload guard (in
the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wangge.core.text import validate_multiline_text, validate_text
from wangge.core.widgets import DayInput, LocalDateTimeInput
from wangge.services.models import ActivityKind, Audience, ClaimantKind

PHOTO_ATTRS = {"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def region_choices(regions) -> list[tuple[str, str]]:
    """(code, name) of the regions, in tree order, indented by depth under the shallowest."""
    top = min((r.depth for r in regions), default=0)
    return [(r.code, f"{'· ' * (r.depth - top)}{r.name}") for r in regions]


class WishForm(forms.Form):
    title = forms.CharField(label=_("What do you wish for?"), min_length=2, max_length=100, validators=[validate_text])
    reason = forms.CharField(
        label=_("Why?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multiline_text],
    )
    wanted_by = forms.DateField(label=_("By when"), required=False, widget=DayInput())
    compound = forms.TypedChoiceField(label=_("Compound"), required=False, coerce=int, empty_value=None)
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(attrs=PHOTO_ATTRS))
    region = forms.ChoiceField(label=_("Grid or community"), required=False)
    beneficiary_name = forms.CharField(
        label=_("Resident's name (when posting for someone)"), required=False, max_length=60, validators=[validate_text]
    )
    beneficiary_phone = forms.CharField(label=_("Resident's phone"), required=False, max_length=20)
    beneficiary_address = forms.CharField(
        label=_("Resident's address"), required=False, max_length=200, validators=[validate_text]
    )

    def __init__(self, *args, compounds=(), helper: bool = False, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [("", "—")] + [(c.pk, c.name) for c in compounds]
        if not helper:
            for name in ("region", "beneficiary_name", "beneficiary_phone", "beneficiary_address"):
                del self.fields[name]
        else:
            self.fields["region"].choices = [("", _("My own area"))] + region_choices(regions)
        _styled(self)


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("Claim as"), choices=ClaimantKind.choices)
    name = forms.CharField(label=_("Shown as"), required=False, max_length=100, validators=[validate_text])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), min_length=2, max_length=100, validators=[validate_text])
    description = forms.CharField(
        label=pgettext_lazy("activity", "Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multiline_text],
    )
    region = forms.ChoiceField(label=_("Community or street"))
    point = forms.TypedChoiceField(label=_("Service point"), required=False, coerce=int, empty_value=None)
    address = forms.CharField(label=_("Or an address"), required=False, max_length=200, validators=[validate_text])
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput())
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    organiser = forms.CharField(label=_("Organiser"), min_length=2, max_length=100, validators=[validate_text])
    repeat_weeks = forms.IntegerField(
        label=_("Repeat weekly, this many more times"), min_value=0, max_value=26, initial=0, required=False
    )

    def __init__(self, *args, points=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(regions)
        self.fields["point"].choices = [("", "—")] + [(p.pk, p.name) for p in points]
        _styled(self)
