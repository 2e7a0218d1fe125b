"""Writing Excel workbooks (openpyxl): the one set of helpers every export uses (ledgers, statistics,
bulletins and whatever comes next), so the rule for what may be written into a cell is made in one place.

Every workbook is made by ``workbook()``; its sheets write each value through ``safe_value``:

- **No formula is ever written from data.** Text that Excel or LibreOffice would read as a formula or a
  DDE call — starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP, "CSV
  injection") — is written as a text cell with Excel's quote prefix (what typing ``'`` before it does):
  the sheet shows and edits it as text, and the stored value is unchanged, so an exported ledger
  imports back as it was. ``=HYPERLINK(…)`` in an organisation's name stays a name.
- **Stored data never breaks an export.** Control characters, direction overrides and lone surrogates
  (``wangge.core.text.strip_controls``) are removed, text is cut to Excel's 32,767 characters per cell,
  and sheet titles lose the characters Excel forbids in them, whatever is already in the database.
- **A last sweep** before saving turns any formula cell into text, so a cell set by hand
  (``sheet["A1"] = …``) cannot slip one through either.

Outside this module no code makes an ``openpyxl.Workbook`` (a test reads the sources for it).
"""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from wangge.core.text import strip_controls

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="8C1D18")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_MAX_CHARS = 32_767
TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


def clean_text(value: str) -> str:
    """``value`` without what an xlsx file cannot hold or a reader should not see, within a cell's size."""
    return strip_controls(value, multiline=True)[:CELL_MAX_CHARS]


def safe_value(sheet, value):
    """What to put in a cell for ``value``: numbers and dates as they are, text as text (never a formula)."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not text.startswith(FORMULA_STARTS):
        return text
    cell = Cell(sheet, row=1, column=1, value=text)  # placed by the sheet's append
    _as_text(cell)
    return cell


def _as_text(cell: Cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True


def sheet_title(text: str) -> str:
    """A valid sheet title for ``text``: no ``\\ * ? : / [ ]``, at most 31 characters, never empty."""
    title = TITLE_FORBIDDEN.sub(" ", clean_text(str(text))).strip().strip("'")[:31]
    return title or "Sheet"


def header_footer_text(text: str) -> str:
    """Text for a print header or footer: ``&`` starts a code there (page number, file name), so double it."""
    return clean_text(str(text)).replace("&", "&&")


class _SafeTitle:
    @property
    def title(self):
        return Worksheet.title.fget(self)

    @title.setter
    def title(self, value):
        Worksheet.title.fset(self, sheet_title(value) if value else value)


class SafeWorksheet(_SafeTitle, Worksheet):
    def append(self, iterable):
        if isinstance(iterable, dict):
            return super().append({key: safe_value(self, value) for key, value in iterable.items()})
        return super().append([safe_value(self, value) for value in iterable])

    def cell(self, row, column, value=None):
        cell = super().cell(row, column)
        if value is not None:
            safe = safe_value(self, value)
            cell.value = safe.value if isinstance(safe, Cell) else safe
            if isinstance(safe, Cell):
                _as_text(cell)
        return cell

    def __setitem__(self, key, value):
        cell = self[key]
        self.cell(cell.row, cell.column, value)


class SafeWriteOnlyWorksheet(_SafeTitle, WriteOnlyWorksheet):
    def append(self, row):
        super().append([safe_value(self, value) for value in row])


class SafeWorkbook(Workbook):
    def __init__(self, write_only: bool = False, iso_dates: bool = False):
        super().__init__(write_only=write_only, iso_dates=iso_dates)
        if not write_only:
            self._sheets = [SafeWorksheet(self)]

    def create_sheet(self, title=None, index=None):
        kind = SafeWriteOnlyWorksheet if self.write_only else SafeWorksheet
        if title:
            title = sheet_title(title)
            title = title[:28] if title in self.sheetnames else title  # room for the number openpyxl adds
        sheet = kind(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename):
        self.properties.creator = clean_text(self.properties.creator or "")[:255] or None
        self.properties.title = clean_text(self.properties.title or "")[:255] or None
        if not self.write_only:
            _no_formulas(self)
        return super().save(filename)


def _no_formulas(book: Workbook) -> None:
    for sheet in book.worksheets:
        for cell in sheet._cells.values():
            if cell.data_type == "f":
                _as_text(cell)


def workbook(*, write_only: bool = False) -> SafeWorkbook:
    """A new workbook whose sheets write every value through ``safe_value``."""
    return SafeWorkbook(write_only=write_only)


def header(sheet, labels: list[str]) -> None:
    sheet.append(labels)
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def widths(sheet, first: int = 28, rest: int = 12) -> None:
    for index in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = first if index == 1 else rest


def percent(value) -> float | None:
    return None if value is None else round(value * 100, 2)


def to_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
