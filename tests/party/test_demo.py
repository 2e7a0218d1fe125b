"""The demo street's party work, as ``wangge demo`` loads it for the tests."""

import pytest

from tests.party.conftest import STREET_1, committee
from wangge.party.models import CentralHousehold, OrganisationKind, PartyMember, PartyOrganisation
from wangge.people.models import Household, PoliticalStatus
from wangge.regions.models import GRID_LEVELS, Level, Region

pytestmark = pytest.mark.django_db


def test_the_demo_street_has_a_committee_two_co_building_units_and_a_branch_per_grid():
    street = Region.objects.get(code=STREET_1)
    top = committee()
    assert top.parent is None
    assert list(top.served.values_list("region", flat=True)) == [street.pk]
    units = PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING, parent=top)
    assert units.count() == 2
    assert all(unit.community.level == Level.COMMUNITY for unit in units)
    communities = Region.objects.filter(parent=street, level=Level.COMMUNITY, is_active=True)
    generals = PartyOrganisation.objects.filter(kind=OrganisationKind.GENERAL_BRANCH, parent=top)
    assert generals.count() == communities.count()
    grids = Region.objects.filter(path__startswith=street.path, level__in=GRID_LEVELS, is_active=True)
    assert PartyOrganisation.objects.filter(kind=OrganisationKind.BRANCH).count() == grids.count()
    assert PartyOrganisation.objects.filter(kind=OrganisationKind.GROUP).count() == grids.count()


def test_members_are_ledger_persons_of_their_grid_and_some_are_in_service():
    members = PartyMember.objects.select_related("person", "grid")
    assert members.count() >= 5 * PartyOrganisation.objects.filter(kind=OrganisationKind.BRANCH).count() * 0.8
    assert all(m.person.region_path.startswith(m.grid.path) for m in members)
    in_service = members.filter(in_service=True).count()
    assert 0 < in_service < members.count() * 0.25
    assert all(
        m.person.political_status in (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY) for m in members
    )


def test_central_households_cover_most_households_of_the_street():
    street = Region.objects.get(code=STREET_1)
    households = Household.objects.filter(region_path__startswith=street.path)
    covered = households.filter(party_covers__isnull=False).distinct().count()
    assert 0.5 <= covered / households.count() <= 0.8
    assert all(c.covered.count() <= 30 for c in CentralHousehold.objects.all())
