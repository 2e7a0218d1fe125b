"""Pages of disputes: a phone-first list and detail, registration (by hand or from a 矛盾纠纷 case in one
step), the action forms on the detail page, the 化解率 page, the recurring parties and the Excel export.
Thin: reads through ``selectors``, writes through ``services``."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wangge.core.errors import Conflict
from wangge.core.excel import XLSX
from wangge.core.validators import day_out_of_range
from wangge.mediation import exports, forms, selectors, services
from wangge.mediation.models import DisputeKind, DisputeStatus
from wangge.people import permissions

PAGE_SIZE = 20
EXPORT_MAX = 5000


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"nav": "mediation", **context}, status=status)


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    return {
        "status": status if status in DisputeStatus.values else "",
        "kind": kind if kind in DisputeKind.values else "",
    }


@login_required
@require_GET
def dispute_list(request):
    chosen = _filters(request)
    rows = selectors.disputes_filtered(request.user, **chosen).order_by("-created_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    return _page(
        request,
        "mediation/list.html",
        {
            "page_obj": page,
            "disputes": page.object_list,
            "statuses": DisputeStatus.choices,
            "kinds": DisputeKind.choices,
            **chosen,
            "may_register": selectors.may_manage(request.user),
            "staff": selectors.is_staff_reader(request.user),
        },
    )


@login_required
def dispute_new(request):
    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Your role may not record disputes here."))
    grids = selectors.grids_for(request.user)
    chosen = next((g for g in grids if g.code == (request.POST.get("region") or request.GET.get("region"))), None)
    chosen = chosen or (grids[0] if grids else None)
    mediators = list(selectors.mediators_for(chosen)) if chosen else []
    form = forms.DisputeForm(
        request.POST or None,
        grids=grids,
        mediators=mediators,
        initial={
            "region": chosen.code if chosen else "",
            "mediator": str(request.user.pk),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = services.DisputeIn(
            kind=data["kind"],
            region=data["region"],
            title=data["title"],
            summary=data["summary"],
            parties=[services.PartyIn(**p) for p in form.parties()],
            mediator=int(data["mediator"]) if data["mediator"] else None,
            committee=data["committee"],
        )
        try:
            dispute = services.register(actor=request.user, data=draft)
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("The dispute is registered."))
            return redirect("mediation:detail", pk=dispute.pk)
    status = 400 if form.errors else 200
    return _page(request, "mediation/form.html", {"form": form}, status=status)


@login_required
@require_POST
def from_case(request, number: str):
    try:
        dispute = services.register_from_case(actor=request.user, number=number)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:detail", number=number)
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("cases:detail", number=number)
    messages.success(request, _("The case is registered as a dispute."))
    return redirect("mediation:detail", pk=dispute.pk)


def _offered(dispute) -> list[str]:
    allowed = set(services.allowed(dispute))
    out = []
    if dispute.is_open:
        out.append("session")
    out += [a for a in ("agree", "fail", "resume", "fulfil", "escalate") if a in allowed]
    if dispute.is_open:
        out.append("party")
    return out


def _detail(request, dispute, *, bound=None, revealed=None, status=200):
    managed = selectors.may_manage(request.user, dispute)
    action_forms = []
    if managed:
        for action in _offered(dispute):
            form_class, title = forms.ACTIONS[action]
            form = bound[1] if bound and bound[0] == action else form_class(prefix=action)
            action_forms.append({"action": action, "title": title, "form": form})
    events = [
        {"event": e, "label": services.ACTION_LABELS.get(e.action, e.action)}
        for e in dispute.events.select_related("actor")
    ]
    return _page(
        request,
        "mediation/detail.html",
        {
            "dispute": dispute,
            "parties": list(dispute.parties.all()),
            "recurring": selectors.recurring_in(dispute) if selectors.is_staff_reader(request.user) else set(),
            "sessions": list(dispute.sessions.all()),
            "events": events,
            "managed": managed,
            "action_forms": action_forms,
            "open_form": bound[0] if bound else "",
            "can_reveal": managed and permissions.can(request.user, permissions.REVEAL),
            "revealed": revealed,
        },
        status=status,
    )


@login_required
@never_cache
def dispute_detail(request, pk: int):
    return _detail(request, selectors.get_dispute_for(request.user, pk))


@login_required
@require_POST
def act(request, pk: int, action: str):
    dispute = selectors.get_managed_dispute(request.user, pk)
    if action not in forms.ACTIONS:
        raise Http404("action")
    form = forms.ACTIONS[action][0](request.POST, prefix=action)
    if not form.is_valid():
        return _detail(request, dispute, bound=(action, form), status=400)
    data = form.cleaned_data
    try:
        if action == "session":
            services.record_session(
                actor=request.user, dispute=dispute, held_on=data["held_on"], place=data["place"], notes=data["notes"]
            )
        elif action == "agree":
            services.record_agreement(
                actor=request.user, dispute=dispute, text=data["text"], agreed_on=data["agreed_on"]
            )
        elif action == "fail":
            services.record_failure(actor=request.user, dispute=dispute, note=data["note"])
        elif action == "resume":
            services.resume(actor=request.user, dispute=dispute, note=data["note"])
        elif action == "fulfil":
            services.record_fulfilment(actor=request.user, dispute=dispute, note=data["note"], fulfilled_on=data["on"])
        elif action == "escalate":
            services.escalate(actor=request.user, dispute=dispute, to=data["to"], note=data["note"])
        else:
            services.add_party(actor=request.user, dispute=dispute, data=services.PartyIn(**data))
    except ValidationError as exc:
        forms.apply_service_errors(form, exc)
        return _detail(request, dispute, bound=(action, form), status=400)
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("mediation:detail", pk=dispute.pk)
    messages.success(request, _("Saved."))
    return redirect("mediation:detail", pk=dispute.pk)


@login_required
@require_POST
@never_cache
def reveal(request, pk: int):
    dispute = selectors.get_managed_dispute(request.user, pk)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for seeing the full number."))
        return redirect("mediation:detail", pk=dispute.pk)
    party = selectors.get_party_of(dispute, form.cleaned_data["party"])
    try:
        value = services.reveal(
            actor=request.user, party=party, field=form.cleaned_data["field"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("mediation:detail", pk=dispute.pk)
    return _detail(request, dispute, revealed={"party": party.pk, "field": form.cleaned_data["field"], "value": value})


def _day(request, name: str):
    try:
        value = date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None
    return None if day_out_of_range(value) else value


@login_required
@require_GET
def rates(request):
    if not selectors.is_staff_reader(request.user):
        raise Http404(_("No region with this code in your reach."))
    by = "mediator" if request.GET.get("by") == "mediator" else "grid"
    date_from, date_to = _day(request, "date_from"), _day(request, "date_to")
    reader = selectors.rates_by_grid if by == "grid" else selectors.rates_by_mediator
    total, rows = reader(request.user, date_from=date_from, date_to=date_to)
    return _page(
        request,
        "mediation/rates.html",
        {"by": by, "total": total, "rows": rows, "date_from": date_from, "date_to": date_to},
    )


@login_required
@require_GET
def recurring(request):
    if not selectors.is_staff_reader(request.user):
        raise Http404(_("No region with this code in your reach."))
    return _page(request, "mediation/recurring.html", {"rows": selectors.recurring_parties(request.user)})


@login_required
@require_GET
def export(request):
    if not selectors.is_staff_reader(request.user):
        raise Http404(_("No region with this code in your reach."))
    chosen = _filters(request)
    rows = (
        selectors.disputes_filtered(request.user, **chosen)
        .prefetch_related("parties")
        .order_by("-created_at", "-id")[:EXPORT_MAX]
    )
    response = HttpResponse(exports.disputes_workbook(rows), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="disputes.xlsx"'
    return response
