"""Excel exports of the statistics (openpyxl): the same rows and numbers as the page."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="8C1D18")


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


def statistics_workbook(node, filters, rows, total) -> bytes:
    from wangge.dashboard import statistics

    book = Workbook()
    sheet = book.active
    sheet.title = _("Statistics")[:31]
    sheet.append([f"{node.name} {filters.start.isoformat()} – {filters.end.isoformat()}"])
    sheet["A1"].font = Font(bold=True, size=13)
    rate_items = [v.indicator for v in total.values]
    if filters.group == "status":
        header(sheet, [str(statistics.GROUPS[filters.group]), _("Cases")])
        for row in rows:
            sheet.append([row.label, row.counters[f"st_{row.key}"]])
        sheet.append([total.label, sum(row.counters[f"st_{row.key}"] for row in rows)])
    else:
        header(
            sheet,
            [str(statistics.GROUPS[filters.group])]
            + [str(label) for _key, label, _figure in statistics.COUNTS]
            + [f"{i.label} (%)" for i in rate_items],
        )
        for row in [*rows, total]:
            counts = [
                row.counters["accepted"] + row.counters["on_spot"] if key == "filed" else row.counters[key]
                for key, _label, _figure in statistics.COUNTS
            ]
            sheet.append([row.label, *counts, *(percent(v.value) for v in row.values)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    widths(sheet)
    sheet.freeze_panes = "B3"
    return to_bytes(book)
