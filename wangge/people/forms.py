"""Forms of the ledger pages. They only shape input; services check and write it.

Personal numbers are typed into ``NumberInput`` fields, which never render a value back: an edit form
shows the masked number as a hint, and a form sent back with errors does not echo what was typed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wangge.people import excel
from wangge.people.labels import SPECS, LabelKind
from wangge.people.models import (
    BuildingUse,
    Education,
    FacilityKind,
    FacilityStatus,
    Gender,
    HouseholdKind,
    HouseUse,
    IdType,
    MaritalStatus,
    OrganisationKind,
    PersonStatus,
    PoliticalStatus,
    PopulationType,
    Relation,
)


class NumberInput(forms.TextInput):
    """A text box for a personal number: never filled in by the server."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices.choices]


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else ("form-select" if isinstance(widget, forms.Select) else "form-control")
            )
            widget.attrs.setdefault("class", css)


class PersonSearchForm(BootstrapMixin, forms.Form):
    """Sent by POST: names and numbers stay out of URLs and access logs."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60, required=False)
    number = forms.CharField(label=_("ID number or phone (exact)"), max_length=40, required=False, widget=NumberInput())
    address = forms.CharField(label=_("Address"), max_length=100, required=False)
    label = forms.ChoiceField(label=_("Label"), choices=_blank(LabelKind), required=False)
    population_type = forms.ChoiceField(label=_("Population type"), choices=_blank(PopulationType), required=False)
    region = forms.CharField(label=_("Region code"), max_length=24, required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, labels_visible: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not labels_visible:
            del self.fields["label"]


class PersonForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False, widget=NumberInput())
    gender = forms.ChoiceField(
        label=_("Gender"), choices=_blank(Gender), required=False, help_text=_("Taken from a resident ID number")
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Taken from a resident ID number"),
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False, initial="汉族")
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False, widget=NumberInput())
    population_type = forms.ChoiceField(label=_("Population type"), choices=PopulationType.choices)
    registered_address = forms.CharField(label=_("Household registration address"), max_length=200, required=False)
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    house = forms.IntegerField(widget=forms.HiddenInput, required=False)
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=_blank(Relation), required=False)
    region = forms.ChoiceField(
        label=_("Grid"), required=False, help_text=_("Only for a person who lives in no house of the ledger")
    )
    political_status = forms.ChoiceField(label=_("Political status"), choices=PoliticalStatus.choices)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=_blank(MaritalStatus), required=False)
    education = forms.ChoiceField(label=_("Education"), choices=_blank(Education), required=False)
    employer = forms.CharField(label=_("Employer or school"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PersonStatus.choices, initial=PersonStatus.LIVING_HERE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, person=None, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *[(g.code, g.name) for g in grids]]
        if self.initial.get("household") or self.initial.get("house"):
            del self.fields["region"]
        if person is not None:
            keep = _("unchanged when left empty")
            self.fields["id_number"].widget.attrs["placeholder"] = f"{person.id_number_masked} ({keep})"
            self.fields["phone"].widget.attrs["placeholder"] = f"{person.phone_masked or '—'} ({keep})"

    def data_for_service(self, *, editing: bool) -> dict:
        data = dict(self.cleaned_data)
        for name in ("id_number", "phone"):
            if editing and not data.get(name):
                data.pop(name)  # empty on an edit form means "keep"
        if editing and not data.get("household") and not data.get("house"):
            data.pop("household", None)
            data.pop("house", None)
        if not data.get("birth_date"):
            data.pop("birth_date")
        if not data.get("region"):
            data.pop("region", None)
        return data


class HouseholdForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Household number"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=HouseholdKind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CompoundForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    region = forms.ChoiceField(label=_("Grid"), required=False, help_text=_("When no coordinates are given"))

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *[(g.code, g.name) for g in grids]]


class BuildingForm(BootstrapMixin, forms.Form):
    compound = forms.ChoiceField(label=_("Compound"), required=False)
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("e.g. 3幢 or 5组12号"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    use = forms.ChoiceField(label=pgettext_lazy("house", "Use"), choices=BuildingUse.choices)
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=120, initial=6)
    units = forms.IntegerField(label=_("Units"), min_value=1, max_value=30, initial=2)
    rooms_per_floor = forms.IntegerField(label=_("Rooms per floor per unit"), min_value=1, max_value=40, initial=2)
    built_year = forms.IntegerField(label=_("Year built"), min_value=1800, max_value=2100, required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    region = forms.ChoiceField(label=_("Grid"), required=False, help_text=_("When no coordinates are given"))

    def __init__(self, *args, compounds=(), grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [("", "—"), *[(c.pk, c.name) for c in compounds]]
        self.fields["region"].choices = [("", "—"), *[(g.code, g.name) for g in grids]]


class HouseForm(BootstrapMixin, forms.Form):
    area = forms.DecimalField(label=_("Area (m²)"), max_digits=8, decimal_places=2, min_value=0, required=False)
    use = forms.ChoiceField(label=pgettext_lazy("house", "Use"), choices=HouseUse.choices)
    owner_name = forms.CharField(label=_("Owner"), max_length=60, required=False)
    owner_phone = forms.CharField(label=_("Owner's phone"), max_length=40, required=False, widget=NumberInput())
    hazards = forms.CharField(label=_("Hazards"), max_length=200, required=False)

    def __init__(self, *args, house=None, **kwargs):
        super().__init__(*args, **kwargs)
        if house is not None and house.owner_phone_masked:
            self.fields["owner_phone"].widget.attrs["placeholder"] = (
                f"{house.owner_phone_masked} ({_('unchanged when left empty')})"
            )

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("owner_phone"):
            data.pop("owner_phone")
        return data


class OrganisationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    legal_person = forms.CharField(label=_("Legal representative"), max_length=60, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False, widget=NumberInput())
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    business_scope = forms.CharField(label=_("Business"), max_length=200, required=False)
    is_key = forms.BooleanField(label=_("Key unit (重点单位)"), required=False)
    is_active = forms.BooleanField(label=_("Operating"), required=False, initial=True)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    region = forms.ChoiceField(label=_("Grid"), required=False, help_text=_("When no coordinates are given"))

    def __init__(self, *args, organisation=None, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *[(g.code, g.name) for g in grids]]
        if organisation is not None and organisation.phone_masked:
            self.fields["phone"].widget.attrs["placeholder"] = (
                f"{organisation.phone_masked} ({_('unchanged when left empty')})"
            )

    def data_for_service(self, *, editing: bool) -> dict:
        data = dict(self.cleaned_data)
        if editing and not data.get("phone"):
            data.pop("phone")
        if editing and data.get("lon") is None and data.get("lat") is None and not data.get("region"):
            for name in ("lon", "lat", "region"):
                data.pop(name)
        return data


class FacilityForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilityKind.choices)
    code = forms.CharField(label=_("Facility code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=FacilityStatus.choices)
    owner = forms.CharField(label=_("Owner or maintainer"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    installed_on = forms.DateField(
        label=_("Installed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    lon = forms.FloatField(label=_("Longitude"))
    lat = forms.FloatField(label=_("Latitude"))


class LabelForm(BootstrapMixin, forms.Form):
    """A label and the fields of its kind (built from ``labels.SPECS``)."""

    kind = forms.ChoiceField(label=_("Label"), choices=LabelKind.choices)
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind or self.data.get("kind") or self.initial.get("kind") or LabelKind.ELDERLY_ALONE
        if kind:
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = kind
        self.fields["kind"].widget.attrs.update(
            {"hx-get": "", "hx-target": "#wg-label-form", "hx-select": "#wg-label-form", "hx-swap": "outerHTML"}
        )
        spec = SPECS.get(self.kind)
        for spec_field in spec.fields if spec else ():
            self.fields[f"details__{spec_field.name}"] = _detail_field(spec_field)

    def details(self) -> dict:
        return {
            name.removeprefix("details__"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("details__") and value not in (None, "")
        }


def _detail_field(spec_field):
    common = {"label": spec_field.label, "required": spec_field.required}
    if spec_field.kind == "choice":
        field = forms.ChoiceField(choices=[("", "—"), *spec_field.choices], **common)
        field.widget.attrs["class"] = "form-select"
        return field
    if spec_field.kind == "bool":
        field = forms.BooleanField(label=spec_field.label, required=False)
        field.widget.attrs["class"] = "form-check-input"
        return field
    if spec_field.kind == "int":
        field = forms.IntegerField(min_value=spec_field.minimum, max_value=spec_field.maximum, **common)
    elif spec_field.kind == "decimal":
        field = forms.DecimalField(
            min_value=spec_field.minimum, max_value=spec_field.maximum, decimal_places=2, **common
        )
    elif spec_field.kind == "date":
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    else:
        field = forms.CharField(max_length=spec_field.max_length, **common)
    field.widget.attrs["class"] = "form-control"
    return field


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", "id_number"), ("phone", "phone"), ("owner_phone", "owner_phone")])
    reason = forms.CharField(max_length=200, required=False)


class ImportForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Ledger"), choices=[(k, excel.KIND_LABELS[k]) for k in excel.KINDS])
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    on_duplicate = forms.ChoiceField(
        label=_("When a record is already in the ledger"),
        choices=[("update", _("Update it with the file's values (merge)")), ("report", _("Report it as an error"))],
        initial="update",
    )
