"""Rules the services enforce: numbers checked and derived, households kept consistent, label fields
declared per kind, buildings resized safely, every write audited with masked numbers only."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.people.conftest import GRID_1, id_number, point_in
from wangge.accounts.models import AuditLog
from wangge.people import services
from wangge.people.models import House, Household, Person


def errors(exc) -> dict:
    return {k: v[0] for k, v in exc.value.message_dict.items()}


def test_birth_date_and_gender_come_from_the_id_number(ledger):
    person = Person.objects.get(pk=ledger.person1b.pk)
    assert (person.birth_date, person.gender) == (date(1953, 7, 1), "female")
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            actor=ledger.worker1,
            data={
                "name": "甲",
                "id_number": id_number(date(1960, 1, 1), seq=61),
                "birth_date": "1960-01-02",
                "gender": "female",
                "house": ledger.house1,
            },
        )
    assert errors(exc) == {
        "birth_date": "The birth date differs from the one the ID number holds.",
        "gender": "The gender differs from the one the ID number holds.",
    }


def test_the_same_id_number_is_refused_even_typed_differently(ledger):
    spaced = f"{ledger.id1[:6]} {ledger.id1[6:14]} {ledger.id1[14:].lower()}"
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=ledger.worker1, data={"name": "重复", "id_number": spaced, "house": ledger.house1})
    assert errors(exc) == {"id_number": "A person with this ID number is already in the ledger."}


def test_other_documents_need_a_birth_date_and_gender(ledger):
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            actor=ledger.worker1,
            data={"name": "John", "id_type": "passport", "id_number": "E12345678", "house": ledger.house1},
        )
    assert errors(exc) == {"birth_date": "Enter the birth date."}
    person = services.create_person(
        actor=ledger.worker1,
        data={
            "name": "John",
            "id_type": "passport",
            "id_number": "e1234-5678",
            "birth_date": "1985-02-03",
            "gender": "male",
            "population_type": "overseas",
            "house": ledger.house1,
        },
    )
    assert person.id_number_masked == "*" * 9  # ten characters or fewer are masked whole
    assert person.reveal_pii("id_number") == "E12345678"


def test_a_member_needs_a_relation_and_a_household_one_head(ledger):
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            actor=ledger.worker1, data={"name": "乙", "id_number": id_number(seq=62), "household": ledger.household1}
        )
    assert errors(exc) == {"relation": "Give the relation to the head of the household."}
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            actor=ledger.worker1,
            data={"name": "乙", "id_number": id_number(seq=62), "household": ledger.household1, "relation": "head"},
        )
    assert errors(exc) == {"relation": "The household already has a head: change their relation first."}


def test_changing_the_head_moves_the_household_head(ledger):
    services.update_person(actor=ledger.worker1, person=ledger.person1, data={"relation": "parent"})
    assert Household.objects.get(pk=ledger.household1.pk).head_id is None
    services.update_person(actor=ledger.worker1, person=ledger.person1b, data={"relation": "head"})
    assert Household.objects.get(pk=ledger.household1.pk).head_id == ledger.person1b.pk


def test_the_household_house_wins_and_the_person_follows_its_region(ledger):
    person = services.create_person(
        actor=ledger.worker1,
        data={"name": "丙", "id_number": id_number(seq=63), "household": ledger.household1, "relation": "son"},
    )
    assert person.house_id == ledger.house1.pk
    assert person.region_path == ledger.house1.region_path
    other = House.objects.filter(building=ledger.building1).exclude(pk=ledger.house1.pk).first()
    with pytest.raises(ValidationError) as exc:
        services.update_person(actor=ledger.worker1, person=person, data={"house": other.pk})
    assert errors(exc) == {"house": "The household lives in another house."}


def test_label_fields_are_checked_against_the_kind(ledger):
    with pytest.raises(ValidationError) as exc:
        services.add_label(
            actor=ledger.worker1,
            person=ledger.person1b,
            kind="disability",
            details={"category": "wings", "colour": "red"},
        )
    assert errors(exc) == {
        "details.colour": "A Disability label has no field colour.",
        "details.category": "Category must be one of: Visual, Hearing, Speech, Physical, Intellectual, Mental, Multiple.",
        "details.level": "Level (1 most severe – 4) is required.",
    }
    with pytest.raises(ValidationError) as exc:
        services.add_label(
            actor=ledger.worker1, person=ledger.person1, kind="disability", details={"category": "visual", "level": 1}
        )
    assert errors(exc) == {"kind": "The person already carries this label."}
    label = services.add_label(
        actor=ledger.worker1,
        person=ledger.person1b,
        kind="subsistence",
        details={"scheme": "dibao", "monthly_amount": "960"},
    )
    assert label.details == {"scheme": "dibao", "monthly_amount": "960"}
    assert label.region_path == ledger.person1b.region_path


def test_labels_need_the_labels_capability(ledger, user):
    with pytest.raises(PermissionDenied):
        services.add_label(actor=user("leader"), person=ledger.person1, kind="veteran")
    with pytest.raises(PermissionDenied):
        services.add_label(actor=user("liaison1"), person=ledger.person1, kind="veteran")


def test_a_building_grows_and_shrinks_but_never_under_its_residents(ledger):
    services.update_building(actor=ledger.worker1, building=ledger.building1, data={"floors": 4})
    assert House.objects.filter(building=ledger.building1).count() == 16
    with pytest.raises(ValidationError) as exc:
        services.update_building(actor=ledger.worker1, building=ledger.building1, data={"floors": 1})
    assert errors(exc) == {"floors": "Households live in houses outside the new size: move them first."}
    services.update_building(actor=ledger.worker1, building=ledger.building1, data={"floors": 2})
    assert House.objects.filter(building=ledger.building1).count() == 8


def test_a_building_moved_to_another_grid_takes_its_people_along(ledger, user):
    from tests.people.conftest import GRID_2

    lon, lat = point_in(GRID_2)
    services.update_building(actor=user("community1"), building=ledger.building1, data={"lon": lon, "lat": lat})
    person = Person.objects.get(pk=ledger.person1.pk)
    assert person.region.parent.code == GRID_2 or person.region.code == GRID_2
    assert person.labels.get().region_path == person.region_path


def test_points_outside_any_grid_are_refused(ledger):
    with pytest.raises(ValidationError) as exc:
        services.create_facility(
            actor=ledger.worker1, data={"kind": "camera", "code": "C-1", "lon": 100.0, "lat": 20.0}
        )
    assert errors(exc) == {"lon": "No grid contains this point: check the longitude and latitude."}


def test_audit_records_carry_masked_numbers_only(ledger):
    services.update_person(actor=ledger.worker1, person=ledger.person1, data={"phone": "13655556666"})
    record = AuditLog.objects.filter(action="people.person.update").latest("id")
    assert record.changes == {"phone_masked": ["139****5678", "136****6666"]}
    created = AuditLog.objects.get(action="people.person.create", object_id=str(ledger.person1.pk))
    assert created.changes["id_number_masked"] == ledger.person1.id_number_masked
    assert created.actor.username == "gridworker1"


def test_an_unchanged_update_writes_nothing(ledger):
    before = AuditLog.objects.count()
    services.update_person(actor=ledger.worker1, person=ledger.person1, data={"name": "王建国"})
    assert AuditLog.objects.count() == before


def test_phones_with_letters_are_refused_by_name(ledger):
    lon, lat = point_in(GRID_1)
    with pytest.raises(ValidationError) as exc:
        services.create_organisation(
            actor=ledger.worker1, data={"kind": "shop", "name": "店", "phone": "0512-ABC", "lon": lon, "lat": lat}
        )
    assert errors(exc) == {
        "phone": "A phone number holds digits only (a dash after the area code is allowed); remove the letters."
    }
