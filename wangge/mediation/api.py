"""Disputes over JSON under ``/api/v1/disputes``. Thin: reads through ``selectors`` (scoped; 404 out of reach),
writes through ``services``; the list is a keyset page."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.mediation import selectors, services
from wangge.mediation.schemas import (
    DisputeAgreementIn,
    DisputeEscalateIn,
    DisputeFromCaseIn,
    DisputeIn,
    DisputeItemOut,
    DisputeListQuery,
    DisputeOut,
    DisputeOutcomeIn,
    DisputePartyIn,
    DisputeRatesOut,
    DisputeRatesQuery,
    DisputeRecurringOut,
    DisputeRevealIn,
    DisputeRevealOut,
    DisputeSessionIn,
)

router = Router(tags=["disputes"])


def detail(request, dispute):
    """The dispute read again for the caller, with who recurs and the moves they may make; the schema reads it."""
    dispute = selectors.get_dispute_for(request.auth, dispute.pk)
    dispute.recurring_ids = selectors.recurring_in(dispute) if selectors.is_staff_reader(request.auth) else set()
    dispute.allowed_moves = services.allowed(dispute) if selectors.may_manage(request.auth, dispute) else []
    return dispute


def _party(p: DisputePartyIn) -> services.PartyIn:
    return services.PartyIn(name=p.name, role=p.role, person=p.person, phone=p.phone, id_number=p.id_number)


@router.get("", response=Page[DisputeItemOut])
def list_disputes(request, query: Query[DisputeListQuery]):
    """Staff: the disputes of the grids in their reach. Residents: those they are a party to."""
    rows = selectors.disputes_filtered(
        request.auth, status=query.status or "", kind=query.kind or "", region=query.region
    ).select_related("case")
    return keyset_page(rows, query, order=("-created_at", "-id"), count=True)


@router.post("", response={201: DisputeOut})
def register(request, payload: DisputeIn):
    """Register a dispute in a grid of your reach with its parties (ledger persons or named parties)."""
    data = services.DisputeIn(
        kind=payload.kind,
        region=payload.region,
        title=payload.title,
        summary=payload.summary,
        parties=[_party(p) for p in payload.parties],
        mediator=payload.mediator,
        committee=payload.committee,
    )
    return Status(201, detail(request, services.register(actor=request.auth, data=data)))


@router.post("/from-case", response={201: DisputeOut})
def from_case(request, payload: DisputeFromCaseIn):
    """A 矛盾纠纷 case becomes a dispute in one step (409 when it already is one)."""
    return Status(201, detail(request, services.register_from_case(actor=request.auth, number=payload.case)))


@router.get("/rates", response=DisputeRatesOut)
def rates(request, query: Query[DisputeRatesQuery]):
    """化解率 per grid or per mediator in your reach over the period the disputes were registered in."""
    if not selectors.is_staff_reader(request.auth):
        raise Http404(_("No region with this code in your reach."))
    reader = selectors.rates_by_grid if query.by == "grid" else selectors.rates_by_mediator
    total, rows = reader(request.auth, region=query.region, date_from=query.date_from, date_to=query.date_to)
    return {"by": query.by, "total": total, "rows": rows}


@router.get("/recurring", response=Page[DisputeRecurringOut])
def recurring(request, query: Query[PageQuery]):
    """Parties to two or more disputes within a year in your reach (one page: the list is short)."""
    rows = selectors.recurring_parties(request.auth)
    return {"items": rows[: query.size], "next_cursor": None, "count": len(rows)}


@router.get("/{dispute_id}", response=DisputeOut)
def get_dispute(request, dispute_id: int):
    return detail(request, selectors.get_dispute_for(request.auth, dispute_id))


@router.post("/{dispute_id}/parties", response={201: DisputeOut})
def add_party(request, dispute_id: int, payload: DisputePartyIn):
    dispute = selectors.get_managed_dispute(request.auth, dispute_id)
    services.add_party(actor=request.auth, dispute=dispute, data=_party(payload))
    return Status(201, detail(request, dispute))


@router.post("/{dispute_id}/sessions", response={201: DisputeOut})
def record_session(request, dispute_id: int, payload: DisputeSessionIn):
    """A mediation session; the first one starts the mediation."""
    dispute = selectors.get_managed_dispute(request.auth, dispute_id)
    services.record_session(
        actor=request.auth, dispute=dispute, held_on=payload.held_on, place=payload.place, notes=payload.notes
    )
    return Status(201, detail(request, dispute))


@router.post("/{dispute_id}/agreement", response=DisputeOut)
def record_agreement(request, dispute_id: int, payload: DisputeAgreementIn):
    dispute = selectors.get_managed_dispute(request.auth, dispute_id)
    services.record_agreement(actor=request.auth, dispute=dispute, text=payload.text, agreed_on=payload.agreed_on)
    return detail(request, dispute)


@router.post("/{dispute_id}/outcome", response=DisputeOut)
def record_outcome(request, dispute_id: int, payload: DisputeOutcomeIn):
    """Mediation failed, resumed after failing, or the agreement fulfilled."""
    dispute = selectors.get_managed_dispute(request.auth, dispute_id)
    if payload.outcome == "failed":
        services.record_failure(actor=request.auth, dispute=dispute, note=payload.note)
    elif payload.outcome == "resumed":
        services.resume(actor=request.auth, dispute=dispute, note=payload.note)
    else:
        services.record_fulfilment(actor=request.auth, dispute=dispute, note=payload.note, fulfilled_on=payload.on)
    return detail(request, dispute)


@router.post("/{dispute_id}/escalate", response=DisputeOut)
def escalate(request, dispute_id: int, payload: DisputeEscalateIn):
    """To judicial confirmation (an agreement) or another body."""
    dispute = selectors.get_managed_dispute(request.auth, dispute_id)
    services.escalate(actor=request.auth, dispute=dispute, to=payload.to, note=payload.note)
    return detail(request, dispute)


@router.post("/{dispute_id}/parties/{party_id}/reveal", response=DisputeRevealOut)
def reveal(request, dispute_id: int, party_id: int, payload: DisputeRevealIn):
    """One party's full number; needs ``people.reveal`` and a reason; audited."""
    dispute = selectors.get_managed_dispute(request.auth, dispute_id)
    party = selectors.get_party_of(dispute, party_id)
    return {"value": services.reveal(actor=request.auth, party=party, field=payload.field, reason=payload.reason)}
