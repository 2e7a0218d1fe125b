"""A wish from a visit: the visit page of an elderly or disabled resident offers a 微心愿 to a helper of their
area (``patrols.offers``, registered by services), the link names only the resident's id, and the wish form
fills in the resident from the ledger in the reader's reach (nothing for an id outside it)."""

import pytest
from django.utils import timezone

from tests.patrols.conftest import GRID_1, GRID_2
from wangge.accounts.models import User
from wangge.patrols.models import Visit
from wangge.people.models import Person, PersonLabel
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db


def _person_in(code: str) -> Person:
    path = Region.objects.get(code=code).path
    return Person.objects.filter(region_path__startswith=path, household__isnull=False).order_by("id").first()


def _visit(person: Person) -> Visit:
    return Visit.objects.create(
        worker=User.objects.get(username="gridworker1"),
        person=person,
        household_id=person.household_id,
        region_path=person.region_path,
        visited_on=timezone.localdate(),
    )


def test_a_visit_to_an_elderly_resident_offers_a_wish_prefilled_from_the_ledger(browser):
    person = _person_in(GRID_1)
    PersonLabel.objects.get_or_create(person=person, kind="elderly_alone", defaults={"region_path": person.region_path})
    visit = _visit(person)
    page = browser("gridworker1").get(f"/patrols/visits/{visit.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="visit-wish"' in body and f"/services/wishes/new/?for_person={person.pk}" in body
    form = browser("gridworker1").get(f"/services/wishes/new/?for_person={person.pk}")
    assert form.status_code == 200
    assert f'value="{person.name}"' in form.content.decode()


def test_no_wish_is_offered_for_an_unlabelled_resident_and_no_prefill_outside_reach(browser):
    person = _person_in(GRID_1)
    PersonLabel.objects.filter(person=person, kind__in=("elderly_alone", "disability")).delete()
    visit = _visit(person)
    page = browser("gridworker1").get(f"/patrols/visits/{visit.pk}/")
    assert page.status_code == 200 and 'data-testid="visit-wish"' not in page.content.decode()
    elsewhere = _person_in(GRID_2)
    form = browser("gridworker1").get(f"/services/wishes/new/?for_person={elsewhere.pk}")
    assert form.status_code == 200 and elsewhere.name not in form.content.decode()
