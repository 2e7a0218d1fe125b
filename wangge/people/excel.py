"""Excel ledgers (台账) in and out, with openpyxl.

- ``template(kind)``: an empty ledger with the right column titles, text-formatted number columns,
  drop-down lists for choices and a sheet of instructions;
- ``read_ledger(kind, data)``: the rows of an uploaded workbook as raw cell values keyed by column,
  with every structural problem (not Excel, missing columns, merged cells, formulas, too many rows)
  pointing at its row and column. Read-only and streamed, so a huge file never fills the memory;
- ``export(...)``: a list with personal numbers masked and a watermark line naming the exporter.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from wangge.core import excel as safe_excel
from wangge.core import uploads
from wangge.people import conf
from wangge.people.models import (
    Education,
    FacilityKind,
    FacilityStatus,
    Gender,
    HouseUse,
    IdType,
    MaritalStatus,
    OrganisationKind,
    PoliticalStatus,
    PopulationType,
    Relation,
)

KINDS = ("persons", "houses", "organisations", "facilities")
KIND_LABELS = {
    "persons": gettext_lazy("Persons"),
    "houses": gettext_lazy("Houses"),
    "organisations": gettext_lazy("Organisations"),
    "facilities": gettext_lazy("Public facilities"),
}
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # lazy: the header in the reader's language
    required: bool = False
    choices: type | None = None  # a TextChoices class
    text: bool = False  # keep as text in Excel (numbers that are not quantities)
    width: int = 14
    hint: str = ""


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

# Titles community ledgers use for the columns, beside the template's titles in either language.
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

PLACE_COLUMNS = (
    Column("compound", gettext_lazy("Compound"), width=16),
    Column("building", gettext_lazy("Building"), width=10),
    Column("unit", gettext_lazy("Unit"), width=6, hint=gettext_lazy("1 when the building has one unit")),
)

LEDGERS: dict[str, tuple[Column, ...]] = {
    "persons": (
        Column("name", pgettext_lazy("person", "Name"), required=True, width=10),
        Column(
            "id_type",
            gettext_lazy("Document type"),
            choices=IdType,
            width=12,
            hint=gettext_lazy("Resident ID card when empty"),
        ),
        Column("id_number", gettext_lazy("ID number"), required=True, text=True, width=22),
        Column(
            "gender",
            gettext_lazy("Gender"),
            choices=Gender,
            width=6,
            hint=gettext_lazy("Taken from a resident ID number"),
        ),
        Column(
            "birth_date", gettext_lazy("Birth date"), width=12, hint=gettext_lazy("Taken from a resident ID number")
        ),
        Column("ethnicity", gettext_lazy("Ethnicity"), width=8),
        Column("phone", gettext_lazy("Phone"), text=True, width=14),
        Column("population_type", gettext_lazy("Population type"), choices=PopulationType, width=12),
        Column("registered_address", gettext_lazy("Household registration address"), width=24),
        *PLACE_COLUMNS,
        Column("room", gettext_lazy("Room"), required=True, text=True, width=8, hint=gettext_lazy("e.g. 501")),
        Column("household_number", gettext_lazy("Household number"), text=True, width=12),
        Column("relation", gettext_lazy("Relation to the head"), choices=Relation, width=10),
        Column("political_status", gettext_lazy("Political status"), choices=PoliticalStatus, width=10),
        Column("marital_status", gettext_lazy("Marital status"), choices=MaritalStatus, width=8),
        Column("education", gettext_lazy("Education"), choices=Education, width=10),
        Column("employer", gettext_lazy("Employer or school"), width=20),
        Column("note", gettext_lazy("Note"), width=20),
    ),
    "houses": (
        Column("compound", gettext_lazy("Compound"), width=16),
        Column("building", gettext_lazy("Building"), required=True, width=10),
        Column("unit", gettext_lazy("Unit"), width=6, hint=gettext_lazy("1 when the building has one unit")),
        Column("floor", gettext_lazy("Floor"), required=True, width=6),
        Column("room", gettext_lazy("Room"), required=True, text=True, width=8, hint=gettext_lazy("e.g. 501")),
        Column("area", gettext_lazy("Area (m²)"), width=8),
        Column("use", pgettext_lazy("house", "Use"), required=True, choices=HouseUse, width=10),
        Column("owner_name", gettext_lazy("Owner"), width=10),
        Column("owner_phone", gettext_lazy("Owner's phone"), text=True, width=14),
        Column("hazards", gettext_lazy("Hazards"), width=20),
        Column(
            "lon",
            gettext_lazy("Longitude"),
            width=12,
            hint=gettext_lazy("Only to create a building not yet in the ledger"),
        ),
        Column(
            "lat",
            gettext_lazy("Latitude"),
            width=12,
            hint=gettext_lazy("Only to create a building not yet in the ledger"),
        ),
    ),
    "organisations": (
        Column("name", gettext_lazy("Name"), required=True, width=24),
        Column("kind", gettext_lazy("Kind"), required=True, choices=OrganisationKind, width=12),
        Column("credit_code", gettext_lazy("Unified social credit code"), text=True, width=22),
        Column("legal_person", gettext_lazy("Legal representative"), width=10),
        Column("phone", gettext_lazy("Contact phone"), text=True, width=14),
        Column("employees", gettext_lazy("Employees"), width=8),
        Column("address", gettext_lazy("Address"), width=24),
        Column("business_scope", gettext_lazy("Business"), width=20),
        Column("is_key", gettext_lazy("Key unit"), width=8, hint=gettext_lazy("是 or 否")),
        Column("lon", gettext_lazy("Longitude"), width=12),
        Column("lat", gettext_lazy("Latitude"), width=12),
        Column("compound", gettext_lazy("Compound"), width=16, hint=gettext_lazy("Or place it by its building")),
        Column("building", gettext_lazy("Building"), width=10),
    ),
    "facilities": (
        Column("code", gettext_lazy("Facility code"), required=True, text=True, width=18),
        Column("kind", gettext_lazy("Kind"), required=True, choices=FacilityKind, width=12),
        Column("name", gettext_lazy("Name"), width=16),
        Column("status", gettext_lazy("Status"), choices=FacilityStatus, width=8),
        Column("owner", gettext_lazy("Owner or maintainer"), width=16),
        Column("address", gettext_lazy("Address"), width=24),
        Column("installed_on", gettext_lazy("Installed on"), width=12),
        Column("lon", gettext_lazy("Longitude"), required=True, width=12),
        Column("lat", gettext_lazy("Latitude"), required=True, width=12),
    ),
}


def choice_lookup(choices: type) -> dict[str, str]:
    """Every spelling of a choice a ledger may use → its code (codes, labels in both languages, aliases)."""
    from django.utils import translation

    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[_squash(str(label))] = value
    for alias, value in ALIASES.get(choices, {}).items():
        lookup[_squash(alias)] = value
    return lookup


def _squash(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", str(text)).lower()


# --- the template -----------------------------------------------------------------------------------


def template(kind: str) -> bytes:
    columns = LEDGERS[kind]
    workbook = safe_excel.workbook()
    sheet = workbook.active
    sheet.title = str(KIND_LABELS[kind])
    choices_sheet = workbook.create_sheet(_("Choices"))
    choices_sheet.sheet_state = "hidden"
    help_sheet = workbook.create_sheet(_("Instructions"))
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E1")
    choice_col = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=f"{column.title}*" if column.required else str(column.title))
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices is not None:
            choice_col += 1
            choice_letter = get_column_letter(choice_col)
            choices_sheet.cell(row=1, column=choice_col, value=str(column.title))
            for row, (_value, label) in enumerate(column.choices.choices, start=2):
                choices_sheet.cell(row=row, column=choice_col, value=str(label))
            last = len(column.choices.choices) + 1
            validation = DataValidation(
                type="list",
                formula1=f"'{choices_sheet.title}'!${choice_letter}$2:${choice_letter}${last}",
                allow_blank=not column.required,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}{conf.import_max_rows() + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    help_sheet.column_dimensions["A"].width = 26
    help_sheet.column_dimensions["B"].width = 80
    lines = [
        (_("How to fill in this ledger"), ""),
        ("", _("One row per record, starting under the title row. Columns marked * must be filled in.")),
        (
            "",
            _(
                "Type ID numbers and phones as text (the columns are formatted as text): Excel turns long numbers into 3.2E+17 and loses digits."
            ),
        ),
        ("", _("Do not merge cells and do not use formulas: paste values only.")),
        ("", _("At most %(n)d rows per file.") % {"n": conf.import_max_rows()}),
        ("", ""),
        (_("Column"), _("What to enter")),
    ]
    for column in columns:
        allowed = ""
        if column.choices is not None:
            allowed = _("one of: %(choices)s") % {
                "choices": "、".join(str(label) for _v, label in column.choices.choices)
            }
        note = "; ".join(t for t in (str(column.hint) if column.hint else "", allowed) if t)
        lines.append((f"{column.title}{'*' if column.required else ''}", note))
    for row, (title, text) in enumerate(lines, start=1):
        help_sheet.cell(row=row, column=1, value=title).font = bold
        help_sheet.cell(row=row, column=2, value=text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading an uploaded ledger --------------------------------------------------------------------


@dataclass
class Problem:
    row: int  # sheet row number (1-based); 0 for the file as a whole
    column: str  # column letter(s), "" for a whole row or file
    title: str  # the column's title, "" when none
    message: str

    def where(self) -> str:
        if not self.row:
            return ""
        if self.column:
            return _("row %(row)d, column %(title)s (%(column)s)") % {
                "row": self.row,
                "title": self.title or self.column,
                "column": self.column,
            }
        return _("row %(row)d") % {"row": self.row}

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


@dataclass
class LedgerSheet:
    kind: str
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict)  # key → column index (1-based)
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (sheet row, key → raw value)
    problems: list[Problem] = field(default_factory=list)

    def letter(self, key: str) -> str:
        return get_column_letter(self.columns[key]) if key in self.columns else ""

    def title(self, key: str) -> str:
        column = next((c for c in LEDGERS[self.kind] if c.key == key), None)
        return str(column.title) if column else key


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _not_excel() -> Problem:
    return Problem(
        0,
        "",
        "",
        _("The file is not an Excel workbook (.xlsx): save it in Excel as “Excel Workbook” and upload it again."),
    )


def read_ledger(kind: str, data: bytes) -> LedgerSheet:
    """Rows of the first sheet of an .xlsx file, or the problems that stop it being read."""
    sheet = LedgerSheet(kind)
    if len(data) > conf.import_max_bytes():
        sheet.problems.append(
            Problem(
                0,
                "",
                "",
                _("The file is larger than %(mb)d MB: split it into smaller files.")
                % {"mb": conf.import_max_bytes() // 2**20},
            )
        )
        return sheet
    if data[:8] == OLE_MAGIC:
        sheet.problems.append(
            Problem(
                0,
                "",
                "",
                _(
                    "This is an old .xls file or a password-protected workbook: save it as .xlsx without a password and upload it again."
                ),
            )
        )
        return sheet
    if data[:4] != ZIP_MAGIC:
        sheet.problems.append(_not_excel())
        return sheet
    try:
        uploads.check_zip(
            data, max_bytes=conf.import_max_bytes(), declared_type="", not_zip_message=_not_excel().message
        )
    except ValidationError as refusal:
        sheet.problems.append(Problem(0, "", "", refusal.message_dict["file"][0]))
        return sheet
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        worksheet = next(ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible")
    except Exception:  # noqa: BLE001 — any failure to open means "not a readable workbook"
        sheet.problems.append(_not_excel())
        return sheet
    try:
        _read_sheet(sheet, worksheet)
    except Exception:  # noqa: BLE001
        sheet.problems.append(Problem(0, "", "", _("The workbook is damaged and could not be read to the end.")))
    finally:
        workbook.close()
    return sheet


def _header_lookup(kind: str) -> dict[str, str]:
    from django.utils import translation

    lookup: dict[str, str] = {}
    for column in LEDGERS[kind]:
        lookup[_squash(column.key)] = column.key
        for alias in HEADER_ALIASES.get(column.key, ()):
            lookup[_squash(alias)] = column.key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[_squash(str(column.title))] = column.key
    return lookup


def _merged_ranges(worksheet) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range, scanned from the sheet's XML."""
    found = []
    tail = b""
    with worksheet._get_source() as source:  # openpyxl's read-only sheets do not expose merges
        while chunk := source.read(1 << 20):
            buffer = tail + chunk
            for match in MERGE_RE.finditer(buffer):
                ref = match.group(1).decode()
                found.append(range_boundaries(ref if ":" in ref else f"{ref}:{ref}"))
            tail = buffer[-200:]
    return sorted(set(found), key=lambda b: (b[1], b[0]))


def _read_sheet(sheet: LedgerSheet, worksheet) -> None:
    lookup = _header_lookup(sheet.kind)
    limit = conf.import_max_rows()
    key_of: dict[int, str] = {}
    rows = worksheet.iter_rows()
    for row in rows:
        row_number = _row_number(row)
        if row_number is None:
            continue
        if not sheet.header_row:
            if row_number > HEADER_SEARCH_ROWS:
                break
            found = {}
            for cell in row:
                if isinstance(cell.value, str) and (key := lookup.get(_squash(cell.value))):
                    found.setdefault(key, cell.column)
            if len(found) >= 2:
                sheet.header_row, sheet.columns = row_number, found
                key_of = {c: k for k, c in found.items()}
            continue
        values = {}
        for cell in row:
            if cell.value is None or getattr(cell, "column", None) is None:
                continue
            key = key_of.get(cell.column)
            if cell.data_type == "f":
                sheet.problems.append(
                    Problem(
                        row_number,
                        get_column_letter(cell.column),
                        sheet.title(key) if key else "",
                        _("The cell holds a formula: paste its value instead."),
                    )
                )
                continue
            if key is not None:
                values[key] = cell.value
        if not values or all(isinstance(v, str) and not v.strip() for v in values.values()):
            continue
        if len(sheet.rows) >= limit:
            sheet.problems = [
                Problem(
                    0,
                    "",
                    "",
                    _("The sheet holds more than %(n)d rows: split it into files of at most %(n)d rows.")
                    % {"n": limit},
                )
            ]
            sheet.rows = []
            return
        sheet.rows.append((row_number, values))
    if not sheet.header_row:
        titles = "、".join(str(c.title) for c in LEDGERS[sheet.kind] if c.required)
        sheet.problems.append(
            Problem(
                1,
                "",
                "",
                _(
                    "No title row was found in the first %(n)d rows: the sheet must start with the template's column titles (%(titles)s)."
                )
                % {"n": HEADER_SEARCH_ROWS, "titles": titles},
            )
        )
        return
    missing = [c for c in LEDGERS[sheet.kind] if c.required and c.key not in sheet.columns]
    if missing:
        sheet.problems.append(
            Problem(
                sheet.header_row,
                "",
                "",
                _("The title row lacks the required column(s): %(titles)s.")
                % {"titles": "、".join(str(c.title) for c in missing)},
            )
        )
    for min_col, min_row, max_col, max_row in _merged_ranges(worksheet):
        if max_row < sheet.header_row:
            continue  # a merged title above the table is fine
        ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        key = next((k for k, c in sheet.columns.items() if c == min_col), None)
        sheet.problems.append(
            Problem(
                min_row,
                get_column_letter(min_col)
                if min_col == max_col
                else f"{get_column_letter(min_col)}–{get_column_letter(max_col)}",
                sheet.title(key) if key and min_col == max_col else "",
                _("The cells %(ref)s are merged: unmerge them and fill in every cell.") % {"ref": ref},
            )
        )
    if not sheet.rows and not sheet.problems:
        sheet.problems.append(Problem(sheet.header_row, "", "", _("The sheet holds no rows under the title row.")))


def _row_number(row) -> int | None:
    for cell in row:
        number = getattr(cell, "row", None)
        if number is not None:
            return number
    return None


# --- export ------------------------------------------------------------------------------------------


def watermark(user) -> str:
    now = timezone.localtime()
    return _("Exported by %(name)s (%(username)s) at %(time)s · for official use only, do not pass on") % {
        "name": getattr(user, "display_name", "") or user.get_username(),
        "username": user.get_username(),
        "time": now.strftime("%Y-%m-%d %H:%M"),
    }


def export(title: str, headers: list[str], rows, user) -> bytes:
    """A workbook whose first line is the watermark, then the headers, then ``rows`` (already masked)."""
    workbook = safe_excel.workbook(write_only=True)
    workbook.properties.creator = user.get_username()
    workbook.properties.title = title
    sheet = workbook.create_sheet(title)
    mark = watermark(user)
    sheet.oddHeader.center.text = safe_excel.header_footer_text(mark)
    sheet.oddFooter.center.text = safe_excel.header_footer_text(mark)
    sheet.append([mark])
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date | int | float):
        return value
    return str(value)
