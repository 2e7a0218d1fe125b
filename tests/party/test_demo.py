"""The demo town's party work, as ``wangge demo`` loads it for the tests: every street has its tree,
members, central households, 双报到 and 双百 lists."""

import pytest

from tests.party.conftest import STREET_1, committee
from wangge.accounts.models import User
from wangge.party import selectors
from wangge.party.models import (
    CentralHousehold,
    ClaimStatus,
    ItemClaim,
    OrganisationKind,
    PartyMember,
    PartyOrganisation,
    Registration,
    RegistrationStatus,
    ServiceItem,
)
from wangge.people.models import Household, PoliticalStatus
from wangge.regions.models import GRID_LEVELS, Level, Region

pytestmark = pytest.mark.django_db


def streets():
    return list(Region.objects.filter(level=Level.STREET, is_active=True).order_by("code"))


def test_every_street_has_a_committee_two_co_building_units_and_a_branch_per_grid():
    assert len(streets()) > 1
    for street in streets():
        top = committee(street.code)
        assert top.parent is None
        assert list(top.served.values_list("region", flat=True)) == [street.pk]
        units = PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING, parent=top)
        assert units.count() == 2
        assert all(unit.community.level == Level.COMMUNITY for unit in units)
        communities = Region.objects.filter(parent=street, level=Level.COMMUNITY, is_active=True)
        generals = PartyOrganisation.objects.filter(kind=OrganisationKind.GENERAL_BRANCH, parent=top)
        assert generals.count() == communities.count()
        grids = Region.objects.filter(path__startswith=street.path, level__in=GRID_LEVELS, is_active=True)
        branches = PartyOrganisation.objects.filter(kind=OrganisationKind.BRANCH, parent__parent=top)
        assert branches.count() == grids.count()
        groups = PartyOrganisation.objects.filter(kind=OrganisationKind.GROUP, parent__parent__parent=top)
        assert groups.count() == grids.count()


def test_members_are_ledger_persons_of_their_grid_and_some_are_in_service():
    members = PartyMember.objects.select_related("person", "grid")
    assert members.count() >= 5 * PartyOrganisation.objects.filter(kind=OrganisationKind.BRANCH).count() * 0.8
    assert all(m.person.region_path.startswith(m.grid.path) for m in members)
    in_service = members.filter(in_service=True).count()
    assert 0 < in_service < members.count() * 0.25
    assert all(
        m.person.political_status in (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY) for m in members
    )


@pytest.mark.parametrize("index", [0, -1])
def test_central_households_cover_most_households_of_each_street(index):
    street = streets()[index]
    households = Household.objects.filter(region_path__startswith=street.path)
    covered = households.filter(party_covers__isnull=False).distinct().count()
    assert 0.5 <= covered / households.count() <= 0.8
    assert all(c.covered.count() <= 30 for c in CentralHousehold.objects.all())


def test_in_service_members_registered_some_confirmed_and_units_too():
    registrations = Registration.objects.all()
    members = registrations.filter(member__isnull=False)
    assert members.exists() and all(r.member.in_service for r in members.select_related("member"))
    assert members.filter(status=RegistrationStatus.CONFIRMED).exists()
    assert (
        registrations.filter(unit__isnull=False).count()
        == PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING).count()
    )
    for registration in members.select_related("member__person", "community")[:50]:
        assert registration.member.person.region_path.startswith(registration.community.path)


def test_every_community_has_lists_with_some_items_claimed_and_done():
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
    assert set(ServiceItem.objects.values_list("community", flat=True)) == set(communities.values_list("pk", flat=True))
    assert ItemClaim.objects.filter(status=ClaimStatus.DONE).exists()
    assert ItemClaim.objects.filter(status=ClaimStatus.CLAIMED).exists()
    assert ServiceItem.objects.filter(status="open").exists()


def test_the_demo_member_account_is_linked_to_an_in_service_member_of_the_first_grid():
    account = User.objects.get(username="partymember1")
    member = selectors.own_member(account)
    assert member is not None and member.in_service
    assert member.person.region_path.startswith(Region.objects.get(code=STREET_1).path)
