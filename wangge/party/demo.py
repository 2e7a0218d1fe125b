"""Party work in the demo town's first street (the demo leader's): a 大党委 with two co-building units, a
党总支 per community, a 网格党支部 per grid with a 党小组, about five members per grid (a tenth of them
in service) and 党员中心户 covering about 70 % of the households. Bulk-written and deterministic for a
seed; called by ``wangge demo`` after the ledger."""

import math
import random

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.party.models import (
    CentralHousehold,
    CommitteeMember,
    CoveredHousehold,
    MemberStatus,
    OrganisationKind,
    PartyMember,
    PartyOrganisation,
    ServedRegion,
)
from wangge.party.services import POLITICAL_STATUS
from wangge.people.models import Household, Organisation, Person
from wangge.regions.models import GRID_LEVELS, Level, Region

MEMBERS_PER_GRID = 5
IN_SERVICE_SHARE = 0.1
COVERED_SHARE = 0.7
HOUSEHOLDS_PER_CENTRAL = 25
EMPLOYERS = ["区人民医院", "区教育局", "区税务局", "供电公司", "区市场监督管理局", "区住房和城乡建设局"]


def _organisation(kind, name, parent, regions, **extra) -> PartyOrganisation:
    organisation = PartyOrganisation.objects.create(kind=kind, name=name, parent=parent, **extra)
    ServedRegion.objects.bulk_create(
        [ServedRegion(organisation=organisation, region=r, region_path=r.path) for r in regions]
    )
    return organisation


@transaction.atomic
def create_demo_party(*, seed: int = 2026) -> str:
    rng = random.Random(seed)
    street = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").first()
    if street is None:
        return ""
    committee = _organisation(OrganisationKind.COMMITTEE, f"{street.name}大党委", None, [street])
    communities = list(Region.objects.filter(parent=street, level=Level.COMMUNITY, is_active=True).order_by("code"))
    units = list(Organisation.objects.filter(region_path__startswith=street.path).order_by("id")[:2])
    for number, unit in enumerate(units or [None, None], start=1):
        community = communities[(number - 1) % len(communities)] if communities else street
        name = f"{unit.name}党支部" if unit else _("Co-building unit %(n)d party branch") % {"n": number}
        _organisation(
            OrganisationKind.COBUILDING, name, committee, [community], community=community, ledger_organisation=unit
        )
    members = centrals = covered = 0
    for community in communities:
        general = _organisation(OrganisationKind.GENERAL_BRANCH, f"{community.name}党总支", committee, [community])
        grids = Region.objects.filter(parent=community, level__in=GRID_LEVELS, is_active=True).order_by("code")
        first_members = []
        for grid in grids:
            branch = _organisation(OrganisationKind.BRANCH, f"{grid.name}党支部", general, [grid])
            group = _organisation(OrganisationKind.GROUP, f"{grid.name}第一党小组", branch, [grid])
            households = list(Household.objects.filter(region_path__startswith=grid.path).order_by("id"))
            rng.shuffle(households)
            to_cover = households[: round(len(households) * COVERED_SHARE)]
            wanted = max(MEMBERS_PER_GRID, math.ceil(len(to_cover) / HOUSEHOLDS_PER_CENTRAL))
            adults = list(
                Person.objects.filter(
                    region_path__startswith=grid.path, birth_date__year__lt=2006, status="living_here"
                ).order_by("id")[: wanted * 4]
            )
            rng.shuffle(adults)
            grid_members = []
            for index, person in enumerate(adults[:wanted]):
                in_service = rng.random() < IN_SERVICE_SHARE
                grid_members.append(
                    PartyMember(
                        person=person,
                        organisation=group if index % 2 else branch,
                        status=MemberStatus.PROBATIONARY if rng.random() < 0.05 else MemberStatus.FULL,
                        joined_on=person.birth_date.replace(
                            year=min(person.birth_date.year + rng.randint(19, 40), 2025)
                        ),
                        in_service=in_service,
                        employer=rng.choice(EMPLOYERS) if in_service else "",
                        grid=grid,
                    )
                )
            PartyMember.objects.bulk_create(grid_members)
            for member in grid_members:
                Person.objects.filter(pk=member.person_id).update(political_status=POLITICAL_STATUS[member.status])
            members += len(grid_members)
            if grid_members:
                branch.secretary = grid_members[0]
                branch.save(update_fields=["secretary"])
                first_members.append(grid_members[0])
                CommitteeMember.objects.bulk_create(
                    [
                        CommitteeMember(organisation=branch, member=m, duty=duty)
                        for m, duty in zip(grid_members[1:3], ("组织委员", "宣传委员"), strict=False)
                    ]
                )
            chunks = [to_cover[i : i + HOUSEHOLDS_PER_CENTRAL] for i in range(0, len(to_cover), HOUSEHOLDS_PER_CENTRAL)]
            for member, chunk in zip(grid_members, chunks, strict=False):
                central = CentralHousehold.objects.create(member=member)
                CoveredHousehold.objects.bulk_create([CoveredHousehold(central=central, household=h) for h in chunk])
                centrals += 1
                covered += len(chunk)
        if first_members:
            general.secretary = first_members[0]
            general.save(update_fields=["secretary"])
    return _("Party work: %(members)d members, %(centrals)d central households covering %(covered)d households.") % {
        "members": members,
        "centrals": centrals,
        "covered": covered,
    }
