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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from wangge.core import excel, uploads
from wangge.people import conf
from wangge.people.records import LEDGERS, choice_lookup, squash  # noqa: F401 — choice_lookup: importing

KINDS = ("persons", "houses", "organisations", "facilities")
KIND_LABELS = {
    "persons": gettext_lazy("Persons"),
    "houses": gettext_lazy("Houses"),
    "organisations": gettext_lazy("Organisations"),
    "facilities": gettext_lazy("Public facilities"),
}
HEADER_SEARCH_ROWS = 10


# --- the template -----------------------------------------------------------------------------------


def template(kind: str, *, columns: tuple | None = None, title: str = "") -> bytes:
    """The empty ledger of ``kind``, or of another module's ``columns`` (``records.Field``s) titled ``title``."""
    columns = columns or LEDGERS[kind]
    workbook = excel.workbook()
    sheet = workbook.active
    sheet.title = str(title or KIND_LABELS[kind])[:31]
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
    return excel.to_bytes(workbook)


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
    # Another module's columns (``key``, ``title``, ``aliases``, ``required``: party members, the 12345
    # hotline's work orders) read through the same checks; the ledger's own when empty.
    fields: tuple = ()

    def defined(self) -> tuple:
        return self.fields or LEDGERS[self.kind]

    def letter(self, key: str) -> str:
        return get_column_letter(self.columns[key]) if key in self.columns else ""

    def title(self, key: str) -> str:
        column = next((c for c in self.defined() if c.key == key), None)
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


def read_ledger(kind: str, data: bytes, *, columns: tuple = ()) -> LedgerSheet:
    """Rows of the first sheet of an .xlsx file, or the problems that stop it being read. ``columns``: another
    module's ledger (e.g. party members) read with the same checks; ``kind`` then only names it."""
    sheet = LedgerSheet(kind, fields=tuple(columns))
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


def header_lookup(columns: tuple) -> dict[str, str]:
    """Every spelling of every column's title (its key, aliases, Chinese and English titles) → its key."""
    lookup: dict[str, str] = {}
    for column in columns:
        lookup[squash(column.key)] = column.key
        for alias in column.aliases:
            lookup[squash(alias)] = column.key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[squash(str(column.title))] = column.key
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
    lookup = header_lookup(sheet.defined())
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
                if isinstance(cell.value, str) and (key := lookup.get(squash(cell.value))):
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
        titles = "、".join(str(c.title) for c in sheet.defined() if c.required)
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
    missing = [c for c in sheet.defined() if c.required and c.key not in sheet.columns]
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
    workbook = excel.workbook(write_only=True)
    workbook.properties.creator = user.get_username()
    workbook.properties.title = title
    sheet = workbook.create_sheet(title)
    mark = watermark(user)
    sheet.oddHeader.center.text = excel.header_footer_text(mark)
    sheet.oddFooter.center.text = excel.header_footer_text(mark)
    sheet.append([mark])
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    return excel.to_bytes(workbook)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date | int | float):
        return value
    return str(value)
