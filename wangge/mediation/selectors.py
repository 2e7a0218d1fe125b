"""Reads of disputes, always scoped to the caller.

- Staff who may read the ledger (``people.view``) see the disputes of the grids in their data reach: a grid
  worker their grid, community staff the grids of their community, a street leader the street's.
- A resident sees only the disputes they are a party to: a party whose phone (or whose ledger person's
  phone) is the phone of their account. Everyone else sees none.

Out of reach answers 404 like an absent dispute. Parties' numbers are read masked; the full number only
through ``services.reveal`` (a reason, audited).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role, User
from wangge.accounts.scope import paths_filter, scope_for
from wangge.core import pii
from wangge.mediation.models import OPEN_STATUSES, Dispute, DisputeParty
from wangge.people import permissions
from wangge.regions.models import GRID_LEVELS, Region

PATH_STEP = 10
RECUR_DAYS = 365
MEDIATOR_ROLES = (Role.GRID_WORKER, Role.GRID_CHIEF, Role.COMMUNITY_STAFF, Role.STREET_LEADER)


def is_staff_reader(user) -> bool:
    return permissions.can(user, permissions.VIEW) and not scope_for(user).is_empty


def _resident_phone_indexes(user) -> list[str]:
    if not getattr(user, "phone_encrypted", ""):
        return []
    return pii.blind_indexes(user.reveal_phone(), kind="phone")


def disputes_for(user) -> QuerySet[Dispute]:
    rows = Dispute.objects.select_related("region", "mediator", "case")
    if user is None or not user.is_authenticated or not user.is_active:
        return rows.none()
    scope = scope_for(user)
    if scope.is_global:
        return rows
    if is_staff_reader(user):
        return rows.filter(paths_filter(scope.paths, "region_path"))
    indexes = _resident_phone_indexes(user)
    if not indexes:
        return rows.none()
    mine = DisputeParty.objects.filter(dispute=OuterRef("pk")).filter(
        Q(phone_index__in=indexes) | Q(person__phone_index__in=indexes)
    )
    return rows.filter(Exists(mine))


def get_dispute_for(user, pk) -> Dispute:
    try:
        return disputes_for(user).get(pk=int(pk))
    except (Dispute.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No dispute with this id in your reach.")) from None


def get_party_of(dispute: Dispute, pk) -> DisputeParty:
    """A party of a dispute already read through a scoped selector (404 for another dispute's)."""
    try:
        return dispute.parties.select_related("dispute").get(pk=int(pk))
    except (DisputeParty.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No dispute with this id in your reach.")) from None


def may_manage(user, dispute: Dispute | None = None, region: Region | None = None) -> bool:
    """Who records disputes: staff who may change the ledger, in the data reach of the dispute's grid."""
    if not permissions.can(user, permissions.CHANGE):
        return False
    scope = scope_for(user)
    if scope.is_empty:
        return False
    place = dispute.region_path if dispute is not None else (region.path if region is not None else None)
    return place is None or scope.covers_path(place)


def get_managed_dispute(user, pk) -> Dispute:
    dispute = get_dispute_for(user, pk)
    if not may_manage(user, dispute):
        raise Http404(_("No dispute with this id in your reach."))
    return dispute


def disputes_filtered(user, *, status: str = "", kind: str = "", region: str = "") -> QuerySet[Dispute]:
    rows = disputes_for(user)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if region:
        place = get_region_in_reach(user, region)
        rows = rows.filter(region_path__startswith=place.path)
    return rows


def get_region_in_reach(user, code: str) -> Region:
    scope = scope_for(user)
    place = Region.objects.filter(code=code or "", is_active=True).first()
    if place is None or not is_staff_reader(user) or not scope.covers_path(place.path):
        raise Http404(_("No region with this code in your reach."))
    return place


def grids_for(user) -> list[Region]:
    """The grids a caller may register disputes in."""
    scope = scope_for(user)
    if not permissions.can(user, permissions.CHANGE) or scope.is_empty:
        return []
    rows = Region.objects.filter(level__in=GRID_LEVELS, is_active=True)
    if not scope.is_global:
        rows = rows.filter(paths_filter(scope.paths, "path"))
    return list(rows.order_by("code")[:2000])


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def mediators_for(region: Region) -> QuerySet[User]:
    """Staff who may mediate a dispute of ``region``: grid workers, chiefs, community staff and leaders of the
    grid or a region above it."""
    members = Membership.objects.filter(
        role__in=MEDIATOR_ROLES, is_active=True, region__path__in=ancestor_paths(region.path)
    )
    return User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by("username")


def get_mediator(region: Region, pk) -> User | None:
    if pk in (None, ""):
        return None
    try:
        return mediators_for(region).get(pk=int(pk))
    except (User.DoesNotExist, ValueError, TypeError):
        return None


def disputes_of_person(user, person) -> QuerySet[Dispute]:
    """The disputes the ledger person is a party to (linked, or named with the same ID number)."""
    same = Q(person_id=person.pk)
    if person.id_number_index:
        same |= Q(id_number_index=person.id_number_index)
    parties = DisputeParty.objects.filter(same, dispute=OuterRef("pk"))
    return disputes_for(user).filter(Exists(parties)).order_by("-created_at", "-id")


# --- 化解率 --------------------------------------------------------------------------------------------


@dataclass
class Rate:
    key: str
    name: str
    total: int
    open: int
    concluded: int
    resolved: int

    @property
    def rate(self) -> float | None:
        """Resolved (an agreement was reached) among the disputes with an outcome."""
        return self.resolved / self.concluded if self.concluded else None


def _counted(rows: QuerySet, *fields: str):
    return (
        rows.order_by()
        .values(*fields)
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("id", filter=Q(agreed_on__isnull=False)),
        )
    )


def _period(rows: QuerySet, date_from: date | None, date_to: date | None) -> QuerySet:
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    return rows


def rates_by_grid(user, *, region: str = "", date_from=None, date_to=None) -> tuple[Rate, list[Rate]]:
    rows = _period(
        disputes_filtered(user, region=region) if is_staff_reader(user) else Dispute.objects.none(), date_from, date_to
    )
    counted = list(_counted(rows, "region_id", "region__code", "region__name"))
    out = [
        Rate(r["region__code"], r["region__name"], r["total"], r["open"], r["total"] - r["open"], r["resolved"])
        for r in sorted(counted, key=lambda r: r["region__code"])
    ]
    return _total(out), out


def rates_by_mediator(user, *, region: str = "", date_from=None, date_to=None) -> tuple[Rate, list[Rate]]:
    rows = _period(
        disputes_filtered(user, region=region) if is_staff_reader(user) else Dispute.objects.none(), date_from, date_to
    )
    counted = _counted(
        rows, "mediator_id", "mediator__username", "mediator__first_name", "mediator__last_name", "committee"
    )
    out = []
    for r in counted:
        person = f"{r['mediator__last_name']}{r['mediator__first_name']}".strip() or (r["mediator__username"] or "")
        name = " · ".join(p for p in (person, r["committee"]) if p) or _("No mediator yet")
        key = f"{r['mediator_id'] or ''}:{r['committee']}"
        out.append(Rate(key, name, r["total"], r["open"], r["total"] - r["open"], r["resolved"]))
    out.sort(key=lambda r: (-r.total, r.name))
    return _total(out), out


def _total(rows: list[Rate]) -> Rate:
    return Rate(
        "",
        _("All"),
        sum(r.total for r in rows),
        sum(r.open for r in rows),
        sum(r.concluded for r in rows),
        sum(r.resolved for r in rows),
    )


# --- parties that recur ---------------------------------------------------------------------------------


@dataclass
class Recurring:
    name: str
    id_number_masked: str
    phone_masked: str
    disputes: list[Dispute]


def _identity(party: DisputeParty) -> str:
    """What makes two parties the same person: the ID number, else the ledger person, else the phone."""
    if party.id_number_index:
        return f"id:{party.id_number_index}"
    if party.person_id:
        return f"person:{party.person_id}"
    if party.phone_index:
        return f"phone:{party.phone_index}"
    return ""


def recurring_parties(user, *, today: date | None = None, days: int = RECUR_DAYS) -> list[Recurring]:
    """People who are a party to two or more disputes registered within ``days`` (in the caller's reach)."""
    if not is_staff_reader(user):
        return []
    today = today or timezone.localdate()
    since = today - timedelta(days=days)
    disputes = disputes_for(user).filter(created_at__date__gt=since)
    parties = DisputeParty.objects.filter(dispute__in=disputes).select_related("dispute__region")
    groups: dict[str, list[DisputeParty]] = {}
    for party in parties.order_by("dispute__created_at", "pk"):
        key = _identity(party)
        if key:
            groups.setdefault(key, []).append(party)
    out = []
    for rows in groups.values():
        seen = {}
        for p in rows:
            seen.setdefault(p.dispute_id, p.dispute)
        if len(seen) >= 2:
            first = rows[0]
            out.append(Recurring(first.name, first.id_number_masked, first.phone_masked, list(seen.values())))
    out.sort(key=lambda r: (-len(r.disputes), r.name))
    return out


def recurring_in(dispute: Dispute, *, days: int = RECUR_DAYS) -> set[int]:
    """The ids of the dispute's parties who are a party to another dispute registered within ``days`` of it."""
    parties = list(dispute.parties.all())
    keys = {p.pk: _identity(p) for p in parties}
    window = Q(dispute__created_at__gt=dispute.created_at - timedelta(days=days)) & Q(
        dispute__created_at__lt=dispute.created_at + timedelta(days=days)
    )
    others = DisputeParty.objects.filter(window).exclude(dispute=dispute)
    flagged = set()
    for party in parties:
        key = keys[party.pk]
        if not key:
            continue
        kind, _sep, value = key.partition(":")
        field = {"id": "id_number_index", "person": "person_id", "phone": "phone_index"}[kind]
        if others.filter(**{field: value}).exists():
            flagged.add(party.pk)
    return flagged
