"""The home summary and the grid card show the ledger's records and the registered statistics, each named
for what it is, and the ledger's figure is the one the basic-data page shows for the same grid."""

import re

from wangge.people.models import Household, Person
from wangge.regions.models import Region

GRID_1 = "329901001001001"
COMMUNITY_1 = "329901001001"


def _figure(html: str, key: str) -> int:
    match = re.search(rf'data-testid="(?:card|figure)-{key}"[^>]*>(\d+)', html)
    assert match, f"no {key} figure on the page"
    return int(match.group(1))


def test_the_grid_card_counts_the_same_ledger_as_the_basic_data_page(browser_client):
    client = browser_client("gridworker1")
    grid = Region.objects.get(code=GRID_1)
    households = Household.objects.filter(region_path__startswith=grid.path).count()
    persons = Person.objects.filter(region_path__startswith=grid.path).count()
    assert households and persons, "the demo ledger has households and persons in gridworker1's grid"

    card = client.get(f"/regions/{GRID_1}/card/").content.decode()
    basic_data = client.get("/people/", {"region": GRID_1})
    assert _figure(card, "ledger-households") == households == basic_data.context["counts"]["households"]
    assert _figure(card, "ledger-persons") == persons == basic_data.context["counts"]["persons"]


def test_registered_statistics_are_named_as_such_with_their_date(browser_client):
    grid = Region.objects.get(code=GRID_1)
    card = browser_client("gridworker1", language="en").get(f"/regions/{GRID_1}/card/").content.decode()
    assert _figure(card, "registered-households") == grid.household_count
    assert _figure(card, "registered-residents") == grid.population
    assert "Registered households" in card and "Households in the ledger" in card
    assert f"Statistics entered for the region, as of {grid.updated_at.date().isoformat()}" in card
    assert "Records in the basic data, counted now" in card


def test_the_home_summary_of_a_community_sums_the_ledger_under_it(browser_client):
    community = Region.objects.get(code=COMMUNITY_1)
    home = browser_client("community1").get("/home/").content.decode()
    assert (
        _figure(home, "ledger-households") == Household.objects.filter(region_path__startswith=community.path).count()
    )
    registered = sum(
        Region.objects.filter(
            path__startswith=community.path, level__in=["grid", "special_grid"], is_active=True
        ).values_list("household_count", flat=True)
    )
    assert _figure(home, "registered-households") == registered


def test_a_resident_sees_the_statistics_but_no_ledger_figures(browser_client):
    home = browser_client("resident1").get("/home/").content.decode()
    card = browser_client("resident1").get(f"/regions/{GRID_1}/card/").content.decode()
    for page in (home, card):
        assert "ledger-households" not in page and "ledger-persons" not in page
        assert 'registered-households"' in page
