"""Exports: masked numbers, a watermark line naming the exporter and the time, an audit record."""

import io

import pytest
from openpyxl import load_workbook

from wangge.accounts.models import AuditLog


def rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True)), workbook


def test_the_persons_export_is_masked_watermarked_and_audited(ledger, browser, user):
    worker = user("gridworker1")
    response = browser("gridworker1").post("/people/export/persons/", {"page": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="persons-')
    table, workbook = rows(response.content)
    mark = table[0][0]
    assert mark.startswith(f"Exported by {worker.display_name} (gridworker1) at ")
    assert mark.endswith("for official use only, do not pass on")
    assert workbook.active.oddHeader.center.text == mark
    assert workbook.properties.creator == "gridworker1"
    assert table[1][:6] == ("Name", "Gender", "Age", "ID number", "Phone", "Population type")
    assert table[1][-1] == "Labels"
    mine = next(r for r in table[2:] if r[0] == "王建国")
    assert mine[3] == ledger.person1.id_number_masked
    assert mine[4] == "139****5678"
    assert mine[-1] == "Disability"
    record = AuditLog.objects.get(action="people.export")
    assert record.actor == worker
    assert record.object_type == "people.persons"
    assert record.changes == {"kind": "persons", "rows": len(table) - 2, "filters": {}}


def test_filters_are_audited_with_numbers_masked(ledger, caller):
    response = caller("gridworker1").post("/ledgers/persons/export", {"id_number": ledger.id1})
    table, _workbook = rows(response.content)
    assert [r[0] for r in table[2:]] == ["王建国"]
    record = AuditLog.objects.get(action="people.export")
    assert record.changes == {"kind": "persons", "rows": 1, "filters": {"id_number": ledger.person1.id_number_masked}}
    assert ledger.id1 not in str(record.changes)


def test_roles_without_labels_export_no_labels_column(ledger, caller, settings):
    from wangge.accounts import roles

    saved = roles.ROLE_CAPABILITIES["street_leader"]
    roles.ROLE_CAPABILITIES["street_leader"] = saved - {"people.labels"}
    try:
        table, _workbook = rows(caller("leader").post("/ledgers/persons/export", {}).content)
    finally:
        roles.ROLE_CAPABILITIES["street_leader"] = saved
    assert "Labels" not in table[1]


@pytest.mark.parametrize("kind", ["houses", "organisations", "facilities"])
def test_other_lists_export_too(ledger, browser, kind):
    response = browser("gridworker1").post(f"/people/export/{kind}/", {})
    assert response.status_code == 200
    table, _workbook = rows(response.content)
    assert table[0][0].startswith("Exported by ")
    assert AuditLog.objects.get(action="people.export").object_type == f"people.{kind}"


def test_an_export_over_the_limit_is_refused_with_a_message(ledger, browser, settings):
    settings.PEOPLE_EXPORT_MAX_ROWS = 1
    response = browser("gridworker1").post("/people/export/persons/", {"page": 1}, follow=True)
    assert "more than 1: narrow the filters." in response.content.decode()
    assert not AuditLog.objects.filter(action="people.export").exists()


def test_exporting_needs_the_capability(ledger, browser):
    assert browser("liaison1").post("/people/export/persons/", {"page": 1}).status_code == 403
    assert browser("resident1").post("/people/export/persons/", {"page": 1}).status_code == 403
