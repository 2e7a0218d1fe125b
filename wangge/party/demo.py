"""Party work in every street of the demo town: a 大党委 with two co-building units, a 党总支 per community,
a 网格党支部 per grid with a 党小组, about five members per grid (a tenth of them in service, most of those
registered with their community: 双报到, the older registrations confirmed), 党员中心户 covering about 70 %
of the households, and each community's 双百 lists with some items claimed and some done. Bulk-written and
deterministic for a seed; called by ``wangge demo`` after the ledger.

The first in-service member of the first street's first grid gets an account of their own (``partymember1``,
the demo password) with their ledger phone, so the 双报到 and claim pages can be tried as a member."""

import math
import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role, User
from wangge.core import pii
from wangge.party import selectors
from wangge.party.models import (
    CentralHousehold,
    CheckItem,
    ClaimStatus,
    CommitteeMember,
    CoveredHousehold,
    ItemClaim,
    ItemKind,
    ItemStatus,
    MemberStatus,
    OrganisationKind,
    PartyMember,
    PartyOrganisation,
    PropertyCheck,
    PropertyCompany,
    PropertyListing,
    Registration,
    RegistrationStatus,
    ServedRegion,
    ServiceItem,
)
from wangge.party.services import POLITICAL_STATUS
from wangge.people.models import Household, Organisation, Person
from wangge.people.models import OrganisationKind as LedgerKind
from wangge.regions.models import GRID_LEVELS, Level, Region

MEMBERS_PER_GRID = 5
IN_SERVICE_SHARE = 0.1
REGISTERED_SHARE = 0.8
CONFIRMED_SHARE = 0.7
COVERED_SHARE = 0.7
HOUSEHOLDS_PER_CENTRAL = 25
EMPLOYERS = ["区人民医院", "区教育局", "区税务局", "供电公司", "区市场监督管理局", "区住房和城乡建设局"]
NEEDS = ["独居老人每周送菜上门", "楼道杂物清理", "小区健身器材修缮", "暑期青少年托管", "老旧小区加装扶手"]
RESOURCES = ["法律咨询每月一次", "义诊和健康讲座", "家电免费检修", "政策宣讲进社区", "志愿者理发服务"]
DEMO_MEMBER_USERNAME = "partymember1"


def _organisation(kind, name, parent, regions, **extra) -> PartyOrganisation:
    organisation = PartyOrganisation.objects.create(kind=kind, name=name, parent=parent, **extra)
    ServedRegion.objects.bulk_create(
        [ServedRegion(organisation=organisation, region=r, region_path=r.path) for r in regions]
    )
    return organisation


def _years_after(born, years: int):
    """The day ``years`` after ``born`` (by 2025 at the latest); 29 February falls on the 28th."""
    year = min(born.year + years, 2025)
    return born.replace(year=year, day=28) if (born.month, born.day) == (2, 29) else born.replace(year=year)


class _Tally:
    def __init__(self):
        self.members = self.centrals = self.covered = self.registrations = self.items = self.companies = 0


def _street(street: Region, rng: random.Random, tally: _Tally) -> dict[int, list[PartyMember]]:
    """The street's tree, members and central households; the in-service members per community id."""
    committee = _organisation(OrganisationKind.COMMITTEE, f"{street.name}大党委", None, [street])
    communities = list(Region.objects.filter(parent=street, level=Level.COMMUNITY, is_active=True).order_by("code"))
    units = list(Organisation.objects.filter(region_path__startswith=street.path).order_by("id")[:2])
    for number, unit in enumerate(units or [None, None], start=1):
        community = communities[(number - 1) % len(communities)] if communities else street
        name = f"{unit.name}党支部" if unit else _("Co-building unit %(n)d party branch") % {"n": number}
        _organisation(
            OrganisationKind.COBUILDING, name, committee, [community], community=community, ledger_organisation=unit
        )
    in_service: dict[int, list[PartyMember]] = {}
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
                serving = rng.random() < IN_SERVICE_SHARE
                grid_members.append(
                    PartyMember(
                        person=person,
                        organisation=group if index % 2 else branch,
                        status=MemberStatus.PROBATIONARY if rng.random() < 0.05 else MemberStatus.FULL,
                        joined_on=_years_after(person.birth_date, rng.randint(19, 40)),
                        in_service=serving,
                        employer=rng.choice(EMPLOYERS) if serving else "",
                        grid=grid,
                    )
                )
            PartyMember.objects.bulk_create(grid_members)
            for member in grid_members:
                Person.objects.filter(pk=member.person_id).update(political_status=POLITICAL_STATUS[member.status])
            in_service.setdefault(community.pk, []).extend(m for m in grid_members if m.in_service)
            tally.members += len(grid_members)
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
                tally.centrals += 1
                tally.covered += len(chunk)
        if first_members:
            general.secretary = first_members[0]
            general.save(update_fields=["secretary"])
    return in_service


def _registrations(in_service: dict[int, list[PartyMember]], rng: random.Random, tally: _Tally) -> None:
    now = timezone.now()
    communities = {r.pk: r for r in Region.objects.filter(pk__in=list(in_service))}
    rows = []
    for community_id, members in in_service.items():
        community = communities[community_id]
        for member in members:
            if rng.random() >= REGISTERED_SHARE:
                continue
            confirmed = rng.random() < CONFIRMED_SHARE
            rows.append(
                Registration(
                    member=member,
                    community=community,
                    community_path=community.path,
                    status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.REGISTERED,
                    confirmed_at=now if confirmed else None,
                )
            )
    for unit in PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING).select_related("community"):
        rows.append(
            Registration(
                unit=unit,
                community=unit.community,
                community_path=unit.community.path,
                status=RegistrationStatus.CONFIRMED,
                confirmed_at=now,
            )
        )
    Registration.objects.bulk_create(rows)
    tally.registrations += len(rows)


def _lists(rng: random.Random, tally: _Tally) -> None:
    """Each community's 双百 lists: needs and resources, some claimed by a registered member or the unit
    co-building with it, some of those done (note and hours; demo claims carry no photo)."""
    now = timezone.now()
    registered = {}
    for registration in Registration.objects.filter(member__isnull=False).select_related("member"):
        registered.setdefault(registration.community_id, []).append(registration.member)
    units = {}
    for unit in PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING):
        units.setdefault(unit.community_id, []).append(unit)
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code")
    for community in communities:
        offered = units.get(community.pk, [])
        items = [
            ServiceItem(
                community=community,
                community_path=community.path,
                kind=kind,
                title=title,
                offered_by=offered[0] if kind == ItemKind.RESOURCE and offered else None,
                due_on=(now + timedelta(days=rng.randint(7, 60))).date(),
            )
            for kind, pool in ((ItemKind.NEED, NEEDS), (ItemKind.RESOURCE, RESOURCES))
            for title in rng.sample(pool, 2)
        ]
        ServiceItem.objects.bulk_create(items)
        tally.items += len(items)
        takers = [("member", m) for m in registered.get(community.pk, [])] + [("unit", u) for u in offered]
        claims = []
        for item in items:
            if not takers or rng.random() < 0.4:
                continue
            kind, taker = rng.choice(takers)
            done = rng.random() < 0.5
            claims.append(
                ItemClaim(
                    item=item,
                    member=taker if kind == "member" else None,
                    unit=taker if kind == "unit" else None,
                    status=ClaimStatus.DONE if done else ClaimStatus.CLAIMED,
                    note="已完成，居民满意" if done else "",
                    hours=Decimal(rng.choice(["1.0", "2.0", "2.5", "4.0"])) if done else None,
                    done_at=now if done else None,
                )
            )
            item.status = ItemStatus.DONE if done else ItemStatus.CLAIMED
        ItemClaim.objects.bulk_create(claims)
        ServiceItem.objects.bulk_update([i for i in items if i.status != ItemStatus.OPEN], ["status"])


def _property(first_street: Region, rng: random.Random, tally: _Tally) -> None:
    """红色物业 in the first street: each community's property companies brought in under its 党总支, checked
    each of the last six months (most items passed, some not), and last half year's red/black list."""
    today = timezone.localdate()
    months = []
    month = today.replace(day=1)
    for _step in range(6):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    communities = Region.objects.filter(parent=first_street, level=Level.COMMUNITY, is_active=True).order_by("code")
    for community in communities:
        leading = PartyOrganisation.objects.filter(
            kind=OrganisationKind.GENERAL_BRANCH, served__region=community
        ).first()
        ledger = Organisation.objects.filter(region_path__startswith=community.path, kind=LedgerKind.PROPERTY)
        companies = [
            PropertyCompany.objects.create(
                organisation=organisation,
                community=community,
                community_path=community.path,
                party_organisation=leading,
                joined_on=months[-1],
            )
            for organisation in ledger.order_by("id")[:3]
        ]
        tally.companies += len(companies)
        checks = []
        for company in companies:
            strictness = rng.random()
            for month in months:
                results = {code: rng.random() > strictness * 0.6 for code in CheckItem.values}
                score = round(100 * sum(results.values()) / len(results))
                checks.append(PropertyCheck(company=company, month=month, results=results, score=score))
        PropertyCheck.objects.bulk_create(checks)
        if companies:
            rows = []
            for company in companies:
                quarters, score = selectors.half_year(company, year, half)
                rows.append(
                    {
                        "company": company.pk,
                        "name": company.organisation.name,
                        "score": None if score is None else round(score, 1),
                        "cases": sum(q.cases for q in quarters),
                        "late_cases": sum(q.late_cases for q in quarters),
                        "list": selectors.list_of(score),
                    }
                )
            rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["name"]))
            PropertyListing.objects.create(
                community=community, community_path=community.path, year=year, half=half, rows=rows
            )


def _member_account(first_street: Region) -> None:
    """An account of their own for one registered in-service member of the first grid (demo password)."""
    grid = Region.objects.filter(path__startswith=first_street.path, level__in=GRID_LEVELS).order_by("code").first()
    template = User.objects.filter(username="resident1").first()
    if grid is None or template is None:
        return
    member = (
        PartyMember.objects.filter(person__region_path__startswith=grid.path, in_service=True)
        .select_related("person")
        .order_by("id")
        .first()
    )
    if member is None:
        member = PartyMember.objects.filter(person__region_path__startswith=grid.path).order_by("id").first()
        if member is None:
            return
        member.in_service, member.employer = True, EMPLOYERS[0]
        member.save(update_fields=["in_service", "employer"])
    phone = member.person.reveal_pii("phone") if member.person.phone_encrypted else ""
    if not phone or User.objects.filter(phone_index__in=pii.blind_indexes(phone, kind="phone")).exists():
        phone = "17000000001"
        member.person.set_pii("phone", phone)
        member.person.save(update_fields=["phone_encrypted", "phone_index", "phone_masked"])
    user = User.objects.create(
        username=DEMO_MEMBER_USERNAME,
        display_name=member.person.name,
        password=template.password,
        phone_encrypted=pii.encrypt(phone),
        phone_index=pii.blind_index(phone, kind="phone"),
        phone_masked=pii.mask_phone(phone),
    )
    Membership.objects.create(user=user, role=Role.RESIDENT, region=member.grid or grid, title="在职党员")
    member.account = user
    member.save(update_fields=["account"])
    Registration.objects.filter(member=member).delete()  # left for the demo's visitor to do: 双报到 from the account


@transaction.atomic
def create_demo_party(*, seed: int = 2026) -> str:
    rng = random.Random(seed)
    streets = list(Region.objects.filter(level=Level.STREET, is_active=True).order_by("code"))
    if not streets:
        return ""
    tally = _Tally()
    in_service: dict[int, list[PartyMember]] = {}
    for street in streets:
        in_service.update(_street(street, rng, tally))
    _registrations(in_service, rng, tally)
    _lists(rng, tally)
    _property(streets[0], rng, tally)
    _member_account(streets[0])
    return _(
        "Party work: %(members)d members, %(centrals)d central households covering %(covered)d households, "
        "%(registrations)d registrations (双报到), %(items)d list items, %(companies)d red property companies."
    ) % {
        "members": tally.members,
        "centrals": tally.centrals,
        "covered": tally.covered,
        "registrations": tally.registrations,
        "items": tally.items,
        "companies": tally.companies,
    }
