"""Every write of party work: one function per use case, atomic, keyword-only ``actor``, ``full_clean`` and
an audit record. References arrive as ids or codes and are looked up in the actor's reach, so a person,
household, region or organisation the actor cannot see is refused as unknown, naming the field.

Writes need ``people.change`` (party standing is part of the ledger of persons; see docs/decisions.md).
"""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.models import User
from wangge.accounts.scope import scope_for
from wangge.core import uploads
from wangge.core.errors import Conflict
from wangge.party import conf, events, selectors
from wangge.party.models import (
    CentralHousehold,
    CheckItem,
    ClaimStatus,
    CommitteeMember,
    CoveredHousehold,
    ItemClaim,
    ItemKind,
    ItemStatus,
    LeaveKind,
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
    UnitStaff,
)
from wangge.people import permissions
from wangge.people import selectors as people_selectors
from wangge.people.models import Organisation, Person, PoliticalStatus
from wangge.people.models import OrganisationKind as LedgerKind
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


@transaction.atomic
def member_leaves(*, actor, member: PartyMember, left_on: date, leave_kind: str, note: str = "") -> PartyMember:
    """A member transferred out (转出) or gone (离开): kept with the date and how, never deleted. They stop
    being a central household, a secretary or on a committee; their 双报到 and claims stay as history."""
    permissions.require(actor, permissions.CHANGE)
    member = PartyMember.objects.select_for_update().get(pk=_member(actor, member.pk, field="member").pk)
    if member.left_on is not None:
        raise Conflict(_("This member has already left."))
    if left_on is None:
        raise ValidationError({"left_on": _("Give the date the member left.")})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date left cannot be in the future.")})
    if member.joined_on and left_on < member.joined_on:
        raise ValidationError({"left_on": _("The date left is before the date joined.")})
    if leave_kind not in LeaveKind.values:
        raise ValidationError({"leave_kind": _("Choose transferred out or left.")})
    member.left_on, member.leave_kind, member.leave_note = left_on, leave_kind, (note or "").strip()
    member.full_clean(exclude=["person", "organisation"])
    member.save(update_fields=["left_on", "leave_kind", "leave_note", "updated_at"])
    released = CentralHousehold.objects.filter(member=member).delete()[0]
    PartyOrganisation.objects.filter(secretary=member).update(secretary=None)
    CommitteeMember.objects.filter(member=member).delete()
    audit.record(
        actor=actor,
        action="party.member.leave",
        obj=member,
        changes={"left_on": left_on.isoformat(), "leave_kind": leave_kind, "central_released": bool(released)},
    )
    return member


# --- central households --------------------------------------------------------------------------------


@transaction.atomic
def set_central_household(*, actor, member: PartyMember, households: list[int]) -> CentralHousehold:
    """Make ``member`` a 党员中心户 covering exactly ``households`` (ids), replacing what it covered."""
    permissions.require(actor, permissions.CHANGE)
    member = _member(actor, member.pk, field="member")
    if member.left_on is not None:
        raise ValidationError({"member": _("This member has left.")})
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


# --- 双百 lists ------------------------------------------------------------------------------------------


def _item_snapshot(item: ServiceItem) -> dict:
    return {
        "community": item.community_id,
        "kind": item.kind,
        "title": item.title,
        "offered_by": item.offered_by_id,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "status": item.status,
    }


@transaction.atomic
def publish_item(
    *,
    actor,
    community: str,
    kind: str,
    title: str,
    description: str = "",
    offered_by: int | None = None,
    due_on: date | None = None,
) -> ServiceItem:
    """Put a need or a resource on a community's 双百 lists (ledger staff of the community)."""
    permissions.require(actor, permissions.CHANGE)
    region = _community(actor, community)
    if region is None:
        raise ValidationError({"community": _("Name the community whose list this is.")})
    if not scope_for(actor).covers_path(region.path):
        raise ValidationError({"community": _("%(name)s is not wholly in your reach.") % {"name": region.name}})
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose need or resource.")})
    offered = _organisation(actor, offered_by, field="offered_by") if offered_by not in (None, "") else None
    if offered is not None and offered.kind == OrganisationKind.COBUILDING and offered.community_id != region.pk:
        raise ValidationError({"offered_by": _("This unit co-builds with another community.")})
    item = ServiceItem(
        community=region,
        community_path=region.path,
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        offered_by=offered,
        due_on=due_on,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    audit.record(actor=actor, action="party.item.publish", obj=item, changes=_item_snapshot(item))
    return item


def _claimant(actor, item: ServiceItem, member, unit) -> tuple[PartyMember | None, PartyOrganisation | None]:
    """Who claims: the caller's own member (nothing named), a member or unit named by ledger staff, or the
    unit whose secretary the caller is. The claimant must belong with the item's community."""
    if member not in (None, "") and unit not in (None, ""):
        raise ValidationError({"member": _("Name a member or a unit, not both.")})
    if unit not in (None, ""):
        own = selectors.own_units(actor).filter(pk=unit).first() if str(unit).isdigit() else None
        if own is None:
            permissions.require(actor, permissions.CHANGE)
            own = _organisation(actor, unit, field="unit")
        if own.kind != OrganisationKind.COBUILDING or own.community_id != item.community_id:
            raise ValidationError({"unit": _("Only a unit co-building with this community can take its items.")})
        return None, own
    if member not in (None, ""):
        permissions.require(actor, permissions.CHANGE)
        chosen = _member(actor, member, field="member")
    else:
        chosen = selectors.own_member(actor)
        if chosen is None:
            raise ValidationError(
                {"member": _("Your account is not linked to a party member; register (双报到) first.")}
            )
    if chosen.left_on is not None:
        raise ValidationError({"member": _("This member has left.")})
    if item.community_path not in selectors.member_communities(chosen):
        raise ValidationError(
            {"member": _("A member takes items of the community where they live or registered (双报到).")}
        )
    return chosen, None


@transaction.atomic
def claim_item(*, actor, item: ServiceItem, member: int | None = None, unit: int | None = None) -> ItemClaim:
    """Take an item on. The item's row is locked first: of two claims at once, the second waits, then finds it
    taken and is refused with ``Conflict`` (409); the unique constraint holds even without the lock."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    chosen, chosen_unit = _claimant(actor, item, member, unit)
    if item.status != ItemStatus.OPEN:
        raise Conflict(_("This item has already been claimed."))
    claim = ItemClaim(item=item, member=chosen, unit=chosen_unit, claimed_by=actor)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        raise Conflict(_("This item has already been claimed.")) from None
    item.status = ItemStatus.CLAIMED
    item.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="party.item.claim",
        obj=item,
        changes={"member": claim.member_id, "unit": claim.unit_id},
    )
    return claim


PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def may_complete(actor, claim: ItemClaim) -> bool:
    if claim.member_id and claim.member.account_id == actor.pk:
        return True
    if claim.unit_id and selectors.own_units(actor).filter(pk=claim.unit_id).exists():
        return True
    return permissions.can(actor, permissions.CHANGE) and selectors.items_for(actor).filter(pk=claim.item_id).exists()


@transaction.atomic
def complete_claim(*, actor, claim: ItemClaim, note: str, hours=None, photo=None) -> ItemClaim:
    """Mark a claim done with a note, the service hours and a photo (checked by the shared upload guard)."""
    claim = ItemClaim.objects.select_for_update(of=("self",)).select_related("member", "item").get(pk=claim.pk)
    if not may_complete(actor, claim):
        raise ValidationError({"claim": _("Only the claimant or the community's staff can complete this claim.")})
    if claim.status != ClaimStatus.CLAIMED:
        raise Conflict(_("This claim is already done."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was done.")})
    if photo is None:
        raise ValidationError({"photo": _("Add a photo of the work done.")})
    facts = uploads.check_image(
        photo,
        field="photo",
        max_bytes=conf.photo_max_bytes(),
        formats=PHOTO_TYPES,
        declared_type="",
        too_big_message=_("The photo is larger than %(mb)d MB."),
        not_image_message=_("The file is not a JPEG, PNG or WebP image."),
    )
    if hours is not None and not (0 <= hours <= 999):
        raise ValidationError({"hours": _("Service hours are between 0 and 999.")})
    claim.note = note.strip()
    claim.hours = hours
    claim.status = ClaimStatus.DONE
    claim.done_at = timezone.now()
    claim.full_clean(exclude=["photo"])
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[facts.content_type]
    photo.seek(0)
    claim.photo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(photo.read()), save=False)
    claim.photo_type = facts.content_type
    claim.save()
    ServiceItem.objects.filter(pk=claim.item_id).update(status=ItemStatus.DONE, updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="party.item.complete",
        obj=claim.item,
        changes={"hours": str(hours) if hours is not None else None},
    )
    events.publish(events.CLAIM_DONE, events.ClaimDone(claim))
    return claim


# --- 双报到 ---------------------------------------------------------------------------------------------


def _home_community(member: PartyMember) -> Region:
    path = member.person.region_path
    community = (
        Region.objects.filter(level=Level.COMMUNITY, path__in=selectors._ancestor_paths(path)).order_by("-path").first()
    )
    if community is None:
        raise ValidationError({"community": _("The member's home in the ledger lies in no community.")})
    return community


@transaction.atomic
def register_member(*, actor, member: int | None = None) -> Registration:
    """An in-service member's 双报到 with the community where they live. From their own account (linked by
    the phone number in the ledger on first use), or by ledger staff naming the member."""
    if member not in (None, ""):
        permissions.require(actor, permissions.CHANGE)
        chosen = _member(actor, member, field="member")
    else:
        chosen = selectors.own_member(actor)
        if chosen is None:
            chosen = selectors.member_by_phone(actor)
            if chosen is None:
                raise ValidationError(
                    {"member": _("No party member in the ledger has your account's phone number; ask your community.")}
                )
            PartyMember.objects.filter(pk=chosen.pk, account__isnull=True).update(account=actor)
            chosen.account = actor
    chosen = PartyMember.objects.select_for_update().select_related("person").get(pk=chosen.pk)
    if chosen.left_on is not None:
        raise ValidationError({"member": _("This member has left.")})
    if not chosen.in_service:
        raise ValidationError({"member": _("双报到 is for in-service members (在职党员).")})
    if Registration.objects.filter(member=chosen).exists():
        raise Conflict(_("This member has already registered."))
    community = _home_community(chosen)
    registration = Registration.objects.create(
        member=chosen, community=community, community_path=community.path, registered_by=actor
    )
    audit.record(actor=actor, action="party.register.member", obj=registration, changes={"member": chosen.pk})
    return registration


@transaction.atomic
def register_unit(*, actor, unit: int) -> Registration:
    """A co-building unit's 双报到 with the community it co-builds with (its secretary, or ledger staff)."""
    own = selectors.own_units(actor).filter(pk=unit).first() if str(unit).isdigit() else None
    if own is None:
        permissions.require(actor, permissions.CHANGE)
        own = _organisation(actor, unit, field="unit")
    if own.kind != OrganisationKind.COBUILDING or own.community_id is None:
        raise ValidationError({"unit": _("Only a co-building unit registers with a community.")})
    PartyOrganisation.objects.select_for_update().filter(pk=own.pk).first()
    if Registration.objects.filter(unit=own).exists():
        raise Conflict(_("This unit has already registered."))
    registration = Registration.objects.create(
        unit=own, community=own.community, community_path=own.community.path, registered_by=actor
    )
    audit.record(actor=actor, action="party.register.unit", obj=registration, changes={"unit": own.pk})
    return registration


@transaction.atomic
def confirm_registration(*, actor, registration: Registration) -> Registration:
    """The community confirms a 双报到 (ledger staff whose reach holds the community)."""
    permissions.require(actor, permissions.CHANGE)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not scope_for(actor).covers_path(registration.community_path):
        raise ValidationError({"registration": _("Only the community's staff confirm a registration.")})
    if registration.status == RegistrationStatus.CONFIRMED:
        raise Conflict(_("This registration is already confirmed."))
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.confirmed_by = actor
    registration.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    audit.record(actor=actor, action="party.register.confirm", obj=registration)
    events.publish(events.REGISTRATION_CONFIRMED, events.RegistrationConfirmed(registration))
    return registration


# --- 红色物业 --------------------------------------------------------------------------------------------


@transaction.atomic
def register_company(
    *, actor, organisation: int, community: str, party_organisation: int | None = None, joined_on: date | None = None
) -> PropertyCompany:
    """Bring a ledger property company under a community's party leadership (ledger staff of the community)."""
    permissions.require(actor, permissions.CHANGE)
    region = _community(actor, community)
    if region is None:
        raise ValidationError({"community": _("Choose the community.")})
    try:
        company = _ledger_organisation(actor, organisation)
    except ValidationError:
        company = None
    if company is None or company.kind != LedgerKind.PROPERTY:
        raise ValidationError({"organisation": _("Choose a property management company from the ledger.")})
    if PropertyCompany.objects.filter(organisation=company).exists():
        raise ValidationError({"organisation": _("This company is already a red property company.")})
    leading = _organisation(actor, party_organisation, field="party_organisation") if party_organisation else None
    row = PropertyCompany.objects.create(
        organisation=company,
        community=region,
        community_path=region.path,
        party_organisation=leading,
        joined_on=joined_on or timezone.localdate(),
    )
    audit.record(actor=actor, action="party.property.register", obj=row, changes={"community": region.code})
    return row


def _check_month(month: date) -> date:
    first = month.replace(day=1)
    if first > timezone.localdate():
        raise ValidationError({"month": _("A month that has not begun cannot be checked.")})
    return first


@transaction.atomic
def record_check(*, actor, company: PropertyCompany, month: date, passed: list[str], note: str = "") -> PropertyCheck:
    """The community's monthly check: the checklist items passed (the rest failed); once per month (409)."""
    permissions.require(actor, permissions.CHANGE)
    if not scope_for(actor).covers_path(company.community_path):
        raise ValidationError({"company": _("Only the community's staff check its property companies.")})
    unknown = [code for code in passed if code not in CheckItem.values]
    if unknown:
        raise ValidationError({"passed": _("Unknown checklist item %(code)s.") % {"code": unknown[0][:20]}})
    first = _check_month(month)
    results = {code: code in passed for code in CheckItem.values}
    check = PropertyCheck(
        company=company,
        month=first,
        results=results,
        score=round(100 * sum(results.values()) / len(results)),
        note=(note or "").strip(),
        checked_by=actor,
    )
    check.full_clean(exclude=["company", "checked_by"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        raise Conflict(_("This month's check of the company is already recorded.")) from None
    audit.record(
        actor=actor,
        action="party.property.check",
        obj=company,
        changes={"month": f"{first:%Y-%m}", "score": check.score},
    )
    return check


@transaction.atomic
def publish_listing(*, actor, community: str, year: int, half: int) -> PropertyListing:
    """Freeze and publish a community's half-year red/black list of its property companies (once; 409)."""
    permissions.require(actor, permissions.CHANGE)
    region = _community(actor, community)
    if region is None:
        raise ValidationError({"community": _("Choose the community.")})
    if half not in (1, 2):
        raise ValidationError({"half": _("A half year is 1 or 2.")})
    if date(year, 1 if half == 1 else 7, 1) > timezone.localdate():
        raise ValidationError({"year": _("A half year that has not begun cannot be listed.")})
    rows = []
    for company in PropertyCompany.objects.filter(community=region).select_related("organisation"):
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
    try:
        with transaction.atomic():
            listing = PropertyListing.objects.create(
                community=region, community_path=region.path, year=year, half=half, rows=rows, published_by=actor
            )
    except IntegrityError:
        raise Conflict(_("This half year's list is already published.")) from None
    audit.record(actor=actor, action="party.property.publish", obj=listing, changes={"rows": len(rows)})
    return listing


# --- a co-building unit's own staff ----------------------------------------------------------------------


@transaction.atomic
def set_unit_staff(*, actor, unit: PartyOrganisation, usernames: list[str]) -> list[UnitStaff]:
    """Replace the accounts acting for a co-building unit (ledger staff who see the unit)."""
    permissions.require(actor, permissions.CHANGE)
    unit = _organisation(actor, unit.pk, field="unit")
    if unit.kind != OrganisationKind.COBUILDING:
        raise ValidationError({"staff": _("Only a co-building unit has staff of its own.")})
    names = sorted({name.strip() for name in usernames if name.strip()})
    users = list(User.objects.filter(username__in=names, is_active=True))
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise ValidationError({"staff": _("No active account named %(name)s.") % {"name": missing[0][:40]}})
    UnitStaff.objects.filter(unit=unit).exclude(user__in=users).delete()
    kept = set(UnitStaff.objects.filter(unit=unit).values_list("user_id", flat=True))
    UnitStaff.objects.bulk_create([UnitStaff(unit=unit, user=u, added_by=actor) for u in users if u.pk not in kept])
    audit.record(actor=actor, action="party.unit.staff", obj=unit, changes={"staff": names})
    return list(UnitStaff.objects.filter(unit=unit).select_related("user"))
