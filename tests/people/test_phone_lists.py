"""Lists of records read as cards on a phone: the table is marked for stacking and every cell after the
first names its column (the CSS shows that name beside the value under 576 px)."""

import re

import pytest

LISTS = {
    "/people/persons/": "person-table",
    "/people/buildings/": "building-table",
    "/people/organisations/": "organisation-table",
    "/people/facilities/": "facility-table",
}


@pytest.mark.parametrize(("url", "testid"), LISTS.items())
def test_every_cell_of_a_list_row_names_its_column(browser_client, url, testid):
    html = browser_client("community1", language="en").get(url).content.decode()
    table = re.search(rf'<table class="([^"]*)" data-testid="{testid}">(.*?)</table>', html, re.S)
    assert table, f"{testid} not found on {url}"
    assert "wg-stack" in table.group(1).split()
    headers = re.findall(r"<th[^>]*>(.*?)</th>", table.group(2))
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(2).split("<tbody>")[1], re.S)
    assert rows and "colspan" not in rows[0], f"{url}: the demo ledger has rows to show"
    for row in rows:
        cells = re.findall(r"<td([^>]*)>", row)
        assert len(cells) == len(headers)
        for header, attrs in zip(headers[1:], cells[1:], strict=True):
            label = re.search(r'data-label="([^"]*)"', attrs)
            # A column without a header (an action link) needs no name.
            assert (label.group(1) if label else "") == header, f"{url}: {header!r} cell is {attrs!r}"
