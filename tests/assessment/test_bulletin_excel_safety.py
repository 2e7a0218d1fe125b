"""The bulletin workbook writes names from the frozen data as text: never a formula, never a broken file."""

import io
import zipfile

from openpyxl import load_workbook

from tests.assessment.test_bulletins import MARCH
from tests.dashboard import timelines
from wangge.assessment import services
from wangge.regions.models import Region

FORMULA = "=cmd|' /C calc'!A0"


def test_names_like_formulas_and_control_characters_are_written_as_text(flow, user, browser_client):
    timelines.build(flow)
    Region.objects.filter(code="329901001001").update(name=FORMULA + "\x1b")  # as it may be stored already
    street = Region.objects.get(code="329901001000")
    bulletin = services.generate_bulletin(actor=user("leader"), region=street, start=MARCH[0], end=MARCH[1])
    download = browser_client("leader", language="en").get(f"/assessment/bulletins/{bulletin.pk}/xlsx/")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert not any("<f>" in archive.read(name).decode() for name in sheets)
    book = load_workbook(io.BytesIO(download.content))
    written = [cell for row in book["Ranking"].iter_rows() for cell in row if cell.value == FORMULA]
    assert written and all(cell.quotePrefix for cell in written)
