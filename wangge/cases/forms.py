"""Forms of the case pages: intake, the worklist filters and one small form per workflow action.

Forms only parse and check the shape of the input; the rules live in ``services`` and its
``ValidationError({field: message})`` is put back next to the field by ``apply_service_errors``.
"""

import uuid
from datetime import datetime, time, timedelta

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Department
from wangge.accounts.roles import roles_of
from wangge.cases import selectors, services
from wangge.cases.models import PhotoKind, Source, Status, Supervision
from wangge.cases.permissions import is_resident_only
from wangge.cases.workflow import GRID_ROLES, rule_for
from wangge.core.text import validate_multiline_text, validate_text
from wangge.core.widgets import DayInput
from wangge.regions.models import GRID_LEVELS, Region

STAFF_SOURCES = (Source.PATROL, Source.HOTLINE, Source.VISIT, Source.INSPECTION, Source.OTHER)
EXTENSIONS = [
    ("4h", _("4 working hours")),
    ("1d", _("1 working day")),
    ("2d", _("2 working days")),
    ("3d", _("3 working days")),
    ("5d", _("5 working days")),
]
SCORES = [(str(n), f"{n} ★") for n in range(5, 0, -1)]
MAX_PHOTOS = 9  # per field, as many as a phone's share sheet usually sends
PHOTO_ATTRS = {"accept": "image/*", "capture": "environment", "class": "form-control"}


# --- who is who ---------------------------------------------------------------------------------------


def is_staff_member(user) -> bool:
    return not is_resident_only(user)


def is_grid_member(user) -> bool:
    return user.is_authenticated and bool(GRID_ROLES & set(roles_of(user)))


def category_label(category) -> str:
    if category is None:
        return ""
    if (get_language() or "").startswith("en") and category.name_en:
        return category.name_en
    return category.name


def grouped_categories() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(class code, class label, [(sub-class code, label), …]), …] in catalogue order."""
    classes: dict[int, tuple] = {}
    names = ("code", "name", "name_en", "parent")  # only what a label needs, not the time limits and lists
    for category in selectors.active_categories().only(*names, *(f"parent__{name}" for name in names)):
        if category.parent_id is None:
            classes.setdefault(category.pk, (category, []))
        else:
            classes.setdefault(category.parent_id, (category.parent, []))[1].append(category)
    return [
        (cls.code, category_label(cls), [(sub.code, category_label(sub)) for sub in subs])
        for cls, subs in sorted(classes.values(), key=lambda item: item[0].code)
        if subs
    ]


# --- photos -------------------------------------------------------------------------------------------


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several image files (a phone's camera or its gallery); each one checked as a real image."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs=dict(PHOTO_ATTRS)))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs["multiple"] = True

    def clean(self, data, initial=None):
        single = super().clean
        files = [single(d, initial) for d in data] if isinstance(data, (list, tuple)) else [single(data, initial)]
        files = [f for f in files if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}, code="max_files")
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        for upload in files:
            try:
                services.validate_photo(upload, field="photo")
            except ValidationError as exc:
                raise ValidationError(_messages_of(exc)) from exc
        return files


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


def apply_service_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError next to the matching field (or above the form)."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, list(exc.messages))
        return
    for field, messages in exc.message_dict.items():
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, messages)


# --- intake -------------------------------------------------------------------------------------------


class IntakeForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        validators=[validate_multiline_text],
        label=_("Description"),
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("What is wrong, where exactly, since when."),
    )
    lon = forms.FloatField(widget=forms.HiddenInput, error_messages={"required": _("Put the pin on the map.")})
    lat = forms.FloatField(widget=forms.HiddenInput, error_messages={"required": _("Put the pin on the map.")})
    address = forms.CharField(
        validators=[validate_text],
        label=_("Address or landmark"),
        required=False,
        max_length=services.MAX_ADDRESS,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "street-address"}),
    )
    photos = PhotoField(label=_("Photos"), help_text=_("Take a photo or choose several from the gallery."))
    source = forms.ChoiceField(label=_("Source"), required=False)
    urgent = forms.BooleanField(label=_("Urgent (half the time limits)"), required=False)
    contact_name = forms.CharField(
        validators=[validate_text],
        label=_("Your name"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    contact_phone = forms.CharField(
        validators=[validate_text],
        label=_("Mobile number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel", "autocomplete": "tel"}),
    )
    solved_on_spot = forms.BooleanField(label=_("I solved it on the spot"), required=False)
    on_spot_note = forms.CharField(
        validators=[validate_multiline_text],
        label=_("What you did"),
        required=False,
        max_length=services.MAX_OPINION,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    photo_before = PhotoField(label=_("Photo before"))
    photo_after = PhotoField(label=_("Photo after"))
    idempotency_key = forms.CharField(
        validators=[validate_text], widget=forms.HiddenInput, max_length=100, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.staff = is_staff_member(user)
        self.anonymous = not user.is_authenticated
        self.grid_member = is_grid_member(user)
        self.fields["category"].choices = [
            ("", _("Choose a category")),
            *((label, subs) for _code, label, subs in grouped_categories()),
        ]
        self.fields["category"].widget.attrs["class"] = "form-select"
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        if self.staff:
            self.fields["source"].choices = [(s.value, s.label) for s in STAFF_SOURCES]
            self.fields["source"].initial = Source.PATROL
            self.fields["source"].required = True
            self.fields["source"].widget.attrs["class"] = "form-select"
            self.fields["contact_name"].label = _("Caller's name")
            self.fields["contact_phone"].label = _("Caller's mobile number")
        else:
            for name in ("source", "urgent"):
                del self.fields[name]
        if self.anonymous:
            self.fields["contact_phone"].required = True
            self.fields["contact_phone"].help_text = _("We call this number back; it is stored encrypted.")
        elif not self.staff:
            for name in ("contact_name", "contact_phone"):
                del self.fields[name]
        if not self.grid_member:
            for name in ("solved_on_spot", "on_spot_note", "photo_before", "photo_after"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("solved_on_spot"):
            category = selectors.active_categories().filter(code=data.get("category")).first()
            if category is None or not category.on_spot:
                self.add_error("solved_on_spot", _("This category may not be solved on the spot."))
            if not data.get("photo_before") and "photo_before" not in self.errors:
                self.add_error("photo_before", _("Attach a photo from before."))
            if not data.get("photo_after") and "photo_after" not in self.errors:
                self.add_error("photo_after", _("Attach a photo from after."))
        return data

    def report(self) -> services.Report:
        data = self.cleaned_data
        return services.Report(
            category=data["category"],
            description=data["description"],
            lon=data["lon"],
            lat=data["lat"],
            source=data.get("source") or Source.RESIDENT,
            address=data.get("address", ""),
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            urgent=bool(data.get("urgent")),
            idempotency_key=data.get("idempotency_key", ""),
        )

    def on_spot_categories(self) -> list[str]:
        return list(selectors.active_categories().filter(on_spot=True).values_list("code", flat=True))


# --- the worklist filters ------------------------------------------------------------------------------


def filter_categories() -> list:
    """The category filter's options, grouped by class, in the current language; kept a minute (the
    catalogue changes rarely, and a page should not read and label 150 categories each time)."""
    key = f"wangge:filter-categories:{get_language()}"
    choices = cache.get(key)
    if choices is None:
        choices = [
            (label, [(code, str(_("All of %(name)s") % {"name": label})), *subs])
            for code, label, subs in grouped_categories()
        ]
        cache.set(key, choices, 60)
    return choices


class QuickSelect(forms.Select):
    """A ``<select>`` written out in Python rather than through one widget template per option: the
    worklist's region filter has up to 600 options and the category filter some 150, and drawing them
    through the templates cost more than the rest of the page together. Same markup as ``Select``."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = set(self.format_value(value))
        parts = [f"<select{flatatt(final)}>"]
        for key, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(key)}">')
                parts.extend(self._option(sub_key, sub_label, chosen) for sub_key, sub_label in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(key, label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped

    @staticmethod
    def _option(key, label, chosen: set[str]) -> str:
        key = "" if key is None else str(key)
        selected = " selected" if key in chosen else ""
        return f'<option value="{escape(key)}"{selected}>{escape(label)}</option>'


class FilterForm(forms.Form):
    q = forms.CharField(validators=[validate_text], label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=QuickSelect)
    source = forms.ChoiceField(label=_("Source"), required=False, widget=QuickSelect)
    region = forms.ChoiceField(label=_("Region"), required=False, widget=QuickSelect)
    warning = forms.ChoiceField(
        label=_("Warning"),
        required=False,
        choices=[("", _("Any")), ("yellow", _("Due soon")), ("red", _("Overdue"))],
        widget=QuickSelect,
    )
    date_from = forms.DateField(label=_("Reported from"), required=False, widget=DayInput())
    date_to = forms.DateField(label=_("Reported until"), required=False, widget=DayInput())

    def __init__(self, *args, regions=(), **kwargs):  # regions: [(code, indented name), …]
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["status"].choices = any_ + list(Status.choices)
        self.fields["category"].choices = any_ + filter_categories()
        self.fields["source"].choices = any_ + list(Source.choices)
        self.fields["region"].choices = any_ + list(regions)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault(
                "class", f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"
            )

    def filters(self, box: str) -> selectors.CaseFilters:
        # A field that does not parse is shown with its error and ignored; the others still filter.
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data

        def start_of(day, plus=0):
            if not day:
                return None
            return timezone.make_aware(datetime.combine(day + timedelta(days=plus), time.min))

        return selectors.CaseFilters(
            box=box,
            q=data.get("q", ""),
            status=data.get("status", ""),
            category=data.get("category", ""),
            source=data.get("source", ""),
            region=data.get("region", ""),
            warning=data.get("warning", ""),
            date_from=start_of(data.get("date_from")),
            date_to=start_of(data.get("date_to"), plus=1),
        )

    @property
    def active(self) -> bool:
        if not self.is_bound or not self.is_valid():
            return False
        return any(value for name, value in self.cleaned_data.items() if name != "q")


# --- workflow actions ----------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """The opinion and the case version every action carries; subclasses add their own fields."""

    action = ""
    version = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.CharField(
        validators=[validate_multiline_text],
        label=_("Opinion"),
        required=False,
        max_length=services.MAX_OPINION,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, case, user, action, **kwargs):
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.case, self.user, self.action = case, user, action
        self.fields["version"].initial = case.version
        rule = rule_for(case.status, action)
        if rule is not None and rule.needs_opinion:
            self.fields["opinion"].required = True
            self.fields["opinion"].widget.attrs["required"] = True
        self.setup()

    def setup(self) -> None:
        pass

    def params(self) -> dict:
        return {}


class AcceptForm(ActionForm):
    """Accept, under the reported category or a corrected one (the correction teaches the suggester)."""

    category = forms.ChoiceField(
        label=_("Category"),
        required=False,  # left out: the reported one
        help_text=_("Change it when the report chose the wrong one."),
    )

    def setup(self):
        self.fields["category"].choices = [(label, subs) for _code, label, subs in grouped_categories()]
        self.fields["category"].initial = self.case.category.code
        self.fields["category"].widget.attrs["class"] = "form-select"

    def params(self):
        return {"category": self.cleaned_data.get("category") or ""}


class DispatchForm(ActionForm):
    target = forms.ChoiceField(
        label=_("Dispatch to"),
        choices=[("department", _("a department")), ("grid", _("a grid"))],
        initial="department",
        widget=forms.RadioSelect,
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    region = forms.ChoiceField(label=_("Grid"), required=False)

    def setup(self):
        departments = Department.objects.filter(is_active=True).order_by("code")
        default = services.default_department(self.case)
        self.fields["department"].choices = [
            (d.code, _("%(name)s (default for this category)") % {"name": d.name} if d == default else d.name)
            for d in departments
        ]
        self.fields["department"].initial = default.code if default else None
        grids = Region.objects.filter(
            path__startswith=self.case.handling_path, level__in=GRID_LEVELS, is_active=True
        ).order_by("code")
        self.fields["region"].choices = [("", "—")] + [(g.code, g.name) for g in grids]
        self.fields["region"].initial = self.case.grid.code if self.case.grid_id else ""
        for name in ("department", "region"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if data.get("target") == "grid" and not data.get("region"):
            self.add_error("region", _("Choose the grid."))
        return data

    def params(self):
        data = self.cleaned_data
        if data["target"] == "grid":
            return {"region": data["region"]}
        return {"department": data.get("department") or ""}


class ExtensionForm(ActionForm):
    extension = forms.ChoiceField(label=_("More time"), choices=EXTENSIONS, initial="2d")

    def setup(self):
        self.fields["extension"].widget.attrs["class"] = "form-select"

    def params(self):
        return {"extension": self.cleaned_data["extension"]}


class RateForm(ActionForm):
    speed = forms.ChoiceField(label=_("Speed"), choices=SCORES, widget=forms.RadioSelect)
    result = forms.ChoiceField(label=_("Result"), choices=SCORES, widget=forms.RadioSelect)
    comment = forms.CharField(
        validators=[validate_multiline_text],
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def setup(self):
        del self.fields["opinion"]

    def params(self):
        data = self.cleaned_data
        return {"speed": data["speed"], "result": data["result"], "comment": data.get("comment", "")}


class SuperviseForm(ActionForm):
    supervision = forms.ChoiceField(
        label=_("Level"),
        choices=[
            (Supervision.NORMAL.value, Supervision.NORMAL.label),
            (Supervision.YELLOW.value, Supervision.YELLOW.label),
            (Supervision.RED.value, Supervision.RED.label),
        ],
    )

    def setup(self):
        self.fields["supervision"].widget.attrs["class"] = "form-select"

    def params(self):
        return {"supervision": self.cleaned_data["supervision"]}


class MergeForm(ActionForm):
    duplicate_of = forms.CharField(
        validators=[validate_text],
        label=_("Number of the original case"),
        max_length=24,
        widget=forms.TextInput(attrs={"class": "form-control font-monospace", "autocomplete": "off"}),
    )

    def params(self):
        return {"duplicate_of": self.cleaned_data["duplicate_of"].strip()}


class EvidenceForm(ActionForm):
    """Feedback and solving on the spot: photos before and after, documents."""

    photo_before = PhotoField(label=PhotoKind.BEFORE.label)
    photo_after = PhotoField(label=PhotoKind.AFTER.label)
    document = PhotoField(label=_("Documents (photographed)"))

    def setup(self):
        if self.action == "solve_on_spot":
            required = {PhotoKind.BEFORE, PhotoKind.AFTER}
            del self.fields["document"]
        else:
            required = set(self.case.category.evidence)
        for name in ("photo_before", "photo_after", "document"):
            if name in self.fields and name in required:
                self.fields[name].required = True

    def params(self):
        return {name: self.cleaned_data.get(name) or [] for name in ("photo_before", "photo_after", "document")}


ACTION_FORMS = {
    "accept": AcceptForm,
    "dispatch": DispatchForm,
    "request_extension": ExtensionForm,
    "rate": RateForm,
    "supervise": SuperviseForm,
    "merge": MergeForm,
    "feedback": EvidenceForm,
    "solve_on_spot": EvidenceForm,
}


def action_form(action: str, case, user, data=None, files=None) -> ActionForm:
    cls = ACTION_FORMS.get(action, ActionForm)
    return cls(data, files, case=case, user=user, action=action)
