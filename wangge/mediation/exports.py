"""The disputes list as an Excel workbook (the shared ``core.excel`` helpers write stored text as text, never
as a formula). Parties' numbers are masked: the export never holds a full number."""

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core import excel


def disputes_workbook(disputes) -> bytes:
    book = excel.workbook()
    sheet = book.active
    sheet.title = excel.sheet_title(_("Disputes"))
    excel.header(
        sheet,
        [
            _("Number"),
            _("Registered at"),
            _("Grid"),
            _("Kind"),
            _("Title"),
            _("Status"),
            _("Mediator"),
            _("Parties"),
            _("Agreed on"),
            _("Fulfilled on"),
        ],
    )
    for d in disputes:
        parties = "; ".join(
            " ".join(x for x in (p.name, p.phone_masked, p.id_number_masked) if x) for p in d.parties.all()
        )
        sheet.append(
            [
                d.pk,
                timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M"),
                d.region.name,
                str(d.get_kind_display()),
                d.title,
                str(d.get_status_display()),
                d.mediator_label,
                parties,
                d.agreed_on.isoformat() if d.agreed_on else "",
                d.fulfilled_on.isoformat() if d.fulfilled_on else "",
            ]
        )
    excel.widths(sheet, 8, 18)
    return excel.to_bytes(book)
