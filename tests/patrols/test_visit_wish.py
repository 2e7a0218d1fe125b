"""A wish from a visit: the visit page of an elderly or disabled resident offers a 微心愿 to a helper of their
area (``patrols.offers``, registered by services). With a need recorded, one button turns it into the wish,
linked back to the visit (one per visit), and the visit page then shows the wish; without one, the link to the
wish form names only the resident's id, and the form fills in the resident from the ledger in the reader's
reach (nothing for an id outside it)."""

import pytest
from django.utils import timezone

from tests.patrols.conftest import GRID_1, GRID_2
from wangge.accounts.models import User
from wangge.patrols.models import Visit
from wangge.people.models import Person, PersonLabel
from wangge.regions.models import Region
from wangge.services import services as wish_services
from wangge.services import visits as wish_visits
from wangge.services.models import Wish

pytestmark = pytest.mark.django_db


def _person_in(code: str) -> Person:
    path = Region.objects.get(code=code).path
    return Person.objects.filter(region_path__startswith=path, household__isnull=False).order_by("id").first()


def _visit(person: Person, needs: str = "") -> Visit:
    return Visit.objects.create(
        worker=User.objects.get(username="gridworker1"),
        person=person,
        household_id=person.household_id,
        region_path=person.region_path,
        visited_on=timezone.localdate(),
        needs=needs,
    )


def _elderly_in(code: str) -> Person:
    person = _person_in(code)
    PersonLabel.objects.get_or_create(person=person, kind="elderly_alone", defaults={"region_path": person.region_path})
    return person


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


def test_the_need_becomes_a_wish_in_one_step_linked_back_to_the_visit(browser):
    person = _elderly_in(GRID_1)
    visit = _visit(person, needs="希望有人每周帮忙买药\n腿脚不便，下楼困难")
    client = browser("gridworker1")
    body = client.get(f"/patrols/visits/{visit.pk}/").content.decode()
    action = f'action="/services/wishes/from-visit/{visit.pk}/"'
    assert action in body and 'data-testid="visit-wish"' in body
    answer = client.post(f"/services/wishes/from-visit/{visit.pk}/")
    assert answer.status_code == 302 and answer["Location"] == f"/patrols/visits/{visit.pk}/"
    wish = Wish.objects.get(visit=visit)
    assert (wish.title, wish.reason) == ("希望有人每周帮忙买药", "希望有人每周帮忙买药\n腿脚不便，下楼困难")
    assert (wish.beneficiary_name, wish.region.code, wish.status) == (person.name, person.region.code, "pending")
    assert wish.posted_by.username == "gridworker1" and wish.on_behalf
    body = client.get(f"/patrols/visits/{visit.pk}/").content.decode()
    assert f'href="/services/wishes/{wish.pk}/" data-testid="visit-wish-link"' in body and action not in body
    assert client.post(f"/services/wishes/from-visit/{visit.pk}/").status_code == 302
    assert Wish.objects.filter(visit=visit).count() == 1  # asking again answers the same wish
    page = client.get(f"/services/wishes/{wish.pk}/").content.decode()
    assert f'href="/patrols/visits/{visit.pk}/" data-testid="wish-visit"' in page
    # The community's secretary sees the wish on the visit too.
    assert 'data-testid="visit-wish-link"' in browser("community1").get(f"/patrols/visits/{visit.pk}/").content.decode()


def test_no_wish_without_a_labelled_resident_or_outside_reach(browser):
    person = _person_in(GRID_1)
    PersonLabel.objects.filter(person=person, kind__in=("elderly_alone", "disability")).delete()
    visit = _visit(person, needs="楼道灯坏了")
    answer = browser("gridworker1").post(f"/services/wishes/from-visit/{visit.pk}/", follow=True)
    assert "The visit met no elderly or disabled resident to post a wish for." in answer.content.decode()
    assert browser("gridworker2").post(f"/services/wishes/from-visit/{visit.pk}/").status_code == 404
    assert browser("resident1").post(f"/services/wishes/from-visit/{visit.pk}/").status_code == 404
    assert browser("gridworker1").get(f"/services/wishes/from-visit/{visit.pk}/").status_code == 405
    assert not Wish.objects.filter(visit=visit).exists()


def test_a_request_that_loses_the_race_answers_the_wish_the_other_posted(monkeypatch):
    person = _elderly_in(GRID_1)
    visit = _visit(person, needs="希望有人帮忙买药")
    worker = User.objects.get(username="gridworker1")
    other = {}
    real = wish_visits.beneficiary_of

    def racing(user, found):
        # Another request posts the visit's wish after this one looked for it and before it writes.
        if not other:
            other["wish"] = wish_services.post_wish(
                actor=worker, title="买药", region=person.region.code, beneficiary_name=person.name, visit=found
            )
        return real(user, found)

    monkeypatch.setattr(wish_visits, "beneficiary_of", racing)
    wish, created = wish_services.wish_from_visit(actor=worker, visit=visit)
    assert (wish, created) == (other["wish"], False)
    assert Wish.objects.filter(visit=visit).count() == 1
