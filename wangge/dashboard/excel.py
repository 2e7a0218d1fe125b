"""Excel exports of the statistics: the same rows and numbers as the page, written by ``wangge.core.excel``."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from wangge.core.excel import XLSX, header, percent, to_bytes, widths, workbook
from wangge.dashboard import statistics

__all__ = ["XLSX", "statistics_workbook"]


def statistics_workbook(node, filters, rows, total) -> bytes:
    book = workbook()
    sheet = book.active
    sheet.title = _("Statistics")
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
            counts = [row.count(key) for key, _label, _figure in statistics.COUNTS]
            sheet.append([row.label, *counts, *(percent(v.value) for v in row.values)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    widths(sheet)
    sheet.freeze_panes = "B3"
    return to_bytes(book)
