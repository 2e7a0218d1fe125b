"""The demo ledger (2,000 persons in the test session): consistent households, valid fictional ID
numbers, realistic labels, organisations and facilities in every grid, the same town for the same seed."""

import random

from django.db.models import Count

from wangge.people import demo
from wangge.people.models import Building, Facility, House, Household, Organisation, Person, PersonLabel
from wangge.people.validators import validate_resident_id
from wangge.regions.models import GRID_LEVELS, Region


def test_the_session_ledger_has_the_persons_asked_for(db):
    assert Person.objects.count() == 2_000
    assert Household.objects.count() >= 600
    assert House.objects.count() > Household.objects.count()
    assert Building.objects.count() >= 300


def test_every_person_lives_in_a_household_with_one_head(db):
    assert not Person.objects.filter(household__isnull=True).exists()
    assert not Person.objects.filter(house__isnull=True).exists()
    assert not Household.objects.filter(head__isnull=True).exists()
    heads = Person.objects.filter(relation="head").values("household").annotate(n=Count("id"))
    assert {row["n"] for row in heads} == {1}
    for person in Person.objects.select_related("house", "household")[:300]:
        assert person.region_path == person.house.region_path == person.household.region_path
        assert person.house_id == person.household.house_id


def test_id_numbers_are_fictional_valid_and_match_birth_and_gender(db):
    sample = random.Random(1).sample(list(Person.objects.all()), 200)
    for person in sample:
        number = person.reveal_pii("id_number")
        checked = validate_resident_id(number)
        assert (checked.birth_date, checked.gender) == (person.birth_date, person.gender)
        assert number[:4] in {"3299", "3499", "4199", "5199", "3699", "4299", "5099", "4399"}  # fictional cities
        assert person.id_number_masked == number[:6] + "********" + number[-4:]


def test_labels_have_realistic_rates_and_valid_fields(db):
    persons = Person.objects.count()
    counts = dict(PersonLabel.objects.values_list("kind").annotate(n=Count("id")))
    assert 0.05 < sum(counts.values()) / persons < 0.2
    assert counts["disability"] > counts.get("community_correction", 0)
    assert counts["elderly_alone"] > 0
    for label in PersonLabel.objects.select_related("person")[:200]:
        assert label.region_path == label.person.region_path
        if label.kind == "disability":
            assert 1 <= label.details["level"] <= 4


def test_every_grid_has_facilities_and_organisations(db):
    grids = Region.objects.filter(level__in=GRID_LEVELS)
    for grid in grids[:50]:
        assert Facility.objects.filter(region_path__startswith=grid.path).count() >= 12
        assert Organisation.objects.filter(region_path__startswith=grid.path).exists()
    assert (
        Organisation.objects.filter(kind="property").count()
        == Region.objects.filter(level="community", name__endswith="社区").count()
    )


def test_the_same_seed_gives_the_same_town(db):
    grid = Region.objects.filter(level="grid").order_by("code").first()
    micros = list(Region.objects.filter(parent=grid).order_by("code"))

    def people(seed):
        town = demo._Town(seed)
        town.grid(grid, micros, 60, grid.parent)
        return [(p["name"], p["birth_date"], p["id_number_index"], p["region_id"]) for p in town.rows[Person]]

    assert people(7) == people(7)
    assert people(7) != people(8)
    assert len(people(7)) == 60
