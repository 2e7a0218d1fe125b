"""The poll's results and read rates as an Excel workbook (built by the shared ``core.excel`` helpers, which
write stored text as text, never as a formula)."""

from django.utils.translation import gettext as _

from wangge.core import excel
from wangge.notices import selectors
from wangge.notices.models import Notice


def results_workbook(notice: Notice) -> bytes:
    book = excel.workbook()
    sheet = book.active
    sheet.title = excel.sheet_title(_("Poll results"))
    responses, questions = selectors.results(notice)
    sheet.append([notice.title])
    sheet.append([_("Responses"), responses])
    sheet.append([])
    excel.header(sheet, [_("Question"), _("Choice"), _("Count")])
    for question in questions:
        for choice in question.choices:
            sheet.append([question.text, choice.text, choice.count])
    rates = book.create_sheet(excel.sheet_title(_("Read rate")))
    excel.header(rates, [_("Grid"), _("Code"), _("Resident accounts"), _("Readers"), _("Read rate (%)")])
    total, grids = selectors.read_rates(notice)
    for row in [*grids, total]:
        rates.append([row.name, row.code, row.residents, row.readers, excel.percent(row.rate)])
    excel.widths(sheet, 40, 24)
    excel.widths(rates, 24, 16)
    return excel.to_bytes(book)
