"""Work orders from Excel and CSV: every row's result before anything is written; broken rows and
numbers twice in the file stop the whole file; numbers already imported are skipped (idempotent)."""

from tests.hotline.conftest import csv_bytes, order, xlsx
from wangge.cases.models import Case, Source
from wangge.core import pii
from wangge.hotline import importing
from wangge.hotline.models import Channel, HotlineOrder


def _counts():
    return HotlineOrder.objects.count(), Case.objects.filter(source=Source.HOTLINE).count()


def _rows(report):
    return [(r.row, r.number, r.status, [f for f, _m in r.errors]) for r in report.rows]


def broken():
    return [
        order("HL20261201001"),
        order("HL20261201002", category="UNKNOWN-9"),
        order("HL20261201003", lon=200),
        order("HL20261201001"),
        order("HL20261201005", description=""),
        order("HL20261201006", deadline="next week"),
    ]


def test_a_dry_run_reports_every_row_and_writes_nothing(mapping):
    before = _counts()
    report = importing.import_file(actor=None, name="orders.xlsx", data=xlsx(broken()), dry_run=True)
    assert _counts() == before
    assert not report.ok and report.created == 0
    assert _rows(report) == [
        (2, "HL20261201001", "ok", []),
        (3, "HL20261201002", "error", ["category"]),
        (4, "HL20261201003", "error", ["lon"]),
        (5, "HL20261201001", "error", ["number"]),
        (6, "HL20261201005", "error", ["description"]),
        (7, "HL20261201006", "error", ["deadline"]),
    ]
    assert "UNKNOWN-9" in report.rows[1].errors[0][1]


def test_a_real_run_with_a_broken_row_writes_nothing(mapping):
    before = _counts()
    report = importing.import_file(actor=None, name="orders.xlsx", data=xlsx(broken()), dry_run=False)
    assert not report.ok and report.created == 0 and _counts() == before


def test_good_orders_enter_the_loop_with_source_hotline_and_their_number(mapping, user):
    rows = [order("HL20261202001"), order("HL20261202002", caller_phone="0515-88881234", title="井盖缺失")]
    dry = importing.import_file(actor=user("admin"), name="orders.xlsx", data=xlsx(rows), dry_run=True)
    assert dry.ok and [r.status for r in dry.rows] == ["ok", "ok"] and not HotlineOrder.objects.exists()
    report = importing.import_file(actor=user("admin"), name="orders.xlsx", data=xlsx(rows), dry_run=False)
    assert report.ok and report.created == 2
    first = HotlineOrder.objects.get(number="HL20261202001")
    assert first.case.source == Source.HOTLINE and first.case.number == report.rows[0].case_number
    assert first.case.category.code == mapping.category.code
    assert first.channel == Channel.EXCEL and first.hotline_category == "HL-0101"
    assert first.deadline.isoformat().startswith("2026-12-08T09:30")  # 17:30 in Asia/Shanghai
    assert first.caller_phone_masked == "138****5678" and "13812345678" not in first.caller_phone_encrypted
    assert pii.decrypt(first.caller_phone_encrypted) == "13812345678"
    landline = HotlineOrder.objects.get(number="HL20261202002")
    assert landline.caller_phone_masked.endswith("1234") and landline.case.contact_phone_masked == ""
    # a case is named by its own title, else by what the caller said (the screen's feed shows it), never "12345 HL…"
    assert (first.case.title, landline.case.title) == ("路面塌陷，请尽快处理", "井盖缺失")


def test_importing_the_same_file_again_changes_nothing(mapping):
    data = xlsx([order("HL20261203001"), order("HL20261203002")])
    assert importing.import_file(actor=None, name="a.xlsx", data=data, dry_run=False).created == 2
    before = _counts()
    again = importing.import_file(actor=None, name="a.xlsx", data=data, dry_run=False)
    assert again.ok and again.created == 0 and [r.status for r in again.rows] == ["duplicate", "duplicate"]
    assert _counts() == before
    mixed = importing.import_file(
        actor=None, name="a.xlsx", data=xlsx([order("HL20261203001"), order("HL20261203003")]), dry_run=False
    )
    assert [r.status for r in mixed.rows] == ["duplicate", "ok"] and mixed.created == 1


def test_csv_in_utf8_and_gb18030(mapping):
    report = importing.import_file(actor=None, name="a.csv", data=csv_bytes([order("HL20261204001")]), dry_run=False)
    assert report.ok and report.created == 1
    assert HotlineOrder.objects.get(number="HL20261204001").channel == Channel.CSV
    gbk = csv_bytes([order("HL20261204002")]).decode("utf-8-sig").encode("gb18030")
    assert importing.import_file(actor=None, name="b.csv", data=gbk, dry_run=False).created == 1


def test_a_file_that_is_not_a_sheet_of_orders_is_refused_whole(mapping):
    report = importing.import_file(actor=None, name="a.xlsx", data=b"not a workbook", dry_run=True)
    assert report.problems and not report.rows
    headless = importing.import_file(actor=None, name="a.csv", data=b"a,b\n1,2\n", dry_run=True)
    assert headless.problems


def test_the_api_imports_for_administrators_only(api, mapping):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def post(who, data, dry_run):
        client = api(who)
        upload = SimpleUploadedFile("orders.xlsx", data)
        return client.client.post("/api/v1/hotline/import", {"file": upload, "dry_run": dry_run}, **client.headers)

    assert post("leader", xlsx([order("HL20261205001")]), True).status_code == 403
    refused = post("admin", xlsx(broken()), False)
    assert refused.status_code == 400 and refused.json()["errors"] == 5 and refused.json()["created"] == 0
    done = post("admin", xlsx([order("HL20261205001")]), False)
    assert done.status_code == 200 and done.json()["created"] == 1
    listed = api("admin").get("/hotline/orders").json()["items"]
    assert listed[0]["number"] == "HL20261205001" and listed[0]["caller_phone"] == "138****5678"
