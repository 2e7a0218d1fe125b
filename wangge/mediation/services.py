"""Every write of disputes: register (by hand or from a 矛盾纠纷 case), add a party, record a session, an
agreement, a failure, the fulfilment, escalate, reveal a party's number. One transaction each, audited,
keyword-only ``actor``; refusals are ``ValidationError({field: message})`` (400), a move the status does not
allow is a ``Conflict`` (409).

The status changes only through ``move``, which reads ``RULES`` (action × status → new status), locks the
row and appends a ``DisputeEvent`` in the same transaction.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from wangge.accounts import audit
from wangge.accounts.models import Membership, Role
from wangge.cases import offers
from wangge.cases import selectors as case_selectors
from wangge.core import pii
from wangge.core.errors import Conflict
from wangge.core.text import check_text
from wangge.core.validators import check_day, validate_mobile
from wangge.inbox import services as inbox
from wangge.mediation import selectors
from wangge.mediation.models import (
    Dispute,
    DisputeEvent,
    DisputeKind,
    DisputeParty,
    DisputeSession,
    DisputeStatus,
    EscalationBody,
    PartyRole,
)
from wangge.people import permissions
from wangge.people import selectors as people_selectors
from wangge.people.validators import validate_other_document, validate_resident_id
from wangge.regions.models import GRID_LEVELS, Level, Region

S = DisputeStatus
# (action, status now) → status after. Recording a session starts the mediation; an agreement may still go
# to judicial confirmation (escalate) as may a failed mediation.
RULES: dict[tuple[str, str], str] = {
    ("start", S.REGISTERED): S.MEDIATING,
    ("agree", S.MEDIATING): S.AGREED,
    ("fail", S.MEDIATING): S.FAILED,
    ("resume", S.FAILED): S.MEDIATING,
    ("fulfil", S.AGREED): S.FULFILLED,
    ("escalate", S.REGISTERED): S.ESCALATED,
    ("escalate", S.MEDIATING): S.ESCALATED,
    ("escalate", S.AGREED): S.ESCALATED,
    ("escalate", S.FAILED): S.ESCALATED,
}
ACTION_LABELS = {
    "register": pgettext_lazy("dispute", "Registered"),
    "start": gettext_lazy("Mediation started"),
    "session": gettext_lazy("Session recorded"),
    "agree": gettext_lazy("Agreement reached"),
    "fail": gettext_lazy("Mediation failed"),
    "resume": gettext_lazy("Mediation resumed"),
    "fulfil": gettext_lazy("Agreement fulfilled"),
    "escalate": gettext_lazy("Escalated"),
    "party": gettext_lazy("Party added"),
}
PARTIES_MAX = 20
DISPUTE_CLASS = "11"  # 矛盾纠纷 in cases/data/categories.json
KIND_OF_CATEGORY = {
    "1101": DisputeKind.NEIGHBOUR,
    "1102": DisputeKind.FAMILY,
    "1103": DisputeKind.PROPERTY,
    "1104": DisputeKind.LABOUR,
    "1105": DisputeKind.TENANCY,
    "1106": DisputeKind.LAND,
    "1108": DisputeKind.DEBT,
}
MIN_REASON, MAX_REASON = 4, 200


@dataclass
class PartyIn:
    name: str = ""
    role: str = PartyRole.APPLICANT
    person: int | None = None  # a ledger person in the caller's reach
    phone: str = ""
    id_number: str = ""


@dataclass
class DisputeIn:
    kind: str
    region: str  # a grid code
    title: str
    summary: str = ""
    parties: list[PartyIn] = field(default_factory=list)
    mediator: int | None = None  # a staff account of the grid or above
    committee: str = ""


def allowed(dispute: Dispute) -> list[str]:
    """The moves the dispute's status allows now."""
    return [action for (action, status) in RULES if status == dispute.status]


def _require_manage(actor, dispute: Dispute | None = None, region: Region | None = None) -> None:
    if not selectors.may_manage(actor, dispute, region):
        raise PermissionDenied(_("Your role may not record disputes here."))


def _grid(actor, code: str) -> Region:
    region = Region.objects.filter(code=code or "", is_active=True).first()
    if region is None or not selectors.may_manage(actor, region=region):
        raise ValidationError({"region": _("Choose a grid in your reach.")})
    if region.level not in GRID_LEVELS:
        raise ValidationError({"region": _("A dispute is registered in a grid.")})
    return region


def _mediator(region: Region, pk):
    if pk in (None, ""):
        return None
    mediator = selectors.get_mediator(region, pk)
    if mediator is None:
        raise ValidationError({"mediator": _("Choose a mediator among the staff of the grid or above it.")})
    return mediator


def _event(dispute: Dispute, action: str, actor, *, before: str, note: str = "") -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        from_status=before,
        to_status=dispute.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=(note or "")[:500],
        at=timezone.now(),
    )


@transaction.atomic
def register(*, actor, data: DisputeIn, case=None) -> Dispute:
    """Register a dispute in a grid of the caller's reach with its parties and mediator."""
    region = _grid(actor, data.region)
    if data.kind not in DisputeKind.values:
        raise ValidationError({"kind": _("Choose a kind of dispute.")})
    if not data.parties:
        raise ValidationError({"parties": _("Name at least one party.")})
    if len(data.parties) > PARTIES_MAX:
        raise ValidationError({"parties": _("A dispute has at most %(n)d parties.") % {"n": PARTIES_MAX}})
    dispute = Dispute(
        kind=data.kind,
        title=(data.title or "").strip(),
        summary=(data.summary or "").strip(),
        region=region,
        region_path=region.path,
        mediator=_mediator(region, data.mediator),
        committee=(data.committee or "").strip(),
        case=case,
        created_by=actor,
        created_at=timezone.now(),
    )
    dispute.full_clean(exclude=["region", "created_by", "mediator", "case"])
    dispute.save()
    for position, party in enumerate(data.parties):
        _add_party(actor, dispute, party, position)
    _event(dispute, "register", actor, before="")
    audit.record(
        actor=actor,
        action="mediation.register",
        obj=dispute,
        changes={"region": region.code, "kind": dispute.kind, "case": case.number if case else ""},
    )
    _flag_recurring(dispute)
    return dispute


def _add_party(actor, dispute: Dispute, data: PartyIn, position: int) -> DisputeParty:
    if data.role not in PartyRole.values:
        raise ValidationError({"parties": _("A party is an applicant, a respondent or another party.")})
    party = DisputeParty(dispute=dispute, role=data.role, position=position)
    if data.person:
        person = people_selectors.persons_for(actor).filter(pk=data.person).first()
        if person is None:
            raise ValidationError({"parties": _("No person with this id in your reach.")})
        party.person = person
        party.name = person.name
        for name in ("id_number", "phone"):
            for suffix in ("encrypted", "index", "masked"):
                setattr(party, f"{name}_{suffix}", getattr(person, f"{name}_{suffix}"))
    else:
        party.name = (data.name or "").strip()
        if not party.name:
            raise ValidationError({"parties": _("Give each party a name or choose a person of the ledger.")})
        phone = (data.phone or "").strip()
        if phone:
            phone = validate_mobile(phone, field="parties")
        party.set_pii("phone", phone)
        party.set_pii("id_number", _id_number(data.id_number))
    try:
        party.full_clean(exclude=["dispute", "person"])
    except ValidationError as exc:
        raise ValidationError({"parties": exc.messages}) from None
    party.save()
    return party


def _id_number(value: str) -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    if len(value) == 18:
        return validate_resident_id(value, field="parties").number
    return validate_other_document(value, field="parties")


@transaction.atomic
def add_party(*, actor, dispute: Dispute, data: PartyIn) -> DisputeParty:
    dispute = _locked(dispute)
    _require_manage(actor, dispute)
    if dispute.parties.count() >= PARTIES_MAX:
        raise ValidationError({"parties": _("A dispute has at most %(n)d parties.") % {"n": PARTIES_MAX}})
    party = _add_party(actor, dispute, data, dispute.parties.count())
    _event(dispute, "party", actor, before=dispute.status, note=party.name)
    audit.record(actor=actor, action="mediation.add_party", obj=dispute, changes={"party": party.pk})
    _flag_recurring(dispute)
    return party


def _flag_recurring(dispute: Dispute) -> None:
    """Tell the community's staff when a party of ``dispute`` is a party to another dispute within a year."""
    flagged = selectors.recurring_in(dispute)
    if not flagged:
        return
    community = next(
        (
            r
            for r in Region.objects.filter(path__in=selectors.ancestor_paths(dispute.region_path))
            if r.level == Level.COMMUNITY
        ),
        None,
    )
    if community is None:
        return
    staff = Membership.objects.filter(role=Role.COMMUNITY_STAFF, region=community, is_active=True).select_related(
        "user"
    )
    names = "、".join(p.name for p in dispute.parties.filter(pk__in=flagged))
    inbox.notify(
        users=[m.user for m in staff],
        kind="notice",
        title=_("Recurring party in a dispute: %(names)s") % {"names": names},
        body=dispute.title,
        url=reverse("mediation:detail", args=[dispute.pk]),
    )


def case_kind(case) -> str | None:
    """The kind of dispute a case's category stands for, or None when it is not a 矛盾纠纷 case."""
    category = case.category
    parent = category.parent.code if category.parent_id else category.code
    if parent != DISPUTE_CLASS:
        return None
    return KIND_OF_CATEGORY.get(category.code, DisputeKind.OTHER)


@transaction.atomic
def register_from_case(*, actor, number: str) -> Dispute:
    """Turn a 矛盾纠纷 case into a dispute in one step: its grid, kind, title and description, and the person it
    was reported for (or the reporter) as the first party. One dispute per case."""
    case = case_selectors.get_case_for(actor, number)
    kind = case_kind(case)
    if kind is None:
        raise ValidationError({"case": _("Only a case of the category 矛盾纠纷 becomes a dispute.")})
    if Dispute.objects.select_for_update().filter(case=case).exists():
        raise Conflict(_("This case is already a dispute."))
    grid = case.grid if case.grid_id else case.region
    if grid.level not in GRID_LEVELS:
        raise ValidationError({"case": _("The case lies outside every grid.")})
    party = PartyIn(role=PartyRole.APPLICANT)
    if case.person_id:
        party.person = case.person_id
    else:
        party.name = case.reporter_name or _("Reporter of %(number)s") % {"number": case.number}
    data = DisputeIn(
        kind=kind,
        region=grid.code,
        title=case.title,
        summary=case.description,
        parties=[party],
        mediator=actor.pk if selectors.get_mediator(grid, actor.pk) else None,
    )
    dispute = register(actor=actor, data=data, case=case)
    if not case.person_id and case.contact_phone_encrypted:
        first = dispute.parties.get()
        first.phone_encrypted = case.contact_phone_encrypted
        first.phone_masked = case.contact_phone_masked
        first.phone_index = pii.blind_index(  # the case keeps no index: recomputed here
            pii.decrypt(case.contact_phone_encrypted), kind="phone"
        )
        first.save(update_fields=["phone_encrypted", "phone_masked", "phone_index"])
    return dispute


def _locked(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().select_related("region").get(pk=dispute.pk)


def move(*, actor, dispute: Dispute, action: str, note: str = "") -> Dispute:
    """Apply ``action`` if ``RULES`` allows it from the dispute's status (a ``Conflict`` otherwise); in the
    caller's transaction, the row locked."""
    before = dispute.status
    after = RULES.get((action, before))
    if after is None:
        raise Conflict(_("A dispute that is “%(status)s” cannot do this.") % {"status": dispute.get_status_display()})
    dispute.status = after
    if before in (S.REGISTERED, S.MEDIATING) and after not in (S.REGISTERED, S.MEDIATING):
        dispute.concluded_at = dispute.concluded_at or timezone.now()
    if after == S.MEDIATING:
        dispute.concluded_at = None
    dispute.save()
    _event(dispute, action, actor, before=before, note=note)
    audit.record(actor=actor, action=f"mediation.{action}", obj=dispute, changes={"from": before, "to": after})
    return dispute


def _day(value: date | None, name: str) -> date:
    value = value or timezone.localdate()
    check_day(value, field=name)
    if value > timezone.localdate():
        raise ValidationError({name: _("The day cannot lie in the future.")})
    return value


def _text(value: str, name: str, *, required: bool = False, limit: int = 5000) -> str:
    value = (value or "").strip()
    check_text(value, field=name, multiline=True)
    if required and not value:
        raise ValidationError({name: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({name: _("At most %(n)d characters.") % {"n": limit}})
    return value


@transaction.atomic
def record_session(
    *, actor, dispute: Dispute, held_on: date | None = None, place: str, notes: str = ""
) -> DisputeSession:
    """A mediation session; the first one starts the mediation of a registered dispute."""
    dispute = _locked(dispute)
    _require_manage(actor, dispute)
    if dispute.status not in (S.REGISTERED, S.MEDIATING):
        raise Conflict(_("Sessions are recorded while the dispute is being mediated."))
    session = DisputeSession(
        dispute=dispute,
        held_on=_day(held_on, "held_on"),
        place=(place or "").strip(),
        notes=_text(notes, "notes"),
        recorded_by=actor,
    )
    session.full_clean(exclude=["dispute", "recorded_by"])
    session.save()
    if dispute.status == S.REGISTERED:
        move(actor=actor, dispute=dispute, action="start")
    _event(dispute, "session", actor, before=dispute.status, note=session.place)
    audit.record(actor=actor, action="mediation.session", obj=dispute, changes={"session": session.pk})
    return session


@transaction.atomic
def record_agreement(*, actor, dispute: Dispute, text: str, agreed_on: date | None = None) -> Dispute:
    dispute = _locked(dispute)
    _require_manage(actor, dispute)
    text = _text(text, "agreement", required=True)
    day = _day(agreed_on, "agreed_on")
    if not dispute.sessions.exists():
        raise ValidationError({"agreement": _("Record the session where the parties agreed first.")})
    dispute.agreement, dispute.agreed_on = text, day
    return move(actor=actor, dispute=dispute, action="agree")


@transaction.atomic
def record_failure(*, actor, dispute: Dispute, note: str = "") -> Dispute:
    dispute = _locked(dispute)
    _require_manage(actor, dispute)
    return move(actor=actor, dispute=dispute, action="fail", note=_text(note, "note", limit=500))


@transaction.atomic
def resume(*, actor, dispute: Dispute, note: str = "") -> Dispute:
    dispute = _locked(dispute)
    _require_manage(actor, dispute)
    return move(actor=actor, dispute=dispute, action="resume", note=_text(note, "note", limit=500))


@transaction.atomic
def record_fulfilment(*, actor, dispute: Dispute, note: str, fulfilled_on: date | None = None) -> Dispute:
    dispute = _locked(dispute)
    _require_manage(actor, dispute)
    dispute.fulfilment = _text(note, "fulfilment", required=True, limit=2000)
    dispute.fulfilled_on = _day(fulfilled_on, "fulfilled_on")
    return move(actor=actor, dispute=dispute, action="fulfil")


@transaction.atomic
def escalate(*, actor, dispute: Dispute, to: str, note: str = "") -> Dispute:
    """Hand the dispute on: an agreement to judicial confirmation, a failed mediation to a court, arbitration
    or another body."""
    dispute = _locked(dispute)
    _require_manage(actor, dispute)
    if to not in EscalationBody.values:
        raise ValidationError({"to": _("Choose where the dispute goes.")})
    if to == EscalationBody.JUDICIAL and dispute.status != S.AGREED:
        raise ValidationError({"to": _("Only an agreement goes to judicial confirmation.")})
    dispute.escalated_to = to
    dispute.escalation_note = _text(note, "note", limit=500)
    return move(actor=actor, dispute=dispute, action="escalate", note=dispute.escalation_note)


def reveal(*, actor, party: DisputeParty, field: str, reason: str) -> str:
    """A party's full phone or ID number: needs ``people.reveal``, a reason and the dispute in reach; audited
    like the ledger's reveal."""
    permissions.require(actor, permissions.REVEAL)
    if field not in DisputeParty.PII_FIELDS:
        raise ValidationError({"field": _("This number cannot be revealed.")})
    reason = (reason or "").strip()
    check_text(reason, field="reason")
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": _("Give the reason for seeing the full number (at least %(n)d characters).") % {"n": MIN_REASON}}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason is longer than %(n)d characters.") % {"n": MAX_REASON}})
    if not selectors.may_manage(actor, party.dispute):
        raise PermissionDenied(_("Your role may not record disputes here."))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="mediation.disputeparty.reveal",
            obj=party,
            changes={"field": field, "reason": reason, "masked": getattr(party, f"{field}_masked")},
        )
    return party.reveal_pii(field)


# --- the case page's offer ------------------------------------------------------------------------------


def case_offer(user, case):
    """On a 矛盾纠纷 case's page: the dispute it became (for who may see it), or a button that registers it."""
    if case_kind(case) is None:
        return None
    dispute = Dispute.objects.filter(case=case).only("pk", "region_path").first()
    if dispute is not None:
        if selectors.disputes_for(user).filter(pk=dispute.pk).exists():
            return offers.Link(
                _("Dispute #%(n)d") % {"n": dispute.pk},
                reverse("mediation:detail", args=[dispute.pk]),
                testid="case-dispute",
            )
        return None
    grid = case.grid if case.grid_id else case.region
    if grid.level not in GRID_LEVELS or not selectors.may_manage(user, region=grid):
        return None
    return offers.Link(
        _("Register as a dispute"),
        reverse("mediation:from_case", args=[case.number]),
        "post",
        testid="case-to-dispute",
    )


def register_case_action() -> None:
    offers.register(offers.Offer(key="mediation.dispute", offer=case_offer, order=10))
