"""Party members from Excel: the template, a dry run that names every row's result and stores nothing,
broken rows named by column (unknown or out-of-reach person, organisation, grid; a name the ledger does
not give; an ID number twice; an existing member), nothing stored while any row is bad, and the confirmed
import through the single add's service (audited, political status following)."""

import io

import pytest
from openpyxl import load_workbook

from tests.party.conftest import GRID_1, GRID_2, branch_of, person_in
from wangge.accounts.models import AuditLog
from wangge.party import importing
from wangge.party.models import PartyMember
from wangge.people.models import Person, PoliticalStatus

pytestmark = pytest.mark.django_db


def _file(rows: list[list]) -> io.BytesIO:
    book = load_workbook(io.BytesIO(importing.member_template()))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "members.xlsx"
    return out


def _row(person, organisation, **cells):
    base = {"id": person.reveal_pii("id_number"), "name": person.name, "org": organisation.name, "status": "预备党员",
            "joined": "2020-07-01", "in_service": "是", "employer": "区税务局", "grid": GRID_1}  # fmt: skip
    base.update(cells)
    return list(base.values())


def _two_persons(grid=GRID_1):
    rows = Person.objects.filter(region=person_in(grid).region, party_member__isnull=True)
    return list(rows.exclude(id_number_encrypted="").order_by("id")[:2])


def test_the_template_has_the_columns_and_the_page_links_it(browser):
    client = browser("gridworker1")
    page = client.get("/party/members/import/")
    assert page.status_code == 200 and b'data-testid="member-import-template"' in page.content
    got = client.get("/party/members/import/template.xlsx")
    titles = [c.value for c in load_workbook(io.BytesIO(got.content)).worksheets[0][1]]
    assert titles[0] == "ID number*" and "Organisation holding the membership*" in titles


def test_a_clean_file_is_checked_without_storing_then_imported_on_confirm(browser):
    client = browser("gridworker1")
    first, second = _two_persons()
    branch = branch_of(GRID_1)
    checked = client.post(
        "/party/members/import/", {"file": _file([_row(first, branch), _row(second, branch, grid="")])}
    )
    assert checked.status_code == 200 and b'data-testid="import-ok"' in checked.content
    assert b'data-testid="import-row-2"' in checked.content and b'data-testid="import-row-3"' in checked.content
    assert first.reveal_pii("id_number").encode() not in checked.content  # masked only
    assert not PartyMember.objects.filter(person__in=[first, second]).exists()
    done = client.post("/party/members/import/confirm/")
    assert done.status_code == 302
    member = PartyMember.objects.get(person=first)
    assert member.status == "probationary" and member.in_service and member.grid.code == GRID_1
    first.refresh_from_db()
    assert first.political_status == PoliticalStatus.PROBATIONARY
    assert PartyMember.objects.filter(person=second, grid=None).exists()
    assert AuditLog.objects.filter(action="party.member.import").exists()
    assert client.post("/party/members/import/confirm/").status_code == 302  # the stash is gone: back to the form


def test_every_broken_row_is_named_by_column_and_nothing_is_stored(browser):
    client = browser("gridworker1")
    first, second = _two_persons()
    third = person_in(GRID_2)
    branch = branch_of(GRID_1)
    member = PartyMember.objects.filter(person__region=first.region).first()
    rows = [
        _row(first, branch),  # row 2: good
        _row(second, branch, name="别人"),  # row 3: the ledger names them otherwise
        _row(first, branch),  # row 4: the same ID number as row 2
        _row(third, branch),  # row 5: a person out of gridworker1's reach
        _row(second, branch, org="没有这个党组织", status="群众"),  # row 6: organisation, standing; row 3's ID
        _row(member.person, branch),  # row 7: already a member (the service's rule)
    ]
    checked = client.post("/party/members/import/", {"file": _file(rows)})
    assert checked.status_code == 400 and b'data-testid="import-problems-summary"' in checked.content
    report = importing.run(actor=_user("gridworker1"), sheet=importing.read(_file(rows).getvalue()), dry_run=True)
    by_row = {r.row: {p.column for p in r.problems} for r in report.rows}
    assert by_row == {2: set(), 3: {"B"}, 4: {"A"}, 5: {"A"}, 6: {"A", "C", "D"}, 7: {"A"}}
    assert not PartyMember.objects.filter(person=first).exists()
    assert "No person with this ID number" in " ".join(p.message for r in report.rows for p in r.problems)
    again = client.post("/party/members/import/confirm/")  # nothing was kept to confirm
    assert again.status_code == 302 and again["Location"] == "/party/members/import/"
    assert not PartyMember.objects.filter(person=first).exists()


def test_a_file_that_is_not_excel_is_refused_as_a_whole(browser):
    bad = io.BytesIO(b"name,id\n")
    bad.name = "members.csv"
    page = browser("gridworker1").post("/party/members/import/", {"file": bad})
    assert page.status_code == 400 and b'data-testid="import-file-problems"' in page.content


def test_import_needs_the_ledger_change_right(browser):
    assert browser("leader").get("/party/members/import/").status_code == 403
    assert browser("resident1").post("/party/members/import/confirm/").status_code == 403


def _user(name):
    from wangge.accounts.models import User

    return User.objects.get(username=name)
