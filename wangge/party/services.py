"""Every write of party work: one function per use case, atomic, keyword-only ``actor``, ``full_clean`` and
an audit record. References arrive as ids or codes and are looked up in the actor's reach, so a person,
household, region or organisation the actor cannot see is refused as unknown, naming the field.

Writes need ``people.change`` (party standing is part of the ledger of persons; see docs/decisions.md).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.scope import scope_for
from wangge.party import conf, selectors
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
from wangge.people import permissions
from wangge.people import selectors as people_selectors
from wangge.people.models import Organisation, Person, PoliticalStatus
from wangge.regions.models import GRID_LEVELS, Level, Region

UNSET = object()


# --- look-ups in the actor's reach, refusing by field ------------------------------------------------


def _region_in_reach(actor, code: str, *, field: str) -> Region:
    region = people_selectors.region_in_reach(actor, str(code)) if code else None
    if region is None:
        raise ValidationError({field: _("No region with the code %(code)s in your reach.") % {"code": code}})
    return region


def _regions(actor, codes, *, field: str = "regions") -> list[Region]:
    if not codes:
        raise ValidationError({field: _("Name at least one region the organisation serves.")})
    regions = [_region_in_reach(actor, code, field=field) for code in dict.fromkeys(codes)]
    scope = scope_for(actor)
    for region in regions:
        if not scope.covers_path(region.path):
            raise ValidationError({field: _("%(name)s is not wholly in your reach.") % {"name": region.name}})
    return regions


def _organisation(actor, pk, *, field: str) -> PartyOrganisation:
    try:
        return selectors.organisations_for(actor).get(pk=pk)
    except (PartyOrganisation.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field: _("No party organisation with this id in your reach.")}) from None


def _member(actor, pk, *, field: str) -> PartyMember:
    try:
        return selectors.members_for(actor).get(pk=pk)
    except (PartyMember.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field: _("No party member with this id in your reach.")}) from None


def _person(actor, pk) -> Person:
    try:
        return people_selectors.persons_for(actor).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"person": _("No person with this id in your reach.")}) from None


def _grid(actor, code) -> Region | None:
    if not code:
        return None
    region = _region_in_reach(actor, code, field="grid")
    if region.level not in GRID_LEVELS:
        raise ValidationError(
            {"grid": _("A member is linked to a grid, not to a %(level)s.") % {"level": region.get_level_display()}}
        )
    return region


# --- the tree: areas and cycles ----------------------------------------------------------------------


def _area(organisation: PartyOrganisation) -> list[str]:
    return list(organisation.served.values_list("region_path", flat=True))


def _inside(path: str, area: list[str]) -> bool:
    return any(path.startswith(p) for p in area)


def _check_inside_parent(paths_names: list[tuple[str, str]], parent: PartyOrganisation | None, *, field: str):
    if parent is None:
        return
    area = _area(parent)
    for path, name in paths_names:
        if not _inside(path, area):
            raise ValidationError(
                {
                    field: _("%(region)s is outside the area of the parent organisation %(parent)s.")
                    % {"region": name, "parent": parent.name}
                }
            )


def _check_children_inside(organisation: PartyOrganisation, paths: list[str]):
    for child in organisation.children.prefetch_related("served__region"):
        for served in child.served.all():
            if not _inside(served.region_path, paths):
                raise ValidationError(
                    {
                        "regions": _("%(child)s serves %(region)s, which would be outside this organisation's area.")
                        % {"child": child.name, "region": served.region.name}
                    }
                )


def _check_no_cycle(organisation: PartyOrganisation, parent: PartyOrganisation | None):
    node = parent
    while node is not None:
        if node.pk == organisation.pk:
            raise ValidationError(
                {"parent": _("An organisation cannot be moved under itself or one of its own sub-organisations.")}
            )
        node = node.parent


def _write_regions(organisation: PartyOrganisation, regions: list[Region]) -> None:
    organisation.served.all().delete()
    ServedRegion.objects.bulk_create(
        [ServedRegion(organisation=organisation, region=r, region_path=r.path) for r in regions]
    )


def _check_kind_fields(organisation: PartyOrganisation) -> None:
    if organisation.kind == OrganisationKind.COBUILDING:
        if organisation.community is None:
            raise ValidationError({"community": _("A co-building unit names the community it co-builds with.")})
    elif organisation.community is not None:
        raise ValidationError({"community": _("Only a co-building unit names a community it co-builds with.")})


def _community(actor, code) -> Region | None:
    if not code:
        return None
    region = _region_in_reach(actor, code, field="community")
    if region.level != Level.COMMUNITY:
        raise ValidationError({"community": _("%(name)s is not a community.") % {"name": region.name}})
    return region


def _ledger_organisation(actor, pk):
    if pk in (None, ""):
        return None
    try:
        return people_selectors.organisations_for(actor).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise ValidationError(
            {"ledger_organisation": _("No organisation with this id in your reach in the ledger.")}
        ) from None


def _snapshot(organisation: PartyOrganisation) -> dict:
    return {
        "kind": organisation.kind,
        "name": organisation.name,
        "parent": organisation.parent_id,
        "regions": sorted(_area(organisation)),
        "community": organisation.community_id,
        "ledger_organisation": organisation.ledger_organisation_id,
        "secretary": organisation.secretary_id,
    }


@transaction.atomic
def create_organisation(
    *,
    actor,
    kind: str,
    name: str,
    regions: list[str] | None = None,
    parent: int | None = None,
    community: str | None = None,
    ledger_organisation: int | None = None,
    note: str = "",
) -> PartyOrganisation:
    permissions.require(actor, permissions.CHANGE)
    organisation = PartyOrganisation(kind=kind, name=(name or "").strip(), note=note or "")
    organisation.parent = _organisation(actor, parent, field="parent") if parent is not None else None
    organisation.community = _community(actor, community)
    organisation.ledger_organisation = _ledger_organisation(actor, ledger_organisation)
    organisation.full_clean(exclude=["secretary"])
    _check_kind_fields(organisation)
    if not regions and organisation.community is not None:
        regions = [organisation.community.code]
    served = _regions(actor, regions)
    _check_inside_parent([(r.path, r.name) for r in served], organisation.parent, field="regions")
    organisation.save()
    _write_regions(organisation, served)
    audit.record(actor=actor, action="party.organisation.create", obj=organisation, changes=_snapshot(organisation))
    return organisation


@transaction.atomic
def update_organisation(
    *,
    actor,
    organisation: PartyOrganisation,
    name=UNSET,
    note=UNSET,
    regions=UNSET,
    community=UNSET,
    ledger_organisation=UNSET,
    secretary=UNSET,
) -> PartyOrganisation:
    permissions.require(actor, permissions.CHANGE)
    organisation = PartyOrganisation.objects.select_for_update().get(pk=organisation.pk)
    before = _snapshot(organisation)
    if name is not UNSET:
        organisation.name = (name or "").strip()
    if note is not UNSET:
        organisation.note = note or ""
    if community is not UNSET:
        organisation.community = _community(actor, community)
    if ledger_organisation is not UNSET:
        organisation.ledger_organisation = _ledger_organisation(actor, ledger_organisation)
    if secretary is not UNSET:
        organisation.secretary = _member(actor, secretary, field="secretary") if secretary is not None else None
    organisation.full_clean()
    _check_kind_fields(organisation)
    if regions is not UNSET:
        served = _regions(actor, regions)
        paths = [r.path for r in served]
        _check_inside_parent([(r.path, r.name) for r in served], organisation.parent, field="regions")
        _check_children_inside(organisation, paths)
        _write_regions(organisation, served)
    organisation.save()
    after = _snapshot(organisation)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit.record(actor=actor, action="party.organisation.update", obj=organisation, changes=changes)
    return organisation


def _chain(pk: int | None) -> set[int]:
    seen: set[int] = set()
    while pk is not None and pk not in seen:
        seen.add(pk)
        pk = PartyOrganisation.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
    return seen


def _lock_chains(*pks: int | None) -> None:
    """Lock the nodes and their ancestors, in id order. Two moves that could close a cycle together (A under
    B while B's ancestor goes under A's subtree) both hold a node of the other's chain, so one waits for
    the other and then sees its result."""
    ids = set().union(*(_chain(pk) for pk in pks))
    list(PartyOrganisation.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


@transaction.atomic
def move_organisation(*, actor, organisation: PartyOrganisation, parent: int | None) -> PartyOrganisation:
    """Put ``organisation`` (with everything below it) under ``parent`` (None: at the top)."""
    permissions.require(actor, permissions.CHANGE)
    _lock_chains(organisation.pk, parent if isinstance(parent, int) else None)
    organisation = PartyOrganisation.objects.get(pk=organisation.pk)
    target = _organisation(actor, parent, field="parent") if parent is not None else None
    _check_no_cycle(organisation, target)
    served = list(organisation.served.select_related("region"))
    _check_inside_parent([(s.region_path, s.region.name) for s in served], target, field="parent")
    previous = organisation.parent_id
    organisation.parent = target
    organisation.save(update_fields=["parent", "updated_at"])
    audit.record(
        actor=actor,
        action="party.organisation.move",
        obj=organisation,
        changes={"parent": [previous, organisation.parent_id]},
    )
    return organisation


@transaction.atomic
def set_committee(*, actor, organisation: PartyOrganisation, members: list[tuple[int, str]]) -> list[CommitteeMember]:
    """Replace the organisation's committee: ``members`` are (member id, duty) pairs."""
    permissions.require(actor, permissions.CHANGE)
    rows = []
    for pk, duty in members:
        row = CommitteeMember(organisation=organisation, member=_member(actor, pk, field="committee"), duty=duty or "")
        row.full_clean(exclude=["organisation"])
        rows.append(row)
    organisation.committee.all().delete()
    CommitteeMember.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="party.organisation.committee",
        obj=organisation,
        changes={"committee": [[r.member_id, r.duty] for r in rows]},
    )
    return rows


# --- members -----------------------------------------------------------------------------------------

POLITICAL_STATUS = {
    MemberStatus.FULL: PoliticalStatus.PARTY_MEMBER,
    MemberStatus.PROBATIONARY: PoliticalStatus.PROBATIONARY,
}


def _member_snapshot(member: PartyMember) -> dict:
    return {
        "organisation": member.organisation_id,
        "status": member.status,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "in_service": member.in_service,
        "employer": member.employer,
        "grid": member.grid_id,
    }


def _person_follows(member: PartyMember) -> None:
    """The ledger's political status says what the membership says."""
    Person.objects.filter(pk=member.person_id).update(political_status=POLITICAL_STATUS[member.status])


def _check_member(member: PartyMember) -> None:
    member.full_clean(exclude=["person", "organisation"])
    if member.in_service and not member.employer.strip():
        raise ValidationError({"employer": _("An in-service member names the unit they work for.")})
    if member.joined_on and member.joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("The date joined cannot be in the future.")})


@transaction.atomic
def create_member(
    *,
    actor,
    person: int,
    organisation: int,
    status: str = MemberStatus.FULL,
    joined_on: date | None = None,
    in_service: bool = False,
    employer: str = "",
    grid: str | None = None,
) -> PartyMember:
    permissions.require(actor, permissions.CHANGE)
    linked = _person(actor, person)
    if PartyMember.objects.filter(person=linked).exists():
        raise ValidationError({"person": _("This person is already a party member.")})
    member = PartyMember(
        person=linked,
        organisation=_organisation(actor, organisation, field="organisation"),
        status=status,
        joined_on=joined_on,
        in_service=in_service,
        employer=(employer or "").strip(),
        grid=_grid(actor, grid),
    )
    _check_member(member)
    member.save()
    _person_follows(member)
    audit.record(actor=actor, action="party.member.create", obj=member, changes=_member_snapshot(member))
    return member


@transaction.atomic
def update_member(
    *,
    actor,
    member: PartyMember,
    organisation=UNSET,
    status=UNSET,
    joined_on=UNSET,
    in_service=UNSET,
    employer=UNSET,
    grid=UNSET,
) -> PartyMember:
    permissions.require(actor, permissions.CHANGE)
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    before = _member_snapshot(member)
    if organisation is not UNSET:
        member.organisation = _organisation(actor, organisation, field="organisation")
    if status is not UNSET:
        member.status = status
    if joined_on is not UNSET:
        member.joined_on = joined_on
    if in_service is not UNSET:
        member.in_service = bool(in_service)
    if employer is not UNSET:
        member.employer = (employer or "").strip()
    if grid is not UNSET:
        member.grid = _grid(actor, grid)
    _check_member(member)
    member.save()
    _person_follows(member)
    after = _member_snapshot(member)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit.record(actor=actor, action="party.member.update", obj=member, changes=changes)
    return member


# --- central households --------------------------------------------------------------------------------


@transaction.atomic
def set_central_household(*, actor, member: PartyMember, households: list[int]) -> CentralHousehold:
    """Make ``member`` a 党员中心户 covering exactly ``households`` (ids), replacing what it covered."""
    permissions.require(actor, permissions.CHANGE)
    member = _member(actor, member.pk, field="member")
    ids = list(dict.fromkeys(households))
    limit = conf.central_household_max()
    if len(ids) > limit:
        raise ValidationError(
            {
                "households": _("A central household covers at most %(max)d households; %(n)d were given.")
                % {"max": limit, "n": len(ids)}
            }
        )
    # Locked so that two central households cannot take the same household at once.
    visible = people_selectors.households_for(actor).filter(pk__in=ids).order_by("pk")
    found = {h.pk: h for h in visible.select_for_update(of=("self",))}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"households": _("No household with the id %(id)s in your reach.") % {"id": missing[0]}})
    central, _created = CentralHousehold.objects.select_for_update().get_or_create(member=member)
    if not conf.shared_coverage():
        taken = (
            CoveredHousehold.objects.filter(household_id__in=ids)
            .exclude(central=central)
            .select_related("household")
            .order_by("household_id")
            .first()
        )
        if taken is not None:
            raise ValidationError(
                {
                    "households": _("Household %(household)s is already covered by another central household.")
                    % {"household": taken.household}
                }
            )
    before = sorted(central.covered.values_list("household_id", flat=True))
    central.covered.all().delete()
    CoveredHousehold.objects.bulk_create([CoveredHousehold(central=central, household_id=pk) for pk in ids])
    audit.record(
        actor=actor,
        action="party.central.set",
        obj=central,
        summary=str(member.person),
        changes={"households": [before, sorted(ids)]},
    )
    return central


@transaction.atomic
def remove_central_household(*, actor, central: CentralHousehold) -> None:
    permissions.require(actor, permissions.CHANGE)
    audit.record(actor=actor, action="party.central.remove", obj=central, summary=str(central.member.person))
    central.delete()
