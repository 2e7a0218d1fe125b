"""No plain personal number anywhere a test can look: the database file, pages, API bodies, error
responses, Excel exports and import previews, audit records and log lines. The one exception is the
reveal answer, which is the point of revealing (and is checked to be audited elsewhere)."""

import io
import logging
import zipfile
from datetime import date

import pytest
from django.db import connection

from tests.people.conftest import GRID_1, id_number, point_in, xlsx
from wangge.people import services
from wangge.people.models import Person

NEW_ID = id_number(date(1988, 8, 8), male=True, seq=21)
PAGE_ID = id_number(date(1999, 9, 9), male=False, seq=22)
IMPORT_ID = id_number(date(1966, 6, 6), male=True, seq=23)
BAD_ID = id_number(date(1977, 7, 7), male=True, seq=24)[:17] + "0"  # check digit forced to 0
if id_number(date(1977, 7, 7), male=True, seq=24) == BAD_ID:
    BAD_ID = BAD_ID[:17] + "1"
NEW_PHONE = "13611112222"
OWNER_PHONE = "13522223333"
ORG_PHONE = "051266554433"


def database_text() -> bytes:
    """Every byte of the database: the SQLite image (free pages included), or every row on PostgreSQL."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return connection.connection.serialize()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [row[0] for row in cursor.fetchall()]
        chunks = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (names from the catalogue)
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks).encode()


def xlsx_text(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


@pytest.fixture
def everything(ledger, browser, caller, user, caplog):
    """Drive every surface once and collect what it answered."""
    caplog.set_level(logging.DEBUG)
    worker = browser("gridworker1")
    api = caller("gridworker1")
    seen: list[tuple[str, bytes]] = []

    def keep(what: str, response) -> None:
        body = response.content
        if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
            body = xlsx_text(body)
        seen.append((what, body))

    # writes through the API, the pages and the services
    created = api.post(
        "/persons", {"name": "周新", "id_number": NEW_ID, "phone": NEW_PHONE, "house_id": ledger.house1.pk}
    )
    assert created.status_code == 201, created.content
    keep("api create", created)
    keep("api patch", api.patch(f"/persons/{ledger.person1.pk}", {"phone": "13900001111"}))
    keep("api bad id", api.post("/persons", {"name": "错号", "id_number": BAD_ID, "house_id": ledger.house1.pk}))
    keep(
        "api bad phone",
        api.post("/persons", {"name": "错号", "id_number": PAGE_ID, "phone": "138abc", "house_id": ledger.house1.pk}),
    )
    keep("api duplicate", api.post("/persons", {"name": "重复", "id_number": ledger.id1, "house_id": ledger.house1.pk}))
    bad_form = worker.post("/people/persons/new/", {
        "name": "表单错号", "id_type": "resident_id", "id_number": BAD_ID, "phone": NEW_PHONE, "population_type": "registered",
        "political_status": "masses", "status": "living_here", "house": ledger.house1.pk,
    })  # fmt: skip
    assert bad_form.status_code == 400
    keep("page bad form", bad_form)
    good_form = worker.post("/people/persons/new/", {
        "name": "表单新人", "id_type": "resident_id", "id_number": PAGE_ID, "population_type": "registered",
        "political_status": "masses", "status": "living_here", "house": ledger.house1.pk,
    })  # fmt: skip
    assert good_form.status_code == 302, good_form.content
    page_person = Person.objects.get(name="表单新人")
    services.update_house(
        actor=ledger.worker1, house=ledger.house1, data={"owner_name": "房东", "owner_phone": OWNER_PHONE}
    )
    lon, lat = point_in(GRID_1)
    org = services.create_organisation(
        actor=ledger.worker1, data={"kind": "shop", "name": "测试便利店", "phone": ORG_PHONE, "lon": lon, "lat": lat}
    )

    # an Excel import: dry run, preview, confirm
    ledger_file = xlsx([
        ["姓名", "证件号码", "联系电话", "小区", "楼栋", "单元", "房号", "户号", "与户主关系"],
        ["导入人", IMPORT_ID, "13744445555", "测试花园", "1幢", 1, "301", "H900", "户主"],
        ["坏行", BAD_ID, "13744446666", "测试花园", "1幢", 1, "302", "H901", "户主"],
    ])  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = worker.post(
        "/people/import/",
        {"kind": "persons", "on_duplicate": "update", "file": SimpleUploadedFile("a.xlsx", ledger_file)},
    )
    assert preview.status_code == 400
    keep("import preview with errors", preview)
    fixed = xlsx([
        ["姓名", "证件号码", "联系电话", "小区", "楼栋", "单元", "房号", "户号", "与户主关系"],
        ["导入人", IMPORT_ID, "13744445555", "测试花园", "1幢", 1, "301", "H900", "户主"],
    ])  # fmt: skip
    preview = worker.post(
        "/people/import/", {"kind": "persons", "on_duplicate": "update", "file": SimpleUploadedFile("b.xlsx", fixed)}
    )
    assert preview.status_code == 200, preview.content
    keep("import preview", preview)
    confirmed = worker.post("/people/import/confirm/", follow=True)
    keep("import done", confirmed)
    assert Person.objects.filter(name="导入人").count() == 1

    # reads: pages, API, search, exports
    for url in (
        "/people/", "/people/persons/", f"/people/persons/{ledger.person1.pk}/", f"/people/persons/{page_person.pk}/",
        f"/people/persons/{ledger.person1.pk}/edit/", f"/people/households/{ledger.household1.pk}/",
        f"/people/houses/{ledger.house1.pk}/", f"/people/houses/{ledger.house1.pk}/edit/",
        f"/people/buildings/{ledger.building1.pk}/", "/people/buildings/", "/people/organisations/",
        f"/people/organisations/{org.pk}/", f"/people/organisations/{org.pk}/edit/", "/people/facilities/",
    ):  # fmt: skip
        response = worker.get(url)
        assert response.status_code == 200, url
        keep(url, response)
    for number in (ledger.id1, NEW_PHONE):
        response = worker.post("/people/persons/", {"number": number, "page": 1})
        assert response.status_code == 200
        assert "person-table" in response.content.decode()
        keep("page search", response)
    keep("page export", worker.post("/people/export/persons/", {"page": 1}))
    keep("page export houses", worker.post("/people/export/houses/", {}))
    keep("page export organisations", worker.post("/people/export/organisations/", {}))
    for path in ("/persons", f"/persons/{ledger.person1.pk}", f"/households/{ledger.household1.pk}", f"/houses/{ledger.house1.pk}",
                 f"/buildings/{ledger.building1.pk}/cells", "/organisations", f"/organisations/{org.pk}", "/houses"):  # fmt: skip
        response = api.get(path)
        assert response.status_code == 200, path
        keep(f"api {path}", response)
    searched = api.post("/persons/search", {"id_number": ledger.id1})
    assert searched.json()["count"] == 1
    keep("api search", searched)
    keep("api export", api.post("/ledgers/persons/export", {}))
    return {
        "seen": seen,
        "caplog": caplog,
        "numbers": [
            *ledger.plain_numbers,
            NEW_ID,
            PAGE_ID,
            IMPORT_ID,
            NEW_PHONE,
            OWNER_PHONE,
            ORG_PHONE,
            "13744445555",
            "13900001111",
        ],
    }


def test_no_page_api_answer_export_or_preview_holds_a_plain_number(everything):
    assert len(everything["seen"]) > 30
    for what, body in everything["seen"]:
        for number in everything["numbers"]:
            assert number.encode() not in body, f"{number[:3]}… in {what}"
    assert not any(BAD_ID.encode() in body for _what, body in everything["seen"])


def test_masked_forms_do_appear_where_the_plain_ones_do_not(everything, ledger):
    masked = ledger.id1[:6] + "*" * 8 + ledger.id1[-4:]
    assert any(masked.encode() in body for _what, body in everything["seen"])


def logged(caplog) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    records = caplog.get_records("setup") + caplog.get_records("call")
    return "\n".join(formatter.format(record) for record in records)


def test_no_log_line_holds_a_plain_number(everything):
    text = logged(everything["caplog"])
    assert "Bad Request: /api/v1/persons" in text  # requests were logged, just without numbers
    for number in [*everything["numbers"], BAD_ID]:
        assert number not in text


def test_the_database_holds_no_plain_number(everything):
    raw = database_text()
    for number in everything["numbers"]:
        assert number.encode() not in raw, number[:3]
    # the numbers are there, encrypted: each decrypts back
    person = Person.objects.get(name="导入人")
    assert person.reveal_pii("id_number") == IMPORT_ID


def test_a_revealed_number_is_shown_once_and_still_not_logged(ledger, caller, caplog):
    caplog.set_level(logging.DEBUG)
    response = caller("gridworker1").post(
        f"/persons/{ledger.person1.pk}/reveal", {"field": "id_number", "reason": "入户核实身份"}
    )
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": ledger.id1}
    assert ledger.id1 not in logged(caplog)
