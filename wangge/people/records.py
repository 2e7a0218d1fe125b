"""One definition per ledger record: its fields, their titles, types and conversions, which of them are
personal numbers, and which columns its Excel ledger has.

A field of a person used to be spelled out in the form, three schemas, the services, the API, the importer
and the Excel template, with its conversion written twice. Now:

- ``Field.parse(value)`` turns what a form, an API body or a spreadsheet cell holds into the stored value
  (text checked by the shared guard ``wangge.core.text``; choices by code, by their label in either
  language or by the words community ledgers use; numbers, decimals, dates in the common spellings,
  yes/no), or raises ``ValidationError({name: message})``. Services and the importer both call it.
- ``Field.form_field()`` is the Django form field of the pages (``forms``).
- ``LEDGERS[kind]`` are the columns of the Excel ledgers (``excel``: template, reading, import report):
  the same fields, with the column titles the reader's language and the spellings of older ledgers find.
- ``pii`` names a personal number: stored encrypted, indexed and masked, typed in a box that never shows
  it again, shown masked in previews and exports.

Rules that need other rows (uniqueness, places, the ID number's check digit and the birth date it holds)
stay in ``services`` and ``importing``; what they share is in ``rules``.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import ninja
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from wangge.core.text import check_text, validate_text
from wangge.core.widgets import DayInput
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

TEXT, NUMBER, CHOICE, INTEGER, DECIMAL, DATE, BOOLEAN, COORDINATE = (
    "text", "number", "choice", "integer", "decimal", "date", "boolean", "coordinate",
)  # fmt: skip
YES = {"1", "true", "yes", "y", "on", "是", "重点"}
DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")
MISSING = object()


# Short words community ledgers use for choices, beside the labels in either language.
ALIASES: dict[type, dict[str, str]] = {
    Gender: {"男": "male", "女": "female"},
    IdType: {"身份证": "resident_id", "居民身份证": "resident_id", "护照": "passport", "港澳通行证": "hk_macao", "台胞证": "taiwan"},
    PopulationType: {"户籍": "registered", "户籍人口": "registered", "流动": "floating", "流动人口": "floating", "境外": "overseas", "境外人员": "overseas", "人户分离": "separated"},
    Relation: {
        "户主": "head", "本人": "head", "配偶": "spouse", "妻": "spouse", "夫": "spouse", "妻子": "spouse", "丈夫": "spouse",
        "子": "son", "儿子": "son", "长子": "son", "次子": "son", "女": "daughter", "女儿": "daughter", "长女": "daughter", "次女": "daughter",
        "父亲": "parent", "母亲": "parent", "父母": "parent", "岳父": "parent_in_law", "岳母": "parent_in_law", "公公": "parent_in_law", "婆婆": "parent_in_law",
        "祖父": "grandparent", "祖母": "grandparent", "外祖父": "grandparent", "外祖母": "grandparent",
        "孙子": "grandchild", "孙女": "grandchild", "外孙": "grandchild", "外孙女": "grandchild",
        "兄": "sibling", "弟": "sibling", "姐": "sibling", "妹": "sibling", "兄弟姐妹": "sibling",
        "儿媳": "child_in_law", "女婿": "child_in_law", "租户": "tenant", "租客": "tenant", "其他": "other",
    },
    PoliticalStatus: {"群众": "masses", "中共党员": "party_member", "党员": "party_member", "预备党员": "probationary", "共青团员": "league_member", "团员": "league_member", "民主党派": "democratic_party"},
    MaritalStatus: {"未婚": "unmarried", "已婚": "married", "离异": "divorced", "离婚": "divorced", "丧偶": "widowed"},
    Education: {"无": "none", "文盲": "none", "小学": "primary", "初中": "junior", "高中": "senior", "中专": "senior", "职高": "senior", "大专": "college", "本科": "bachelor", "大学": "bachelor", "研究生": "postgraduate", "硕士": "postgraduate", "博士": "postgraduate"},
    HouseUse: {"自住": "self_occupied", "出租": "rented", "空置": "vacant", "闲置": "vacant", "商用": "commercial", "经营": "commercial", "其他": "other"},
    OrganisationKind: {"企业": "enterprise", "个体工商户": "shop", "商铺": "shop", "门店": "shop", "社会组织": "social", "物业": "property", "物业公司": "property", "事业单位": "public", "机关事业单位": "public", "志愿队": "volunteer", "志愿服务队": "volunteer", "其他": "other"},
    FacilityKind: {"井盖": "manhole", "窨井盖": "manhole", "路灯": "street_lamp", "消防栓": "hydrant", "消火栓": "hydrant", "摄像头": "camera", "监控": "camera", "垃圾桶": "trash_bin", "垃圾箱": "trash_bin", "公交站": "bus_stop", "公交站台": "bus_stop", "路牌": "sign", "指示牌": "sign", "座椅": "bench", "健身器材": "fitness", "充电桩": "charger", "其他": "other"},
    FacilityStatus: {"完好": "normal", "正常": "normal", "破损": "damaged", "损坏": "damaged", "丢失": "missing", "缺失": "missing", "拆除": "removed", "已拆除": "removed"},
}  # fmt: skip

# Titles community ledgers use for the columns, beside the template"s titles in either language.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名称", "单位名称", "组织名称"),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号", "身份证号码", "公民身份号码", "身份证"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月"),
    "ethnicity": ("民族",),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
    "population_type": ("人口类型", "人员类型"),
    "registered_address": ("户籍地址", "户籍地", "户籍所在地"),
    "compound": ("小区", "小区名称"),
    "building": ("楼栋", "楼号", "幢号", "楼幢"),
    "unit": ("单元",),
    "room": ("房号", "室号", "门牌号", "房间号"),
    "household_number": ("户号",),
    "relation": ("与户主关系", "关系"),
    "political_status": ("政治面貌",),
    "marital_status": ("婚姻状况",),
    "education": ("文化程度", "学历"),
    "employer": ("工作单位", "工作单位或学校", "服务处所"),
    "note": ("备注",),
    "floor": ("楼层", "所在层"),
    "area": ("面积", "建筑面积"),
    "use": ("用途", "房屋用途", "使用情况"),
    "owner_name": ("房主", "产权人", "房主姓名"),
    "owner_phone": ("房主电话", "产权人电话"),
    "hazards": ("隐患", "安全隐患"),
    "lon": ("经度",),
    "lat": ("纬度",),
    "kind": ("类型", "类别", "组织类型", "部件类型"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "legal_person": ("法定代表人", "法人", "负责人"),
    "employees": ("从业人数", "员工人数"),
    "address": ("地址", "经营地址", "详细地址"),
    "business_scope": ("经营范围", "主营业务"),
    "is_key": ("重点单位", "是否重点单位"),
    "code": ("部件编码", "编码", "部件编号"),
    "status": ("状态", "部件状态"),
    "owner": ("权属单位", "养护单位", "管理单位"),
    "installed_on": ("安装日期", "设置日期"),
}


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    """A cell's or a field's value as text: 12.0 (Excel's number) as "12", dates as 2024-05-01."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def squash(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", str(text)).lower()


def choice_lookup(choices: type) -> dict[str, str]:
    """Every spelling of a choice a ledger may use → its code (codes, labels in both languages, aliases)."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[squash(str(label))] = value
    for alias, value in ALIASES.get(choices, {}).items():
        lookup[squash(alias)] = value
    return lookup


_LOOKUPS: dict[type, dict[str, str]] = {}


class NumberInput(forms.TextInput):
    """A text box for a personal number: never filled in by the server."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


@dataclass(frozen=True)
class Field:
    """One field of a record: how it is titled, typed, converted, and shown in the Excel ledger."""

    name: str
    title: str  # lazy: the form label and the ledger's column title in the reader's language
    datatype: str = TEXT
    max_length: int = 0
    choices: type | None = None  # a TextChoices class
    default: object = ""  # what an empty value becomes
    required: bool = False  # in the Excel ledger and the forms
    minimum: float | None = None
    maximum: float | None = None
    pii: str = ""  # "id_number" or "phone": encrypted, indexed, masked; never shown again once typed
    aliases: tuple[str, ...] = ()  # column titles older ledgers use
    width: int = 14
    hint: str = ""

    @property
    def key(self) -> str:  # the ledger column's key
        return self.name

    @property
    def text(self) -> bool:
        """Kept as text in Excel: numbers that are not quantities (IDs, phones, rooms, codes)."""
        return self.datatype == NUMBER or self.name in TEXT_COLUMNS

    def parse(self, value, *, default=MISSING, maximum=None):
        """The stored value for ``value``; ``ValidationError({name: message})`` when it is not one."""
        default = self.default if default is MISSING else default
        if is_empty(value) and self.datatype != BOOLEAN:
            return default
        try:
            return getattr(self, f"_{self.datatype}")(value, maximum if maximum is not None else self.maximum)
        except ValueError as exc:
            raise ValidationError({self.name: str(exc)}) from None

    def _text(self, value, _maximum):
        text = as_text(value)
        check_text(text, field=self.name)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(_("Longer than %(n)d characters.") % {"n": self.max_length})
        return text

    def _number(self, value, maximum):
        if isinstance(value, float) and (not value.is_integer() or value >= 1e15):
            raise ValueError(
                _("Excel stored this number as a number and lost digits: format the column as text and type it again.")
            )
        return self._text(value, maximum)

    def _choice(self, value, _maximum):
        text = as_text(value)
        lookup = _LOOKUPS.get(self.choices) or _LOOKUPS.setdefault(self.choices, choice_lookup(self.choices))
        code = lookup.get(value) if value in lookup else lookup.get(squash(text))
        if code is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text[:20], "choices": "、".join(str(label) for _v, label in self.choices.choices)}
            )
        return code

    def _integer(self, value, maximum):
        try:
            number = value if isinstance(value, int | float) else float(str(value).strip())
            if isinstance(value, bool) or not float(number).is_integer():
                raise ValueError
            number = int(number)
        except (ValueError, OverflowError):
            raise ValueError(_("Must be a whole number.")) from None
        self._in_range(number, maximum)
        return number

    def _decimal(self, value, _maximum):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("Must be a number.")) from None
        if not number.is_finite() or number < 0 or number >= Decimal("1000000"):
            raise ValueError(_("Must be a number between 0 and 999999."))
        return number.quantize(Decimal("0.01"))

    def _date(self, value, _maximum):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        match = DATE_RE.fullmatch(str(value).strip())
        if match:
            parts = [p for p in match.groups() if p is not None]
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
        raise ValueError(_("Enter a date like 1980-05-01."))

    def _boolean(self, value, _maximum):
        if is_empty(value):
            return bool(self.default)
        if isinstance(value, bool):
            return value
        return as_text(value).lower() in YES

    def _coordinate(self, value, maximum):
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ValueError(_("Must be a number.")) from None
        if number != number or not -maximum <= number <= maximum:
            raise ValueError(_("Must be between -%(limit)s and %(limit)s.") % {"limit": int(maximum)})
        return number

    def _in_range(self, number, maximum) -> None:
        if self.minimum is not None and number < self.minimum:
            raise ValueError(_("Must be at least %(limit)s.") % {"limit": self.minimum})
        if maximum is not None and number > maximum:
            raise ValueError(_("Must be at most %(limit)s.") % {"limit": maximum})

    def schema(self, default=..., **extra):
        """The field of an API body (``schemas``): its length or range, checked before the service runs."""
        limits: dict = {}
        if self.max_length:
            limits["max_length"] = self.max_length
        elif self.datatype == CHOICE:
            limits["max_length"] = 40
        if self.datatype in (INTEGER, COORDINATE) and self.minimum is not None:
            limits.update(ge=self.minimum, le=self.maximum)
        if self.datatype == DECIMAL:
            limits.update(ge=0, le=999_999)
        if self.datatype in (DECIMAL, COORDINATE):
            limits["allow_inf_nan"] = False
        return ninja.Field(default, **limits, **extra)

    def form_field(self, **overrides) -> forms.Field:
        """The field of the ledger's page forms (the services convert and check again)."""
        options = {"label": self.title, "required": self.required, **overrides}
        if self.datatype in (TEXT, NUMBER):
            widget = NumberInput() if self.pii else None
            return forms.CharField(
                max_length=self.max_length or None, validators=[validate_text], widget=widget, **options
            )
        if self.datatype == CHOICE:
            choices = self.choices.choices if options["required"] else [("", "—"), *self.choices.choices]
            return forms.ChoiceField(choices=choices, **options)
        if self.datatype == INTEGER:
            return forms.IntegerField(min_value=self.minimum, max_value=self.maximum, **options)
        if self.datatype == DECIMAL:
            return forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, **options)
        if self.datatype == DATE:
            return forms.DateField(widget=DayInput(), **options)
        if self.datatype == BOOLEAN:
            return forms.BooleanField(**{**options, "required": False})
        return forms.FloatField(**options)


@dataclass(frozen=True)
class Record:
    """A kind of ledger row and its fields, by name."""

    kind: str
    fields: tuple[Field, ...]

    def __getitem__(self, name: str) -> Field:
        return self._by_name()[name]

    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def parse(self, data: dict, name: str, **options):
        """``data[name]`` converted by its field (absent is empty)."""
        return self[name].parse(data.get(name), **options)

    @property
    def pii(self) -> dict[str, str]:
        return {f.name: f.pii for f in self.fields if f.pii}


def _f(name, title, datatype=TEXT, max_length=0, **options) -> Field:
    return Field(name, title, datatype, max_length, aliases=HEADER_ALIASES.get(name, ()), **options)


FROM_ID = gettext_lazy("Taken from a resident ID number")
ONLY_NEW_BUILDING = gettext_lazy("Only to create a building not yet in the ledger")
LON = _f("lon", gettext_lazy("Longitude"), COORDINATE, minimum=-180, maximum=180, default=None, width=12)
LAT = _f("lat", gettext_lazy("Latitude"), COORDINATE, minimum=-90, maximum=90, default=None, width=12)
NAME = _f("name", gettext_lazy("Name"), TEXT, 100)
ADDRESS = _f("address", gettext_lazy("Address"), TEXT, 200, width=24)
NOTE = _f("note", gettext_lazy("Note"), TEXT, 200, width=20)

# Where a row of a ledger lives: by names, resolved by the importer.
PLACE = {
    "compound": _f("compound", gettext_lazy("Compound"), TEXT, 100, width=16),
    "building": _f("building", gettext_lazy("Building"), TEXT, 60, width=10),
    "unit": _f("unit", gettext_lazy("Unit"), INTEGER, default=1, minimum=1, maximum=30, width=6,
               hint=gettext_lazy("1 when the building has one unit")),
    "floor": _f("floor", gettext_lazy("Floor"), INTEGER, default=None, minimum=-5, maximum=120, width=6),
    "room": _f("room", gettext_lazy("Room"), TEXT, 12, width=8, hint=gettext_lazy("e.g. 501")),
    "household_number": _f("household_number", gettext_lazy("Household number"), TEXT, 30, width=12),
}  # fmt: skip
TEXT_COLUMNS = {"room", "household_number", "credit_code", "code"}

PERSON = Record("person", (
    _f("name", pgettext_lazy("person", "Name"), TEXT, 60, required=True, width=10),
    _f("id_type", gettext_lazy("Document type"), CHOICE, choices=IdType, default=IdType.RESIDENT_ID, width=12,
       hint=gettext_lazy("Resident ID card when empty")),
    _f("id_number", gettext_lazy("ID number"), NUMBER, 40, pii="id_number", width=22),
    _f("gender", gettext_lazy("Gender"), CHOICE, choices=Gender, width=6, hint=FROM_ID),
    _f("birth_date", gettext_lazy("Birth date"), DATE, default=None, width=12, hint=FROM_ID),
    _f("ethnicity", gettext_lazy("Ethnicity"), TEXT, 20, width=8),
    _f("phone", gettext_lazy("Phone"), NUMBER, 40, pii="phone", width=14),
    _f("population_type", gettext_lazy("Population type"), CHOICE, choices=PopulationType,
       default=PopulationType.REGISTERED, width=12),
    _f("registered_address", gettext_lazy("Household registration address"), TEXT, 200, width=24),
    _f("relation", gettext_lazy("Relation to the head"), CHOICE, choices=Relation, width=10),
    _f("political_status", gettext_lazy("Political status"), CHOICE, choices=PoliticalStatus,
       default=PoliticalStatus.MASSES, width=10),
    _f("marital_status", gettext_lazy("Marital status"), CHOICE, choices=MaritalStatus, width=8),
    _f("education", gettext_lazy("Education"), CHOICE, choices=Education, width=10),
    _f("employer", gettext_lazy("Employer or school"), TEXT, 100, width=20),
    _f("status", gettext_lazy("Status"), CHOICE, choices=PersonStatus, default=PersonStatus.LIVING_HERE),
    NOTE,
))  # fmt: skip

HOUSEHOLD = Record("household", (
    _f("number", gettext_lazy("Household number"), TEXT, 30),
    _f("kind", gettext_lazy("Kind"), CHOICE, choices=HouseholdKind, default=HouseholdKind.FAMILY),
    NOTE,
))  # fmt: skip

HOUSE = Record("house", (
    PLACE["unit"],
    PLACE["floor"],
    _f("position", gettext_lazy("Position on the floor"), INTEGER, default=1, minimum=1, maximum=40),
    PLACE["room"],
    _f("area", gettext_lazy("Area (m²)"), DECIMAL, default=None, width=8),
    _f("use", pgettext_lazy("house", "Use"), CHOICE, choices=HouseUse, default=HouseUse.SELF_OCCUPIED, width=10),
    _f("owner_name", gettext_lazy("Owner"), TEXT, 60, width=10),
    _f("owner_phone", gettext_lazy("Owner's phone"), NUMBER, 40, pii="phone", width=14),
    _f("hazards", gettext_lazy("Hazards"), TEXT, 200, width=20),
    replace(LON, hint=ONLY_NEW_BUILDING),
    replace(LAT, hint=ONLY_NEW_BUILDING),
))  # fmt: skip

BUILDING = Record("building", (
    _f("name", gettext_lazy("Name"), TEXT, 60, required=True, hint=gettext_lazy("e.g. 3幢 or 5组12号")),
    ADDRESS,
    _f("use", pgettext_lazy("house", "Use"), CHOICE, choices=BuildingUse, default=BuildingUse.RESIDENTIAL),
    _f("floors", gettext_lazy("Floors"), INTEGER, default=6, minimum=1, maximum=120),
    _f("units", gettext_lazy("Units"), INTEGER, default=1, minimum=1, maximum=30),
    _f("rooms_per_floor", gettext_lazy("Rooms per floor per unit"), INTEGER, default=2, minimum=1, maximum=40),
    _f("built_year", gettext_lazy("Year built"), INTEGER, default=None, minimum=1800, maximum=2100),
    LON,
    LAT,
))  # fmt: skip

COMPOUND = Record("compound", (replace(NAME, required=True), ADDRESS, LON, LAT))

ORGANISATION = Record("organisation", (
    _f("name", gettext_lazy("Name"), TEXT, 120, required=True, width=24),
    _f("kind", gettext_lazy("Kind"), CHOICE, choices=OrganisationKind, default=None, required=True, width=12),
    _f("credit_code", gettext_lazy("Unified social credit code"), TEXT, 30, width=22),
    _f("legal_person", gettext_lazy("Legal representative"), TEXT, 60, width=10),
    _f("phone", gettext_lazy("Contact phone"), NUMBER, 40, pii="phone", width=14),
    _f("employees", gettext_lazy("Employees"), INTEGER, default=None, minimum=0, maximum=1_000_000, width=8),
    ADDRESS,
    _f("business_scope", gettext_lazy("Business"), TEXT, 200, width=20),
    _f("is_key", gettext_lazy("Key unit"), BOOLEAN, default=False, width=8, hint=gettext_lazy("是 or 否")),
    _f("is_active", gettext_lazy("Operating"), BOOLEAN, default=True),
    LON,
    LAT,
))  # fmt: skip

FACILITY = Record("facility", (
    _f("code", gettext_lazy("Facility code"), TEXT, 40, required=True, width=18),
    _f("kind", gettext_lazy("Kind"), CHOICE, choices=FacilityKind, default=None, required=True, width=12),
    _f("name", gettext_lazy("Name"), TEXT, 100, width=16),
    _f("status", gettext_lazy("Status"), CHOICE, choices=FacilityStatus, default=FacilityStatus.NORMAL, width=8),
    _f("owner", gettext_lazy("Owner or maintainer"), TEXT, 100, width=16),
    ADDRESS,
    _f("installed_on", gettext_lazy("Installed on"), DATE, default=None, width=12),
    replace(LON, required=True),
    replace(LAT, required=True),
))  # fmt: skip

SINCE = _f("since", gettext_lazy("Since"), DATE, default=None)  # of a person's label

RECORDS = {r.kind: r for r in (PERSON, HOUSEHOLD, HOUSE, BUILDING, COMPOUND, ORGANISATION, FACILITY)}


def _columns(record: Record, *names: str, required: tuple[str, ...] = (), **hints) -> tuple[Field, ...]:
    """A ledger's columns: the record's fields or the place fields, in order; ``required`` in the sheet."""
    columns = []
    for name in names:
        field = record._by_name().get(name) or PLACE[name]
        if name in required:
            field = replace(field, required=True)
        if name in hints:
            field = replace(field, hint=hints[name])
        columns.append(field)
    return tuple(columns)


# The Excel ledgers' columns, in the template's order (``excel``, ``importing``).
LEDGERS: dict[str, tuple[Field, ...]] = {
    "persons": _columns(
        PERSON, "name", "id_type", "id_number", "gender", "birth_date", "ethnicity", "phone", "population_type",
        "registered_address", "compound", "building", "unit", "room", "household_number", "relation",
        "political_status", "marital_status", "education", "employer", "note",
        required=("id_number", "room"),  # a building too, checked per row (older ledgers lack the column)
    ),
    "houses": _columns(
        HOUSE, "compound", "building", "unit", "floor", "room", "area", "use", "owner_name", "owner_phone",
        "hazards", "lon", "lat", required=("building", "floor", "room", "use"),
    ),
    "organisations": _columns(
        ORGANISATION, "name", "kind", "credit_code", "legal_person", "phone", "employees", "address",
        "business_scope", "is_key", "lon", "lat", "compound", "building",
        compound=gettext_lazy("Or place it by its building"),
    ),
    "facilities": _columns(
        FACILITY, "code", "kind", "name", "status", "owner", "address", "installed_on", "lon", "lat",
    ),
}  # fmt: skip
