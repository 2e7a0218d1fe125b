"""The add-member form's person search: persons in the caller's reach by name, whole phone or its last four
digits, shown with the masked phone; members shown and not offered; others' persons never listed."""

import re

import pytest

from tests.party.conftest import GRID_1, GRID_2, branch_of, person_in
from wangge.core import pii
from wangge.party.models import PartyMember
from wangge.people.models import Person

pytestmark = pytest.mark.django_db


def _with_phone(person: Person, phone: str) -> Person:
    person.set_pii("phone", phone)
    person.save()
    return person


def _choices(page: bytes) -> list[int]:
    return [int(v) for v in re.findall(rb'type="radio" name="person" value="(\d+)"', page)]


def test_the_form_has_a_search_box_fetching_choices_without_inline_script(browser):
    page = browser("gridworker1").get("/party/members/new/").content.decode()
    assert 'data-testid="person-search"' in page and 'hx-get="/party/members/new/people/"' in page
    assert "<script>" not in page.split('data-testid="person-search"')[1].split("</form>")[0]


def test_search_by_name_lists_persons_in_reach_with_their_masked_phone(browser):
    person = _with_phone(person_in(GRID_1), "13800138123")
    found = browser("gridworker1").get("/party/members/new/people/", {"person_q": person.name[:2]})
    assert found.status_code == 200 and person.pk in _choices(found.content)
    assert "138****8123" in found.content.decode() and "13800138123" not in found.content.decode()
    # gridworker2 keeps another grid: the same search names nobody from grid 1
    other = browser("gridworker2").get("/party/members/new/people/", {"person_q": person.name})
    assert person.pk not in _choices(other.content)


def test_search_by_whole_phone_and_by_its_last_four_digits(browser):
    person = _with_phone(person_in(GRID_1), "13700137456")
    client = browser("gridworker1")
    assert _choices(client.get("/party/members/new/people/", {"person_q": "137 0013 7456"}).content) == [person.pk]
    assert person.pk in _choices(client.get("/party/members/new/people/", {"person_q": "7456"}).content)
    assert pii.mask_phone("13700137456") == person.phone_masked


def test_a_member_is_shown_but_not_offered_and_nobody_found_says_so(browser):
    member = PartyMember.objects.filter(person__region_path__startswith=person_in(GRID_1).region_path).first()
    page = browser("gridworker1").get("/party/members/new/people/", {"person_q": member.person.name}).content
    assert b"already a party member" in page
    assert re.search(rf'value="{member.person_id}" disabled'.encode(), page)
    none = browser("gridworker1").get("/party/members/new/people/", {"person_q": "没有这个人zz"}).content
    assert b'data-testid="person-none"' in none


def test_search_needs_the_ledger_change_right(browser):
    assert browser("leader").get("/party/members/new/people/", {"person_q": "张"}).status_code == 403
    assert browser("resident1").get("/party/members/new/people/", {"person_q": "张"}).status_code == 403


def test_a_person_picked_from_the_search_becomes_a_member_and_an_error_keeps_the_choice(browser):
    client = browser("gridworker1")
    person = person_in(GRID_1)
    refused = client.post("/party/members/new/", {"person": person.pk, "organisation": branch_of(GRID_2).pk})
    assert refused.status_code == 400
    assert f'value="{person.pk}" checked'.encode() in refused.content
    made = client.post(
        "/party/members/new/",
        {"person": person.pk, "person_q": person.name, "organisation": branch_of(GRID_1).pk, "status": "full"},
    )
    assert made.status_code == 302 and PartyMember.objects.filter(person=person).exists()
