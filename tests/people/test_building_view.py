"""The building view (作战图): floors × units × rooms as cells, coloured by use, marked by labels,
with a legend and filters; the grid's buildings at a glance."""

from datetime import date

from tests.people.conftest import id_number, point_in
from wangge.people import services

LIAISON_MICRO_GRID = "329901001001001001"


def cell(html: str, unit: int, floor: int, position: int) -> str:
    start = html.index(f'data-testid="cell-{unit}-{floor}-{position}"')
    opening = html.rindex("<td", 0, start)
    return html[opening : html.index("</td>", start)]


def test_cells_are_coloured_by_use_and_marked_by_labels(ledger, browser):
    html = browser("gridworker1").get(f"/people/buildings/{ledger.building1.pk}/").content.decode()
    lived = cell(html, 1, 2, 1)
    assert 'class="wg-cell wg-use-self_occupied"' in lived
    assert ">201<" in lived
    assert 'title="Residents">2<' in lived
    assert 'data-label="disability">Dis<' in lived
    empty = cell(html, 2, 3, 2)
    assert 'class="wg-cell wg-use-vacant"' in empty
    assert "data-label" not in empty
    assert html.count('class="wg-cell ') == 12  # 3 floors × 2 units × 2 rooms
    assert html.index('data-testid="cell-1-3-1"') < html.index('data-testid="cell-1-1-1"')  # top floor first


def test_the_legend_counts_uses_and_labels(ledger, browser):
    html = browser("gridworker1").get(f"/people/buildings/{ledger.building1.pk}/").content.decode()
    assert "Self-occupied (1)" in html
    assert "Vacant (11)" in html
    assert "Disability (1)" in html
    assert "Veteran (0)" in html


def test_filters_dim_the_cells_that_do_not_match(ledger, browser):
    client = browser("gridworker1")
    by_use = client.get(f"/people/buildings/{ledger.building1.pk}/?use=vacant").content.decode()
    assert "wg-dim" in cell(by_use, 1, 2, 1)
    assert "wg-dim" not in cell(by_use, 1, 1, 1)
    by_label = client.get(f"/people/buildings/{ledger.building1.pk}/?label=disability").content.decode()
    assert "wg-dim" not in cell(by_label, 1, 2, 1)
    assert "wg-dim" in cell(by_label, 1, 1, 1)
    assert by_label.count("wg-dim") == 11


def test_an_htmx_filter_returns_only_the_grid(ledger, browser):
    response = browser("gridworker1").get(
        f"/people/buildings/{ledger.building1.pk}/?use=rented", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="wg-building-grid"')
    assert "<html" not in html


def test_roles_without_the_labels_capability_see_no_markers(ledger, browser, caller):
    lon, lat = point_in(LIAISON_MICRO_GRID)
    building = services.create_building(
        actor=ledger.worker1,
        data={"name": "联络员楼", "lon": lon, "lat": lat, "floors": 2, "units": 1, "rooms_per_floor": 1},
    )
    house = building.houses.get(floor=1)
    household = services.create_household(actor=ledger.worker1, data={"house": house})
    person = services.create_person(
        actor=ledger.worker1,
        data={
            "name": "孤老",
            "id_number": id_number(date(1940, 1, 1), seq=51),
            "household": household,
            "relation": "head",
        },
    )
    services.add_label(actor=ledger.worker1, person=person, kind="elderly_alone", details={"care_frequency": "daily"})
    worker = browser("gridworker1").get(f"/people/buildings/{building.pk}/").content.decode()
    liaison = browser("liaison1").get(f"/people/buildings/{building.pk}/").content.decode()
    assert 'data-label="elderly_alone"' in worker
    assert "data-label=" not in liaison
    assert "Elderly living alone" not in liaison
    assert 'title="Residents">1<' in liaison
    cells = caller("liaison1").get(f"/buildings/{building.pk}/cells").json()
    assert cells["label_counts"] is None
    assert [c["labels"] for c in cells["cells"] if c["floor"] == 1] == [[]]
    assert caller("gridworker1").get(f"/buildings/{building.pk}/cells").json()["label_counts"]["elderly_alone"] == 1


def test_the_api_gives_the_same_cells(ledger, caller):
    data = caller("gridworker1").get(f"/buildings/{ledger.building1.pk}/cells").json()
    assert data["floors"] == [3, 2, 1]
    assert data["units"] == [1, 2]
    assert data["positions"] == [1, 2]
    assert len(data["cells"]) == 12
    lived = next(c for c in data["cells"] if (c["unit"], c["floor"], c["position"]) == (1, 2, 1))
    assert lived == {
        "house_id": ledger.house1.pk,
        "unit": 1,
        "floor": 2,
        "position": 1,
        "room": "201",
        "use": "self_occupied",
        "residents": 2,
        "labels": ["disability"],
    }
    assert data["use_counts"] == {"self_occupied": 1, "rented": 0, "vacant": 11, "commercial": 0, "other": 0}
    assert data["residents"] == 2


def test_the_grid_at_a_glance_lists_its_buildings_with_totals(ledger, browser):
    html = browser("gridworker1").get("/people/buildings/").content.decode()
    row = html[html.index(f'href="/people/buildings/{ledger.building1.pk}/"') :]
    row = row[: row.index("</tr>")]
    assert "3 × 2 × 2" in row
    assert [cell.split(">")[-1] for cell in row.split("</td>")[3:7]] == ["12", "11", "0", "2"]
    assert f'href="/people/buildings/{ledger.building2.pk}/"' not in html


def test_the_building_view_costs_a_fixed_number_of_queries(ledger, browser, django_assert_max_num_queries):
    client = browser("gridworker1")
    client.get(f"/people/buildings/{ledger.building1.pk}/")
    big = services.create_building(
        actor=ledger.worker1,
        data={
            "name": "高层",
            "lon": ledger.building1.lon,
            "lat": ledger.building1.lat,
            "floors": 30,
            "units": 3,
            "rooms_per_floor": 4,
        },
    )
    with django_assert_max_num_queries(16):
        response = client.get(f"/people/buildings/{big.pk}/")
    assert response.content.decode().count('class="wg-cell ') == 360
