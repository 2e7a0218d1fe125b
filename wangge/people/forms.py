"""Forms of the ledger pages. They only shape input; services check and write it.

Personal numbers are typed into ``NumberInput`` fields, which never render a value back: an edit form
shows the masked number as a hint, and a form sent back with errors does not echo what was typed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.text import validate_text
from wangge.core.widgets import DayInput
from wangge.people import excel
from wangge.people.labels import SPECS, LabelKind
from wangge.people.models import (
    IdType,
    PersonStatus,
    PopulationType,
)
from wangge.people.records import (
    BUILDING,
    COMPOUND,
    FACILITY,
    FROM_ID,
    HOUSE,
    HOUSEHOLD,
    ORGANISATION,
    PERSON,
    SINCE,
    NumberInput,
)


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

    name = PERSON["name"].form_field(required=False)
    number = forms.CharField(
        label=_("ID number or phone (exact)"),
        max_length=40,
        required=False,
        widget=NumberInput(),
        validators=[validate_text],
    )
    address = forms.CharField(label=_("Address"), max_length=100, required=False, validators=[validate_text])
    label = forms.ChoiceField(label=_("Label"), choices=_blank(LabelKind), required=False)
    population_type = forms.ChoiceField(label=_("Population type"), choices=_blank(PopulationType), required=False)
    region = forms.CharField(label=_("Region code"), max_length=24, required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, labels_visible: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not labels_visible:
            del self.fields["label"]


class PersonForm(BootstrapMixin, forms.Form):
    name = PERSON["name"].form_field()
    id_type = PERSON["id_type"].form_field(required=True, initial=IdType.RESIDENT_ID)
    id_number = PERSON["id_number"].form_field()
    gender = PERSON["gender"].form_field(help_text=FROM_ID)
    birth_date = PERSON["birth_date"].form_field(help_text=FROM_ID)
    ethnicity = PERSON["ethnicity"].form_field(initial="汉族")
    phone = PERSON["phone"].form_field()
    population_type = PERSON["population_type"].form_field(required=True)
    registered_address = PERSON["registered_address"].form_field()
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    house = forms.IntegerField(widget=forms.HiddenInput, required=False)
    relation = PERSON["relation"].form_field()
    region = forms.ChoiceField(
        label=_("Grid"), required=False, help_text=_("Only for a person who lives in no house of the ledger")
    )
    political_status = PERSON["political_status"].form_field(required=True)
    marital_status = PERSON["marital_status"].form_field()
    education = PERSON["education"].form_field()
    employer = PERSON["employer"].form_field()
    status = PERSON["status"].form_field(required=True, initial=PersonStatus.LIVING_HERE)
    note = PERSON["note"].form_field()

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
    number = HOUSEHOLD["number"].form_field()
    kind = HOUSEHOLD["kind"].form_field(required=True)
    note = HOUSEHOLD["note"].form_field()


class CompoundForm(BootstrapMixin, forms.Form):
    name = COMPOUND["name"].form_field()
    address = COMPOUND["address"].form_field()
    lon = COMPOUND["lon"].form_field()
    lat = COMPOUND["lat"].form_field()
    region = forms.ChoiceField(label=_("Grid"), required=False, help_text=_("When no coordinates are given"))

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *[(g.code, g.name) for g in grids]]


class BuildingForm(BootstrapMixin, forms.Form):
    compound = forms.ChoiceField(label=_("Compound"), required=False)
    name = BUILDING["name"].form_field(help_text=BUILDING["name"].hint)
    address = BUILDING["address"].form_field()
    use = BUILDING["use"].form_field(required=True)
    floors = BUILDING["floors"].form_field(required=True, initial=6)
    units = BUILDING["units"].form_field(required=True, initial=2)
    rooms_per_floor = BUILDING["rooms_per_floor"].form_field(required=True, initial=2)
    built_year = BUILDING["built_year"].form_field()
    lon = BUILDING["lon"].form_field()
    lat = BUILDING["lat"].form_field()
    region = forms.ChoiceField(label=_("Grid"), required=False, help_text=_("When no coordinates are given"))

    def __init__(self, *args, compounds=(), grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [("", "—"), *[(c.pk, c.name) for c in compounds]]
        self.fields["region"].choices = [("", "—"), *[(g.code, g.name) for g in grids]]


class HouseForm(BootstrapMixin, forms.Form):
    area = HOUSE["area"].form_field()
    use = HOUSE["use"].form_field(required=True)
    owner_name = HOUSE["owner_name"].form_field()
    owner_phone = HOUSE["owner_phone"].form_field()
    hazards = HOUSE["hazards"].form_field()

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
    kind = ORGANISATION["kind"].form_field()
    name = ORGANISATION["name"].form_field()
    credit_code = ORGANISATION["credit_code"].form_field()
    legal_person = ORGANISATION["legal_person"].form_field()
    phone = ORGANISATION["phone"].form_field()
    employees = ORGANISATION["employees"].form_field()
    address = ORGANISATION["address"].form_field()
    business_scope = ORGANISATION["business_scope"].form_field()
    is_key = ORGANISATION["is_key"].form_field(label=_("Key unit (重点单位)"))
    is_active = ORGANISATION["is_active"].form_field(initial=True)
    lon = ORGANISATION["lon"].form_field()
    lat = ORGANISATION["lat"].form_field()
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
    kind = FACILITY["kind"].form_field()
    code = FACILITY["code"].form_field()
    name = FACILITY["name"].form_field()
    status = FACILITY["status"].form_field(required=True)
    owner = FACILITY["owner"].form_field()
    address = FACILITY["address"].form_field()
    installed_on = FACILITY["installed_on"].form_field()
    lon = FACILITY["lon"].form_field()
    lat = FACILITY["lat"].form_field()


class LabelForm(BootstrapMixin, forms.Form):
    """A label and the fields of its kind (built from ``labels.SPECS``)."""

    kind = forms.ChoiceField(label=_("Label"), choices=LabelKind.choices)
    since = SINCE.form_field()
    note = forms.CharField(label=_("Note"), max_length=200, required=False, validators=[validate_text])

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
        field = forms.DateField(widget=DayInput(), **common)
    else:
        field = forms.CharField(max_length=spec_field.max_length, validators=[validate_text], **common)
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
