"""The rules of party work, through the services: the tree's areas and cycles, members linked to visible
persons, central households' limits and coverage."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.party.conftest import (
    COMMUNITY_1,
    GRID_1,
    GRID_2,
    GRID_OTHER_COMMUNITY,
    STREET_2,
    branch_of,
    committee,
    general_of,
    households_in,
    member_in,
    person_in,
    persons_in,
)
from wangge.accounts.models import AuditLog
from wangge.party import selectors, services
from wangge.party.models import CoveredHousehold, OrganisationKind, PartyMember
from wangge.people.models import PoliticalStatus

pytestmark = pytest.mark.django_db


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- the tree -------------------------------------------------------------------------------------------


def test_a_group_inside_its_branch_is_created_and_audited(user):
    admin = user("admin")
    group = services.create_organisation(
        actor=admin, kind=OrganisationKind.GROUP, name="第二党小组", regions=[GRID_1], parent=branch_of(GRID_1).pk
    )
    assert group.parent == branch_of(GRID_1)
    assert list(group.served.values_list("region__code", flat=True)) == [GRID_1]
    assert AuditLog.objects.filter(action="party.organisation.create", object_id=str(group.pk)).exists()


def test_a_child_serving_a_region_outside_its_parent_is_refused_naming_the_field(user):
    with pytest.raises(ValidationError) as excinfo:
        services.create_organisation(
            actor=user("admin"),
            kind=OrganisationKind.GROUP,
            name="越界党小组",
            regions=[GRID_2],
            parent=branch_of(GRID_1).pk,
        )
    assert "outside the area of the parent organisation" in errors(excinfo)["regions"][0]


def test_moving_under_an_organisation_whose_area_does_not_hold_it_is_refused(user):
    branch = branch_of(GRID_OTHER_COMMUNITY)
    with pytest.raises(ValidationError) as excinfo:
        services.move_organisation(actor=user("admin"), organisation=branch, parent=general_of(COMMUNITY_1).pk)
    assert "parent" in errors(excinfo)
    branch.refresh_from_db()
    assert branch.parent == general_of(branch.served.get().region.parent.code)


def test_moving_an_organisation_under_its_own_descendant_is_refused(user):
    general = general_of(COMMUNITY_1)
    with pytest.raises(ValidationError) as excinfo:
        services.move_organisation(actor=user("admin"), organisation=general, parent=branch_of(GRID_1).pk)
    assert "under itself" in errors(excinfo)["parent"][0]
    with pytest.raises(ValidationError):
        services.move_organisation(actor=user("admin"), organisation=general, parent=general.pk)


def test_moving_to_the_top_and_back_is_allowed(user):
    branch = branch_of(GRID_1)
    services.move_organisation(actor=user("admin"), organisation=branch, parent=None)
    branch.refresh_from_db()
    assert branch.parent is None
    services.move_organisation(actor=user("admin"), organisation=branch, parent=committee().pk)
    branch.refresh_from_db()
    assert branch.parent == committee()


def test_narrowing_an_area_that_would_leave_a_child_outside_is_refused(user):
    general = general_of(COMMUNITY_1)
    with pytest.raises(ValidationError) as excinfo:
        services.update_organisation(actor=user("admin"), organisation=general, regions=[GRID_1])
    assert "would be outside" in errors(excinfo)["regions"][0]


def test_a_co_building_unit_names_a_community_and_serves_it(user):
    unit = services.create_organisation(
        actor=user("admin"),
        kind=OrganisationKind.COBUILDING,
        name="区供电公司党支部",
        parent=committee().pk,
        community=COMMUNITY_1,
    )
    assert list(unit.served.values_list("region__code", flat=True)) == [COMMUNITY_1]
    with pytest.raises(ValidationError) as excinfo:
        services.create_organisation(
            actor=user("admin"), kind=OrganisationKind.COBUILDING, name="无社区", regions=[COMMUNITY_1]
        )
    assert "community" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.create_organisation(
            actor=user("admin"), kind=OrganisationKind.COBUILDING, name="网格当社区", community=GRID_1
        )
    assert "not a community" in errors(excinfo)["community"][0]


def test_names_with_script_tags_are_stored_as_text_and_control_characters_refused(user):
    name = "<script>alert(1)</script>党小组"
    group = services.create_organisation(
        actor=user("admin"), kind=OrganisationKind.GROUP, name=name, regions=[GRID_1], parent=branch_of(GRID_1).pk
    )
    group.refresh_from_db()
    assert group.name == name
    with pytest.raises(ValidationError) as excinfo:
        services.create_organisation(
            actor=user("admin"),
            kind=OrganisationKind.GROUP,
            name="党小组\u202e",
            regions=[GRID_1],
            parent=branch_of(GRID_1).pk,
        )
    assert "name" in errors(excinfo)


def test_a_grid_worker_cannot_create_an_organisation_serving_regions_beyond_their_grid(user):
    with pytest.raises(ValidationError) as excinfo:
        services.create_organisation(
            actor=user("gridworker1"),
            kind=OrganisationKind.GROUP,
            name="社区党小组",
            regions=[COMMUNITY_1],
            parent=general_of(COMMUNITY_1).pk,
        )
    assert "regions" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.create_organisation(
            actor=user("gridworker1"), kind=OrganisationKind.GROUP, name="外街党小组", regions=[STREET_2]
        )
    assert "regions" in errors(excinfo)


def test_a_leader_may_read_but_not_write(user):
    with pytest.raises(PermissionDenied):
        services.create_organisation(actor=user("leader"), kind=OrganisationKind.GROUP, name="x", regions=[GRID_1])


# --- members --------------------------------------------------------------------------------------------


def test_a_member_links_a_visible_person_and_the_ledger_follows_their_standing(user):
    person = person_in(GRID_1)
    member = services.create_member(
        actor=user("gridworker1"),
        person=person.pk,
        organisation=branch_of(GRID_1).pk,
        status="probationary",
        grid=GRID_1,
    )
    person.refresh_from_db()
    assert member.person == person
    assert person.political_status == PoliticalStatus.PROBATIONARY
    services.update_member(actor=user("gridworker1"), member=member, status="full")
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.PARTY_MEMBER
    assert AuditLog.objects.filter(action="party.member.update", object_id=str(member.pk)).exists()


def test_a_member_linked_to_a_person_out_of_reach_is_refused_like_an_unknown_one(user):
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(
            actor=user("gridworker1"), person=person_in(GRID_2).pk, organisation=branch_of(GRID_1).pk
        )
    assert errors(excinfo) == {"person": ["No person with this id in your reach."]}
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(actor=user("gridworker1"), person=10**9, organisation=branch_of(GRID_1).pk)
    assert errors(excinfo) == {"person": ["No person with this id in your reach."]}


def test_a_person_is_a_member_once_and_an_in_service_member_names_an_employer(user):
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(
            actor=user("gridworker1"), person=person_in(GRID_1, member=True).pk, organisation=branch_of(GRID_1).pk
        )
    assert "person" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(
            actor=user("gridworker1"), person=person_in(GRID_1).pk, organisation=branch_of(GRID_1).pk, in_service=True
        )
    assert "employer" in errors(excinfo)


def test_a_member_is_linked_to_a_grid_not_to_a_community(user):
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(
            actor=user("community1"), person=person_in(GRID_1).pk, organisation=branch_of(GRID_1).pk, grid=COMMUNITY_1
        )
    assert "grid" in errors(excinfo)


# --- central households -----------------------------------------------------------------------------------


def test_a_central_household_covers_households_and_coverage_counts_them(user):
    worker = user("gridworker1")
    before, _grids = selectors.coverage(worker, GRID_1)
    free = list(households_in(GRID_1, covered=False).values_list("pk", flat=True))
    member = PartyMember.objects.filter(person__in=persons_in(GRID_1), central_household__isnull=True).first() or (
        services.create_member(actor=worker, person=person_in(GRID_1).pk, organisation=branch_of(GRID_1).pk)
    )
    services.set_central_household(actor=worker, member=member, households=free[:2])
    after, grids = selectors.coverage(worker, GRID_1)
    assert after.covered == before.covered + min(2, len(free))
    assert after.households == before.households
    assert [g.region.code for g in grids] == [GRID_1]
    assert grids[0].covered == after.covered


def test_more_households_than_the_limit_are_refused(user, settings):
    settings.PARTY_CENTRAL_HOUSEHOLD_MAX = 1
    free = list(households_in(GRID_1).values_list("pk", flat=True))[:2]
    assert len(free) == 2
    with pytest.raises(ValidationError) as excinfo:
        services.set_central_household(actor=user("gridworker1"), member=member_in(GRID_1), households=free)
    assert "at most 1 households" in errors(excinfo)["households"][0]


def test_a_household_already_covered_is_refused_unless_shared_coverage_is_allowed(user, settings):
    taken = CoveredHousehold.objects.filter(household__in=households_in(GRID_1)).first()
    other = PartyMember.objects.filter(person__in=persons_in(GRID_1)).exclude(pk=taken.central.member_id).first()
    with pytest.raises(ValidationError) as excinfo:
        services.set_central_household(actor=user("gridworker1"), member=other, households=[taken.household_id])
    assert "already covered" in errors(excinfo)["households"][0]
    settings.PARTY_SHARED_COVERAGE = True
    services.set_central_household(actor=user("gridworker1"), member=other, households=[taken.household_id])
    assert CoveredHousehold.objects.filter(household_id=taken.household_id).count() == 2


def test_a_household_out_of_reach_is_refused(user):
    outside = households_in(GRID_2).first()
    with pytest.raises(ValidationError) as excinfo:
        services.set_central_household(actor=user("gridworker1"), member=member_in(GRID_1), households=[outside.pk])
    assert "households" in errors(excinfo)
