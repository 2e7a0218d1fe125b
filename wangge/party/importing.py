"""Party members from an Excel ledger, read by the ledger's reader (``people.excel.read_ledger``: not Excel,
missing columns, merged cells, formulas, too many rows) and converted by the ledger's fields
(``people.records.Field.parse``).

Each row names a ledger person by ID number (looked up through the blind index among the persons in the
importer's reach), the organisation holding the membership by name (among those the importer sees) and
optionally a linked grid by code or name. Every row is then written through ``services.create_member``,
in a savepoint of one transaction, so the import keeps exactly the rules of the single add: a dry run is
the same run rolled back. The report names every row's result (added, or its problems by column); a file
with any problem stores nothing. ID numbers are only shown masked.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts import audit
from wangge.core import pii
from wangge.party import selectors, services
from wangge.party.models import MemberStatus
from wangge.people import permissions, records
from wangge.people import selectors as people_selectors
from wangge.people.excel import LedgerSheet, Problem, read_ledger, template
from wangge.people.validators import normalise_id
from wangge.regions.models import GRID_LEVELS

KIND = "party_members"
TITLE = gettext_lazy("Party members")
F = records.Field
COLUMNS: tuple = (
    F("id_number", gettext_lazy("ID number"), records.NUMBER, 40, required=True, width=22,
      aliases=("证件号码", "身份证号", "身份证号码", "公民身份号码", "身份证"),
      hint=gettext_lazy("The person must already be in the ledger, within your reach")),
    F("name", gettext_lazy("Name"), records.TEXT, 60, aliases=("姓名",),
      hint=gettext_lazy("Checked against the ledger's name when filled in")),
    F("organisation", gettext_lazy("Organisation holding the membership"), records.TEXT, 100, required=True,
      width=24, aliases=("所在党组织", "党组织", "组织关系"), hint=gettext_lazy("The party organisation's name")),
    F("status", gettext_lazy("Standing"), records.CHOICE, choices=MemberStatus, default=MemberStatus.FULL,
      aliases=("党员类别", "党员状态")),
    F("joined_on", gettext_lazy("Joined on"), records.DATE, default=None, aliases=("入党时间", "入党日期")),
    F("in_service", gettext_lazy("In-service member"), records.BOOLEAN, default=False, aliases=("在职党员",)),
    F("employer", gettext_lazy("Employer unit"), records.TEXT, 100, aliases=("工作单位",), width=20),
    F("grid", gettext_lazy("Linked grid"), records.TEXT, 100, aliases=("联系网格",),
      hint=gettext_lazy("The grid's code or name")),
)  # fmt: skip
FIELDS = {f.key: f for f in COLUMNS}


@dataclass
class RowResult:
    row: int
    name: str
    id_masked: str
    problems: list[Problem] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # column letter → the column's key (``COLUMNS``)

    @property
    def ok(self) -> bool:
        return not self.problems

    def key_of(self, problem: Problem) -> str:
        """The key of the column a problem names (``id_number``, ``organisation`` …); "" for a whole row."""
        return self.keys.get(problem.column, "")


@dataclass
class MemberImport:
    total: int
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)  # of the file as a whole (unreadable, no title row)
    rows: list[RowResult] = field(default_factory=list)
    added: int = 0

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.bad_rows


class _Rollback(Exception):
    pass


def refused(message: str, *, dry_run: bool) -> MemberImport:
    """The report of a file refused before it is read (the upload guard's size limit): nothing read, nothing
    stored, the reason as the file's problem."""
    return MemberImport(total=0, dry_run=dry_run, problems=[Problem(0, "", "", message)])


def member_template() -> bytes:
    return template(KIND, columns=COLUMNS, title=str(TITLE))


def read(data: bytes) -> LedgerSheet:
    return read_ledger(KIND, data, columns=COLUMNS)


def run(*, actor, sheet: LedgerSheet, dry_run: bool) -> MemberImport:
    """Check (``dry_run``) or import every row of ``sheet``; nothing is stored unless every row is good."""
    permissions.require(actor, permissions.CHANGE)
    report = MemberImport(total=len(sheet.rows), dry_run=dry_run)
    by_row: dict[int, list[Problem]] = {}
    for problem in sheet.problems:
        if problem.row in (0, sheet.header_row) and not problem.column or not sheet.rows:
            report.problems.append(problem)
        else:
            by_row.setdefault(problem.row, []).append(problem)
    if report.problems:
        return report
    context = _Lookups(actor, sheet)
    try:
        with transaction.atomic():
            for row_number, values in sheet.rows:
                report.rows.append(_row(actor, sheet, context, row_number, values, by_row.get(row_number, [])))
            report.added = sum(1 for r in report.rows if r.ok)
            if dry_run or not report.ok:
                raise _Rollback
            audit.record(
                actor=actor,
                action="party.member.import",
                object_type="party.partymember",
                summary=_("%(n)d party members imported") % {"n": report.added},
                changes={"rows": report.total, "added": report.added},
            )
    except _Rollback:
        pass
    if not report.ok:
        report.added = 0
    return report


class _Lookups:
    """What every row looks up, read once for the file: organisations and grids in reach by name."""

    def __init__(self, actor, sheet: LedgerSheet):
        self.organisations: dict[str, list[int]] = {}
        for pk, name in selectors.organisations_for(actor).values_list("pk", "name"):
            self.organisations.setdefault(name.strip(), []).append(pk)
        self.grids: dict[str, list[str]] = {}
        for region in selectors.regions_in_reach(actor, GRID_LEVELS):
            self.grids.setdefault(region.code, []).append(region.code)
            self.grids.setdefault(region.name.strip(), []).append(region.code)
        self.persons = people_selectors.persons_for(actor)
        self.seen: dict[str, int] = {}


def _problem(sheet: LedgerSheet, row: int, key: str, message: str) -> Problem:
    return Problem(row, sheet.letter(key), sheet.title(key), message)


def _row(actor, sheet, context: _Lookups, row: int, values: dict, problems: list[Problem]) -> RowResult:
    keys = {sheet.letter(key): key for key in sheet.columns}
    result = RowResult(row, records.as_text(values.get("name") or "")[:60], "", list(problems), keys)
    data = {}
    for key, column in FIELDS.items():
        if any(p.column == sheet.letter(key) for p in result.problems):
            continue
        try:
            if column.required and records.is_empty(values.get(key)):
                raise ValidationError({key: _("This cell must be filled in.")})
            data[key] = column.parse(values.get(key))
        except ValidationError as bad:
            result.problems.append(_problem(sheet, row, key, bad.message_dict.get(key, bad.messages)[0]))
    person = None
    if data.get("id_number"):
        number = normalise_id(data["id_number"])
        result.id_masked = pii.mask_id_number(number)
        index = pii.blind_indexes(number, kind="id_number")
        person = context.persons.filter(id_number_index__in=index).first()
        if number in context.seen:
            message = _("The same ID number is on row %(row)d.") % {"row": context.seen[number]}
            result.problems.append(_problem(sheet, row, "id_number", message))
            person = None
        else:
            context.seen[number] = row
            if person is None:
                message = _("No person with this ID number in the ledger within your reach.")
                result.problems.append(_problem(sheet, row, "id_number", message))
    if person is not None:
        result.name = person.name
        if data.get("name") and data["name"].strip() != person.name:
            message = _("The ledger names this person %(name)s.") % {"name": person.name}
            result.problems.append(_problem(sheet, row, "name", message))
    organisation = _one(sheet, row, result, context.organisations, data.get("organisation"), "organisation")
    grid = _one(sheet, row, result, context.grids, data.get("grid"), "grid") if data.get("grid") else None
    if result.problems:
        return result
    try:
        with transaction.atomic():
            services.create_member(
                actor=actor,
                person=person.pk,
                organisation=organisation,
                status=data["status"],
                joined_on=data.get("joined_on"),
                in_service=bool(data.get("in_service")),
                employer=data.get("employer") or "",
                grid=grid,
            )
    except ValidationError as refused:
        for key, messages in refused.message_dict.items():
            column = {"person": "id_number"}.get(key, key)
            column = column if column in FIELDS else ""
            for message in messages:
                result.problems.append(
                    Problem(row, sheet.letter(column), sheet.title(column) if column else "", message)
                )
    return result


def _one(sheet, row: int, result: RowResult, found: dict, name, key: str):
    if not name:
        return None
    matches = sorted(set(found.get(str(name).strip(), [])))
    if not matches:
        message = _("“%(name)s” is not in your reach.") % {"name": str(name)[:40]}
        result.problems.append(_problem(sheet, row, key, message))
        return None
    if len(matches) > 1:
        message = _("Several in your reach are called “%(name)s”.") % {"name": str(name)[:40]}
        result.problems.append(_problem(sheet, row, key, message))
        return None
    return matches[0]
