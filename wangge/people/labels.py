"""Person labels (人员标签) and the fields each kind carries, declared as data.

Most labels are sensitive personal information (PIPL Art. 28): they live in their own table
(``PersonLabel``), are read only with the ``people.labels`` capability, and their fields are checked
here against the declared kind, so a new kind is one entry below and no migration.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from wangge.core.text import message as text_message
from wangge.core.text import problem as text_problem


class LabelKind(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", gettext_lazy("Elderly living alone")
    DISABILITY = "disability", gettext_lazy("Disability")
    SUBSISTENCE = "subsistence", gettext_lazy("Subsistence allowance (dibao/wubao)")
    VETERAN = "veteran", gettext_lazy("Veteran")
    LEFT_BEHIND_CHILD = "left_behind_child", gettext_lazy("Left-behind child")
    UNEMPLOYED = "unemployed", gettext_lazy("Unemployed")
    COMMUNITY_CORRECTION = "community_correction", gettext_lazy("Community correction")
    RELEASED_PRISONER = "released_prisoner", gettext_lazy("Released prisoner")
    SEVERE_MENTAL_DISORDER = "severe_mental_disorder", gettext_lazy("Severe mental disorder")
    KEY_PETITIONER = "key_petitioner", gettext_lazy("Key petitioner")
    KEY_YOUTH = "key_youth", gettext_lazy("Key youth")


# A short mark for the building view's cells, and a colour for the legend.
LABEL_MARKS = {
    LabelKind.ELDERLY_ALONE: (pgettext_lazy("label mark", "Eld"), "#d63384"),
    LabelKind.DISABILITY: (pgettext_lazy("label mark", "Dis"), "#6f42c1"),
    LabelKind.SUBSISTENCE: (pgettext_lazy("label mark", "Sub"), "#fd7e14"),
    LabelKind.VETERAN: (pgettext_lazy("label mark", "Vet"), "#198754"),
    LabelKind.LEFT_BEHIND_CHILD: (pgettext_lazy("label mark", "Chi"), "#0dcaf0"),
    LabelKind.UNEMPLOYED: (pgettext_lazy("label mark", "Une"), "#6c757d"),
    LabelKind.COMMUNITY_CORRECTION: (pgettext_lazy("label mark", "Cor"), "#dc3545"),
    LabelKind.RELEASED_PRISONER: (pgettext_lazy("label mark", "Rel"), "#842029"),
    LabelKind.SEVERE_MENTAL_DISORDER: (pgettext_lazy("label mark", "Men"), "#b02a37"),
    LabelKind.KEY_PETITIONER: (pgettext_lazy("label mark", "Pet"), "#664d03"),
    LabelKind.KEY_YOUTH: (pgettext_lazy("label mark", "You"), "#0a58ca"),
}


@dataclass(frozen=True)
class LabelField:
    name: str
    label: str
    kind: str  # text | int | bool | date | choice | decimal
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 100


@dataclass(frozen=True)
class LabelSpec:
    kind: str
    fields: tuple[LabelField, ...] = field(default_factory=tuple)


CARE_FREQUENCY = (
    ("daily", gettext_lazy("Daily")),
    ("weekly", gettext_lazy("Weekly")),
    ("monthly", gettext_lazy("Monthly")),
)
DISABILITY_CATEGORY = (
    ("visual", gettext_lazy("Visual")),
    ("hearing", gettext_lazy("Hearing")),
    ("speech", gettext_lazy("Speech")),
    ("physical", gettext_lazy("Physical")),
    ("intellectual", gettext_lazy("Intellectual")),
    ("mental", gettext_lazy("Mental")),
    ("multiple", gettext_lazy("Multiple")),
)
SUBSISTENCE_SCHEME = (
    ("dibao", gettext_lazy("Minimum living allowance (低保)")),
    ("wubao", gettext_lazy("Five guarantees (五保)")),
    ("tekun", gettext_lazy("Extreme poverty support (特困)")),
)
CORRECTION_TYPE = (
    ("control", gettext_lazy("Public surveillance")),
    ("probation", gettext_lazy("Probation")),
    ("parole", gettext_lazy("Parole")),
    ("temporary", gettext_lazy("Temporary service outside prison")),
)
YOUTH_CATEGORY = (
    ("dropout", gettext_lazy("Left school early")),
    ("idle", gettext_lazy("Idle without work or school")),
    ("runaway", gettext_lazy("Runs away from home")),
    ("other", gettext_lazy("Other")),
)

SPECS: dict[str, LabelSpec] = {
    LabelKind.ELDERLY_ALONE: LabelSpec(
        LabelKind.ELDERLY_ALONE,
        (
            LabelField("care_frequency", gettext_lazy("Visit frequency"), "choice", choices=CARE_FREQUENCY),
            LabelField("smoke_detector", gettext_lazy("Smart smoke detector installed"), "bool"),
            LabelField("emergency_contact", gettext_lazy("Emergency contact (name)"), "text", max_length=40),
        ),
    ),
    LabelKind.DISABILITY: LabelSpec(
        LabelKind.DISABILITY,
        (
            LabelField("category", gettext_lazy("Category"), "choice", required=True, choices=DISABILITY_CATEGORY),
            LabelField("level", gettext_lazy("Level (1 most severe – 4)"), "int", required=True, minimum=1, maximum=4),
        ),
    ),
    LabelKind.SUBSISTENCE: LabelSpec(
        LabelKind.SUBSISTENCE,
        (
            LabelField("scheme", gettext_lazy("Scheme"), "choice", required=True, choices=SUBSISTENCE_SCHEME),
            LabelField("monthly_amount", gettext_lazy("Monthly amount (yuan)"), "decimal", minimum=0, maximum=100000),
        ),
    ),
    LabelKind.VETERAN: LabelSpec(
        LabelKind.VETERAN,
        (
            LabelField("discharged_year", gettext_lazy("Year of discharge"), "int", minimum=1940, maximum=2100),
            LabelField("disabled_in_service", gettext_lazy("Disabled in service"), "bool"),
        ),
    ),
    LabelKind.LEFT_BEHIND_CHILD: LabelSpec(
        LabelKind.LEFT_BEHIND_CHILD,
        (
            LabelField("guardian_name", gettext_lazy("Guardian (name)"), "text", max_length=40),
            LabelField("parents_work_place", gettext_lazy("Where the parents work"), "text", max_length=100),
        ),
    ),
    LabelKind.UNEMPLOYED: LabelSpec(
        LabelKind.UNEMPLOYED,
        (LabelField("registered", gettext_lazy("Registered as unemployed"), "bool"),),
    ),
    LabelKind.COMMUNITY_CORRECTION: LabelSpec(
        LabelKind.COMMUNITY_CORRECTION,
        (
            LabelField("correction_type", gettext_lazy("Type"), "choice", required=True, choices=CORRECTION_TYPE),
            LabelField("period_end", gettext_lazy("Period ends"), "date"),
        ),
    ),
    LabelKind.RELEASED_PRISONER: LabelSpec(
        LabelKind.RELEASED_PRISONER,
        (
            LabelField("released_on", gettext_lazy("Released on"), "date"),
            LabelField("resettled", gettext_lazy("Resettled"), "bool"),
        ),
    ),
    LabelKind.SEVERE_MENTAL_DISORDER: LabelSpec(
        LabelKind.SEVERE_MENTAL_DISORDER,
        (
            LabelField("risk_level", gettext_lazy("Risk level (0–5)"), "int", required=True, minimum=0, maximum=5),
            LabelField("guardian_name", gettext_lazy("Guardian (name)"), "text", max_length=40),
        ),
    ),
    LabelKind.KEY_PETITIONER: LabelSpec(
        LabelKind.KEY_PETITIONER,
        (LabelField("topic", gettext_lazy("Subject of the petitions"), "text", max_length=200),),
    ),
    LabelKind.KEY_YOUTH: LabelSpec(
        LabelKind.KEY_YOUTH,
        (LabelField("category", gettext_lazy("Category"), "choice", required=True, choices=YOUTH_CATEGORY),),
    ),
}


def label_names() -> dict[str, str]:
    """Every name a ledger may use for a kind (code, label in either language, short names) → kind."""
    names: dict[str, str] = {}
    for kind in LabelKind:
        names[kind.value] = kind.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(kind.label)] = kind.value
        for short in CHINESE_SHORT_NAMES.get(kind, ()):
            names[short] = kind.value
    return names


# What community ledgers write in a labels column, beside the full names.
CHINESE_SHORT_NAMES = {
    LabelKind.ELDERLY_ALONE: ("独居老人", "空巢老人"),
    LabelKind.DISABILITY: ("残疾", "残疾人"),
    LabelKind.SUBSISTENCE: ("低保", "五保", "低保户", "特困"),
    LabelKind.VETERAN: ("退役军人",),
    LabelKind.LEFT_BEHIND_CHILD: ("留守儿童",),
    LabelKind.UNEMPLOYED: ("失业", "失业人员"),
    LabelKind.COMMUNITY_CORRECTION: ("社区矫正", "社区矫正人员"),
    LabelKind.RELEASED_PRISONER: ("刑满释放", "刑满释放人员"),
    LabelKind.SEVERE_MENTAL_DISORDER: ("严重精神障碍", "严重精神障碍患者"),
    LabelKind.KEY_PETITIONER: ("重点上访", "重点上访人员"),
    LabelKind.KEY_YOUTH: ("重点青少年",),
}


def clean_details(kind: str, raw: dict | None) -> dict:
    """The label's fields checked against its kind; errors keyed ``details.<field>``."""
    spec = SPECS.get(kind)
    if spec is None:
        raise ValidationError({"kind": _("Unknown label %(kind)s.") % {"kind": kind}})
    raw = dict(raw or {})
    known = {f.name for f in spec.fields}
    errors: dict[str, str] = {}
    for name in raw:
        if name not in known:
            errors[f"details.{name}"] = _("A %(label)s label has no field %(field)s.") % {
                "label": LabelKind(kind).label,
                "field": name,
            }
    cleaned: dict = {}
    for spec_field in spec.fields:
        value = raw.get(spec_field.name)
        if value is None or value == "":
            if spec_field.required:
                errors[f"details.{spec_field.name}"] = _("%(field)s is required.") % {"field": spec_field.label}
            continue
        try:
            cleaned[spec_field.name] = _clean_value(spec_field, value)
        except ValueError as exc:
            errors[f"details.{spec_field.name}"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(spec_field: LabelField, value):
    name = spec_field.label
    if spec_field.kind == "text":
        text = str(value).strip()
        if kind := text_problem(text):
            raise ValueError(text_message(kind))
        if len(text) > spec_field.max_length:
            raise ValueError(
                _("%(field)s is longer than %(n)d characters.") % {"field": name, "n": spec_field.max_length}
            )
        return text
    if spec_field.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "是", "on"):
            return True
        if text in ("false", "0", "no", "否", "off"):
            return False
        raise ValueError(_("%(field)s must be yes or no.") % {"field": name})
    if spec_field.kind == "choice":
        allowed = [c for c, _label in spec_field.choices]
        if str(value) not in allowed:
            raise ValueError(
                _("%(field)s must be one of: %(choices)s.")
                % {"field": name, "choices": ", ".join(str(label) for _c, label in spec_field.choices)}
            )
        return str(value)
    if spec_field.kind == "date":
        try:
            return (value if isinstance(value, date) else date.fromisoformat(str(value).strip())).isoformat()
        except ValueError:
            raise ValueError(_("%(field)s must be a date like 2026-03-01.") % {"field": name}) from None
    if spec_field.kind in ("int", "decimal"):
        try:
            number = int(str(value).strip()) if spec_field.kind == "int" else Decimal(str(value).strip())
        except (ValueError, InvalidOperation):
            raise ValueError(_("%(field)s must be a number.") % {"field": name}) from None
        if spec_field.kind == "decimal" and not number.is_finite():
            raise ValueError(_("%(field)s must be a number.") % {"field": name})
        if spec_field.minimum is not None and number < spec_field.minimum:
            raise ValueError(_("%(field)s must be at least %(n)s.") % {"field": name, "n": spec_field.minimum})
        if spec_field.maximum is not None and number > spec_field.maximum:
            raise ValueError(_("%(field)s must be at most %(n)s.") % {"field": name, "n": spec_field.maximum})
        return number if spec_field.kind == "int" else str(number)
    raise ValueError(_("This value is not valid."))


def describe(kind: str, details: dict) -> list[tuple[str, str]]:
    """(field label, shown value) pairs for display."""
    spec = SPECS.get(kind)
    if spec is None:
        return []
    shown = []
    for spec_field in spec.fields:
        if spec_field.name not in details:
            continue
        value = details[spec_field.name]
        if spec_field.kind == "choice":
            value = dict(spec_field.choices).get(value, value)
        elif spec_field.kind == "bool":
            value = _("yes") if value else _("no")
        shown.append((str(spec_field.label), str(value)))
    return shown
