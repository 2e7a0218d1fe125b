"""Party members as Excel, like the ledger's lists: needs ``people.export``, watermarked with the exporter
(``people.excel.export``), at most ``PEOPLE_EXPORT_MAX_ROWS`` rows, and an audit record for every file:
party standing is personal data."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.party import selectors
from wangge.people import conf, permissions
from wangge.people import excel as people_excel


@dataclass
class ExportFile:
    filename: str
    content: bytes
    rows: int


def export_members(
    user,
    *,
    organisation: int | None = None,
    region: str = "",
    kind: str = "",
    in_service: bool | None = None,
    registered: bool | None = None,
    left: bool | None = None,
) -> ExportFile:
    permissions.require(user, permissions.VIEW, permissions.EXPORT)
    members = selectors.members_filtered(
        user,
        organisation=organisation,
        region=region,
        kind=kind,
        in_service=in_service,
        registered=registered,
        left=left,
    ).order_by("person__name", "id")
    count = members.count()
    limit = conf.export_max_rows()
    if count > limit:
        raise ValidationError(
            {
                "region": _("The list holds %(n)d rows, more than %(limit)d: narrow the filters.")
                % {"n": count, "limit": limit}
            }
        )
    headers = [
        _("Name"), _("Standing"), _("Joined on"), _("Organisation"), _("Linked grid"), _("In service"),
        _("Employer unit"), _("Grid"),
    ]  # fmt: skip

    def rows():
        for m in members.select_related("person__region", "organisation", "grid").iterator(chunk_size=2000):
            yield [
                m.person.name, m.get_status_display(), m.joined_on, m.organisation.name,
                m.grid.name if m.grid_id else "", _("Yes") if m.in_service else _("No"), m.employer,
                m.person.region.name,
            ]  # fmt: skip

    content = people_excel.export(str(_("Party members")), headers, rows(), user)
    filters = {
        "organisation": organisation,
        "region": region,
        "kind": kind,
        "in_service": in_service,
        "registered": registered,
    }
    audit.record(
        actor=user,
        action="party.member.export",
        object_type="party.partymember",
        summary=_("%(n)d party members exported") % {"n": count},
        changes={"count": count, "filters": filters},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(filename=f"party-members-{stamp}.xlsx", content=content, rows=count)
