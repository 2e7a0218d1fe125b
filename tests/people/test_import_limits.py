"""An uploaded ledger is measured from its zip directory before openpyxl inflates anything."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.people import excel


def bomb() -> bytes:
    """A 300 KB workbook whose shared strings unpack to 100 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst><si><t>" + b"A" * (100 * 2**20) + b"</t></si></sst>")
    return out.getvalue()


def test_a_decompression_bomb_is_refused_naming_the_limit_before_it_is_read(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 64 * 2**20
    sheet = excel.read_ledger("persons", bomb())
    assert [p.message for p in sheet.problems] == [
        "The file unpacks to more than 64 MB; it was not opened. Split it into smaller files."
    ]


def test_the_import_route_answers_400_naming_the_limit(ledger, caller, settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 64 * 2**20
    api = caller("gridworker1")
    upload = SimpleUploadedFile("bomb.xlsx", bomb(), "application/octet-stream")
    response = api.client.post("/api/v1/ledgers/persons/import", {"file": upload}, **api.headers)
    assert response.status_code == 400
    assert "The file unpacks to more than 64 MB" in response.content.decode()
