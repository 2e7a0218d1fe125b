"""Excel ledgers in: a dry run writes nothing and marks every bad cell by row and column; a real run
writes every row or none; duplicates are merged or reported, never doubled; files that are not
ledgers are refused with a clear message."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.people.conftest import GRID_1, GRID_2, id_number, point_in, xlsx
from wangge.accounts.models import AuditLog
from wangge.people import excel, services
from wangge.people.importing import ImportFailed
from wangge.people.models import Facility, House, Household, Organisation, Person
from wangge.people.validators import credit_check_char

HEAD = ["姓名", "证件号码", "联系电话", "人口类型", "小区", "楼栋", "单元", "房号", "户号", "与户主关系"]
A = id_number(date(1970, 1, 1), male=True, seq=41)
B = id_number(date(1972, 2, 2), male=False, seq=42)
C = id_number(date(2005, 3, 3), male=True, seq=43)


def run(user, kind, content, *, dry_run=True, on_duplicate="update"):
    sheet = excel.read_ledger(kind, content)
    return services.import_ledger(actor=user, kind=kind, sheet=sheet, dry_run=dry_run, on_duplicate=on_duplicate)


def problems(report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


def family(*extra_rows):
    return xlsx([
        HEAD,
        ["张父", A, "13800001111", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"],
        ["李母", B, "", "户籍人口", "测试花园", "1幢", 2, "301", "F1", "妻"],
        ["张子", C, "", "流动", "测试花园", "1幢", 2, "301", "F1", "子"],
        *extra_rows,
    ])  # fmt: skip


def test_a_dry_run_checks_everything_and_writes_nothing(ledger):
    before = Person.objects.count(), Household.objects.count(), AuditLog.objects.count()
    report = run(ledger.worker1, "persons", family())
    assert report.ok
    assert (report.total, report.created, report.updated, report.dry_run) == (3, 3, 0, True)
    assert (Person.objects.count(), Household.objects.count(), AuditLog.objects.count()) == before
    assert [row.row for row in report.preview] == [2, 3, 4]
    assert report.preview[0].cells[1] == (A[:6] + "********" + A[-4:], "")


def test_a_real_run_writes_the_household_with_its_head_and_an_audit_record(ledger):
    report = run(ledger.worker1, "persons", family(), dry_run=False)
    assert (report.ok, report.created, report.updated) == (True, 3, 0)
    household = Household.objects.get(number="F1")
    assert household.head.name == "张父"
    members = {p.name: p for p in Person.objects.filter(household=household)}
    assert {n: p.relation for n, p in members.items()} == {"张父": "head", "李母": "spouse", "张子": "son"}
    assert members["张子"].population_type == "floating"
    assert members["李母"].gender == "female"
    assert members["李母"].birth_date == date(1972, 2, 2)
    assert members["张父"].reveal_pii("phone") == "13800001111"
    assert members["张父"].house.address == "测试花园 1幢2单元301室"
    assert members["张父"].house.use == "self_occupied"
    record = AuditLog.objects.get(action="people.import")
    assert record.changes == {"kind": "persons", "rows": 3, "created": 3, "updated": 0}


def test_every_bad_cell_is_reported_by_row_and_column(ledger):
    bad_check = A[:17] + ("0" if A[17] != "0" else "1")
    content = xlsx([
        HEAD,
        ["好人", A, "13800001111", "户籍", "测试花园", "1幢", 1, "301", "G1", "户主"],
        ["", bad_check, "138abc", "火星人", "测试花园", "1幢", 1, "302", "G2", "户主"],
        ["无房", B, "", "", "测试花园", "9幢", 1, "301", "G3", "户主"],
        ["号码丢位", 320583197202020000.0, "", "", "测试花园", "1幢", 1, "202", "G4", "户主"],
        ["日期错", "320583198002300011", "", "", "测试花园", "1幢", 1, "201", "G5", "户主"],
    ])  # fmt: skip
    report = run(ledger.worker1, "persons", content)
    assert not report.ok
    expected_check = A[17]
    assert problems(report) == [
        (3, "A", "This cell must be filled in."),
        (3, "B", f"The check digit (the last character) of the ID number is wrong: it should be {expected_check}."),
        (3, "C", "A phone number holds digits only (a dash after the area code is allowed); remove the letters."),
        (3, "D", "“火星人” is not one of: Registered resident (户籍)、Floating population (流动)、From outside the mainland (境外)、Registered here, living elsewhere (人户分离)."),
        (4, "F", "No such building in the grids you serve: import the houses ledger first."),
        (5, "B", "Excel stored this number as a number and lost digits: format the column as text and type it again."),
        (6, "B", "The ID number holds an impossible birth date."),
    ]  # fmt: skip
    titles = {(p.row, p.column): p.title for p in report.problems}
    assert titles[(3, "B")] == "ID number"
    assert str(report.problems[1]) == f"row 3, column ID number (B): {report.problems[1].message}"
    bad_rows = [row for row in report.preview if not row.ok]
    assert [row.row for row in bad_rows] == [3, 4, 5, 6]
    assert bad_rows[0].cells[1][1] == report.problems[1].message


def test_a_failed_real_run_changes_nothing(ledger):
    run(ledger.worker1, "persons", family(), dry_run=False)
    before = {p.pk: (p.name, p.phone_masked, p.household_id) for p in Person.objects.all()}
    households = Household.objects.count()
    content = xlsx([
        HEAD,
        ["张父改名", A, "13800009999", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"],
        ["新人", id_number(date(1990, 4, 4), seq=44), "", "户籍", "测试花园", "1幢", 2, "302", "F2", "户主"],
        ["坏人", "12345", "", "户籍", "测试花园", "1幢", 2, "302", "F2", "子"],
    ])  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        run(ledger.worker1, "persons", content, dry_run=False)
    assert problems(failed.value.report) == [(4, "B", "An ID number has 18 characters; this one has 5.")]
    assert {p.pk: (p.name, p.phone_masked, p.household_id) for p in Person.objects.all()} == before
    assert Household.objects.count() == households


def test_duplicates_are_merged_never_doubled(ledger):
    run(ledger.worker1, "persons", family(), dry_run=False)
    count = Person.objects.count()
    again = xlsx([
        HEAD,
        ["张父亲", A, "13800002222", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"],
        ["李母", B, "", "户籍", "测试花园", "1幢", 2, "301", "F1", "妻"],
    ])  # fmt: skip
    report = run(ledger.worker1, "persons", again, dry_run=False)
    assert (report.ok, report.created, report.updated) == (True, 0, 2)
    assert Person.objects.count() == count
    father = Person.objects.get(id_number_index=Person.objects.get(name="张父亲").id_number_index)
    assert father.reveal_pii("phone") == "13800002222"
    assert Household.objects.filter(number="F1").count() == 1


def test_duplicates_are_reported_when_asked(ledger):
    run(ledger.worker1, "persons", family(), dry_run=False)
    report = run(ledger.worker1, "persons", family(), on_duplicate="report")
    assert problems(report) == [
        (2, "B", "This person is already in the ledger (you chose to report duplicates)."),
        (3, "B", "This person is already in the ledger (you chose to report duplicates)."),
        (4, "B", "This person is already in the ledger (you chose to report duplicates)."),
    ]


def test_the_same_id_twice_in_one_file_is_a_problem(ledger):
    content = family(["张父又来", A, "", "户籍", "测试花园", "1幢", 2, "302", "F2", "户主"])
    report = run(ledger.worker1, "persons", content)
    assert problems(report) == [(5, "B", "The same ID number as row 2: a person appears once per file.")]


def test_a_person_registered_in_another_grid_is_not_taken_over(ledger):
    content = xlsx([HEAD, ["赵敏", ledger.id2, "", "户籍", "测试花园", "1幢", 2, "302", "F9", "户主"]])
    report = run(ledger.worker1, "persons", content)
    assert problems(report) == [
        (2, "B", "This person is registered outside the grids you serve: ask their community to move them.")
    ]


def test_two_heads_in_one_household_are_a_problem(ledger):
    content = family(
        ["另一户主", id_number(date(1950, 5, 5), seq=45), "", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"]
    )
    report = run(ledger.worker1, "persons", content)
    assert problems(report) == [(5, "J", "A household has one head: row 2 is already its head.")]


# --- files that are not ledgers ---------------------------------------------------------------------


def test_a_file_that_is_not_excel_is_refused(ledger):
    for content in (b"name,id\n", "姓名,证件号码".encode("gbk"), b""):
        report = run(ledger.worker1, "persons", content)
        assert problems(report) == [
            (
                0,
                "",
                "The file is not an Excel workbook (.xlsx): save it in Excel as “Excel Workbook” and upload it again.",
            )
        ]


def test_an_old_xls_file_is_named(ledger):
    report = run(ledger.worker1, "persons", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert problems(report) == [
        (
            0,
            "",
            "This is an old .xls file or a password-protected workbook: save it as .xlsx without a password and upload it again.",
        )
    ]


def test_a_damaged_zip_is_refused(ledger):
    good = family()
    report = run(ledger.worker1, "persons", good[: len(good) // 2])
    assert problems(report) == [
        (0, "", "The file is not an Excel workbook (.xlsx): save it in Excel as “Excel Workbook” and upload it again.")
    ]


def test_missing_columns_are_named(ledger):
    content = xlsx([["姓名", "联系电话", "楼栋"], ["张三", "13800001111", "1幢"]])
    report = run(ledger.worker1, "persons", content)
    assert problems(report) == [(1, "", "The title row lacks the required column(s): ID number、Room.")]


def test_a_sheet_without_a_title_row_is_refused(ledger):
    content = xlsx([["张三", A, "13800001111"]])
    report = run(ledger.worker1, "persons", content)
    assert problems(report) == [
        (
            1,
            "",
            "No title row was found in the first 10 rows: the sheet must start with the template's column titles (Name、ID number、Room).",
        )
    ]


def test_merged_cells_in_the_table_are_refused_but_a_merged_title_is_fine(ledger):
    rows = [
        HEAD,
        ["张父", A, "", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"],
        ["李母", B, "", "户籍", "测试花园", None, 2, "301", "F1", "妻"],
    ]
    titled = xlsx(rows, title_rows=[["某某社区人口台账"]], merge="A1:J1")
    report = run(ledger.worker1, "persons", titled)
    assert problems(report) == [(4, "F", "This cell must be filled in.")]
    merged = xlsx(rows, merge="F2:F3")
    report = run(ledger.worker1, "persons", merged)
    assert problems(report) == [
        (2, "F", "The cells F2:F3 are merged: unmerge them and fill in every cell."),
        (3, "F", "This cell must be filled in."),
    ]
    assert report.problems[0].title == "Building"


def test_formulas_are_refused_cell_by_cell(ledger):
    content = xlsx([HEAD, ["张父", A, "=B3", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"]])
    report = run(ledger.worker1, "persons", content)
    assert problems(report) == [(2, "C", "The cell holds a formula: paste its value instead.")]


def test_a_file_over_the_row_limit_is_refused_without_reading_it_all(ledger, settings):
    settings.PEOPLE_IMPORT_MAX_ROWS = 50
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEAD)
    for n in range(2_000):  # forty times the limit: the reader stops at the 51st row
        sheet.append([f"人{n}", "x", "", "", "", "1幢", 1, "101", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(ledger.worker1, "persons", buffer.getvalue())
    assert problems(report) == [(0, "", "The sheet holds more than 50 rows: split it into files of at most 50 rows.")]
    assert report.preview == []


def test_a_file_over_the_size_limit_is_refused(ledger, settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 1000
    report = run(ledger.worker1, "persons", family())
    assert problems(report) == [(0, "", "The file is larger than 0 MB: split it into smaller files.")]


# --- other ledgers --------------------------------------------------------------------------------


def test_houses_create_a_new_building_and_update_known_houses(ledger):
    lon, lat = point_in(GRID_1)
    content = xlsx([
        ["小区", "楼栋", "单元", "楼层", "房号", "面积", "用途", "房主", "房主电话", "经度", "纬度"],
        ["测试花园", "1幢", 1, 3, "301", 88.5, "出租", "钱房东", "13511112222", None, None],
        ["", "新村1号", 1, 1, "101", 120, "自住", "", "", lon, lat],
        ["", "新村1号", 1, 2, "201", 120, "空置", "", "", lon, lat],
    ])  # fmt: skip
    report = run(ledger.worker1, "houses", content, dry_run=False)
    assert (report.ok, report.created, report.updated) == (True, 2, 1)
    known = House.objects.get(building=ledger.building1, unit=1, room="301")
    assert (known.use, str(known.area), known.owner_name, known.reveal_pii("owner_phone")) == (
        "rented",
        "88.50",
        "钱房东",
        "13511112222",
    )
    new = House.objects.filter(building__name="新村1号").order_by("floor")
    assert [(h.floor, h.position, h.room, h.use) for h in new] == [
        (1, 1, "101", "self_occupied"),
        (2, 1, "201", "vacant"),
    ]
    assert new[0].building.floors == 2


def test_houses_outside_the_reach_or_without_a_place_are_problems(ledger):
    lon, lat = point_in(GRID_2)
    content = xlsx([
        ["楼栋", "楼层", "房号", "用途", "经度", "纬度"],
        ["越界楼", 1, "101", "自住", lon, lat],
        ["无处楼", 1, "101", "自住", None, None],
        ["测试村9号", 1, "101", "自住", None, None],
    ])  # fmt: skip
    report = run(ledger.worker1, "houses", content)
    assert problems(report) == [
        (2, "E", "This point lies outside the grids you serve."),
        (3, "A", "No such building in the grids you serve: give its longitude and latitude to create it."),
        (4, "A", "No such building in the grids you serve: give its longitude and latitude to create it."),
    ]


def test_organisations_are_deduplicated_by_credit_code(ledger):
    lon, lat = point_in(GRID_1)
    code = "91320583MA1XYW123"
    code += credit_check_char(code)
    content = xlsx([
        ["名称", "类型", "统一社会信用代码", "法定代表人", "联系电话", "从业人数", "经度", "纬度"],
        ["云州测试科技有限公司", "企业", code, "钱总", "0512-66001122", 25, lon, lat],
        ["重复公司", "企业", code, "孙总", "", 3, lon, lat],
        ["错码公司", "企业", code[:17] + ("0" if code[17] != "0" else "1"), "", "", "", lon, lat],
    ])  # fmt: skip
    report = run(ledger.worker1, "organisations", content)
    assert problems(report) == [
        (3, "C", "The same credit code as row 2."),
        (4, "C", f"The check character (the last one) of the credit code is wrong: it should be {code[17]}."),
    ]
    good = xlsx([
        ["名称", "类型", "统一社会信用代码", "法定代表人", "联系电话", "从业人数", "经度", "纬度"],
        ["云州测试科技有限公司", "企业", code, "钱总", "0512-66001122", 25, lon, lat],
    ])  # fmt: skip
    assert run(ledger.worker1, "organisations", good, dry_run=False).created == 1
    again = run(ledger.worker1, "organisations", good, dry_run=False)
    assert (again.created, again.updated) == (0, 1)
    assert Organisation.objects.filter(credit_code=code).count() == 1


def test_facilities_import_with_their_points(ledger):
    lon, lat = point_in(GRID_1)
    content = xlsx([
        ["部件编码", "类型", "状态", "权属单位", "经度", "纬度"],
        ["jg-0001", "井盖", "破损", "区水务局", lon, lat],
        ["LD-0001", "路灯", "", "供电所", lon, lat],
        ["XX-0001", "飞碟", "", "", lon, lat],
        ["JG-0001", "井盖", "", "", "东经", lat],
    ])  # fmt: skip
    report = run(ledger.worker1, "facilities", content)
    assert problems(report) == [
        (4, "B", "“飞碟” is not one of: Manhole cover、Street lamp、Fire hydrant、Camera、Waste bin、Bus stop、Road sign、Bench、Fitness equipment、E-bike charging point、Other."),
        (5, "A", "The same facility code as row 2."),
        (5, "E", "Must be a number."),
    ]  # fmt: skip
    fine = xlsx([["部件编码", "类型", "状态", "经度", "纬度"], ["jg-0001", "井盖", "破损", lon, lat]])
    assert run(ledger.worker1, "facilities", fine, dry_run=False).created == 1
    facility = Facility.objects.get(code="JG-0001")
    assert (facility.kind, facility.status) == ("manhole", "damaged")


def test_the_template_reads_back_as_an_empty_ledger_with_every_column(ledger):
    for kind in excel.KINDS:
        content = excel.template(kind)
        sheet = excel.read_ledger(kind, content)
        assert set(sheet.columns) == {c.key for c in excel.LEDGERS[kind]}
        assert [str(p.message) for p in sheet.problems] == ["The sheet holds no rows under the title row."]
        workbook = load_workbook(io.BytesIO(content))
        assert workbook.sheetnames[0] == str(excel.KIND_LABELS[kind])
        assert workbook["Choices"].sheet_state == "hidden"


def test_the_import_page_previews_then_imports_on_confirmation(ledger, browser):
    client = browser("gridworker1")
    response = client.post(
        "/people/import/", {"kind": "persons", "on_duplicate": "update", "file": SimpleUploadedFile("f.xlsx", family())}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-ok"' in page
    assert Person.objects.filter(name="张父").count() == 0
    done = client.post("/people/import/confirm/", follow=True)
    assert "3 rows imported: 3 new, 0 updated." in done.content.decode()
    assert Person.objects.filter(name__in=["张父", "李母", "张子"]).count() == 3
    again = client.post("/people/import/confirm/", follow=True)
    assert "The checked file is gone: upload it again." in again.content.decode()


def test_the_import_page_marks_bad_cells(ledger, browser):
    content = xlsx([HEAD, ["", A, "", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"]])
    response = browser("gridworker1").post(
        "/people/import/", {"kind": "persons", "on_duplicate": "update", "file": SimpleUploadedFile("f.xlsx", content)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="wg-bad" title="This cell must be filled in."' in page
    assert "<td>2</td><td>Name (A)</td><td>This cell must be filled in.</td>" in page
    assert 'data-testid="import-confirm"' not in page


def test_the_import_api_reports_and_imports(ledger, caller):
    api = caller("gridworker1")
    dry = api.client.post(
        "/api/v1/ledgers/persons/import", {"file": SimpleUploadedFile("f.xlsx", family())}, **api.headers
    )
    assert dry.status_code == 200
    assert dry.json() == {
        "kind": "persons",
        "total": 3,
        "dry_run": True,
        "ok": True,
        "created": 3,
        "updated": 0,
        "problems": [],
    }
    bad = api.client.post(
        "/api/v1/ledgers/persons/import",
        {"file": SimpleUploadedFile("f.xlsx", b"nonsense"), "dry_run": "false"},
        **api.headers,
    )
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["message"].startswith("The file is not an Excel workbook")
    real = api.client.post(
        "/api/v1/ledgers/persons/import",
        {"file": SimpleUploadedFile("f.xlsx", family()), "dry_run": "false"},
        **api.headers,
    )
    assert real.json()["created"] == 3
    leader = caller("leader")
    refused = leader.client.post(
        "/api/v1/ledgers/persons/import", {"file": SimpleUploadedFile("f.xlsx", family())}, **leader.headers
    )
    assert refused.status_code == 403


def test_problems_are_translated_for_the_reader(ledger, browser, caller):
    content = xlsx(
        [HEAD, ["", A[:17] + ("0" if A[17] != "0" else "1"), "", "户籍", "测试花园", "1幢", 2, "301", "F1", "户主"]]
    )
    page = browser("gridworker1", language="zh-hans").post(
        "/people/import/", {"kind": "persons", "on_duplicate": "update", "file": SimpleUploadedFile("f.xlsx", content)}
    )
    html = page.content.decode()
    assert "<td>2</td><td>姓名 (A)</td><td>此单元格必须填写。</td>" in html
    assert f"身份证号码校验码（最后一位）错误：应为 {A[17]}。" in html
    from tests.conftest import ApiClient

    zh = ApiClient(caller("gridworker1").headers["HTTP_AUTHORIZATION"].split()[1], language="zh-hans")
    response = zh.client.post(
        "/api/v1/ledgers/persons/import", {"file": SimpleUploadedFile("f.xlsx", b"csv,not,excel")}, **zh.headers
    )
    assert (
        response.json()["problems"][0]["message"]
        == "该文件不是 Excel 工作簿（.xlsx）：请在 Excel 中另存为“Excel 工作簿”后重新上传。"
    )
