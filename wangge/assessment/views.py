"""Pages: rankings for any unit and period, bulletins (page and Excel), weekly task lists, the points
ledger. Thin: numbers come from ``selectors``, writes go through ``services``."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wangge.accounts.roles import has_capability
from wangge.assessment import excel, party_work, patrol_work, selectors, services
from wangge.assessment.models import Subject
from wangge.assessment.visibility import (
    get_bulletin_for,
    get_plan_for,
    get_region_in_reach,
    regions_in_reach,
    visible_bulletins,
    visible_plans,
)
from wangge.core.validators import day_out_of_range
from wangge.rollups import selectors as nodes
from wangge.rollups.selectors import link

UNITS = ("children", "departments", "people", "party", "patrols")


def _node(request):
    source = request.POST if request.method == "POST" else request.GET
    return nodes.get_node_for(
        request.user, region=source.get("region") or None, department=source.get("department") or None
    )


def _month(value: str | None) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        start, end = services.month_bounds(year, month)
        if day_out_of_range(start):
            raise ValueError(value)
        return start, end
    except ValueError:
        return services.month_bounds(today.year, today.month)


def _period(low: str | None, high: str | None) -> tuple[date, date] | None:
    """Any period given as two dates (overrides the month)."""
    try:
        start, end = date.fromisoformat(low or ""), date.fromisoformat(high or "")
    except ValueError:
        return None
    if day_out_of_range(start) or day_out_of_range(end):
        return None
    return (start, end) if start <= end else (end, start)


def _can_manage(user) -> bool:
    return has_capability(user, services.MANAGE)


@login_required
@require_GET
def index(request):
    node = _node(request)
    start, end = _month(request.GET.get("month"))
    custom = _period(request.GET.get("date_from"), request.GET.get("date_to"))
    if custom:
        start, end = custom
    unit = request.GET.get("unit") or ("children" if node.has_children else "departments")
    if unit not in UNITS:
        unit = "children"
    if unit in ("party", "patrols") and node.region is None:
        unit = "departments"
    total = None
    if unit == "people":
        items = selectors.indicators(Subject.PERSON)
        rows = selectors.rank(selectors.person_rows(node, start, end, items), by="points")
    elif unit == "party":
        items = selectors.indicators(Subject.PARTY)
        total, rows = party_work.node_rows(request.user, node, start, end)
        rows = selectors.rank(rows)
    elif unit == "patrols":
        items = selectors.indicators(Subject.PATROLS)
        total, rows = patrol_work.node_rows(node, start, end)
        rows = selectors.rank(rows)
    else:
        items = selectors.indicators(Subject.CASES)
        rows = (
            selectors.children_rows(node, start, end, items)
            if unit == "children"
            else selectors.department_rows(node, start, end, items)
        )
        rows = selectors.rank(rows)
    if total is None:
        total = selectors.node_row(node, start, end, selectors.indicators(Subject.CASES))
    context = {
        "nav": "assessment",
        "node": node,
        "chain": nodes.chain(request.user, node),
        "roots": nodes.root_nodes(request.user),
        "month": f"{start:%Y-%m}",
        "start": start,
        "end": end,
        "custom": bool(custom),
        "unit": unit,
        "items": items,
        "rows": [_display(row, start, end) for row in rows],
        "total": _display(total, start, end),
        "case_items": items if unit in ("party", "patrols") else selectors.indicators(Subject.CASES),
        "can_manage": _can_manage(request.user),
    }
    return render(request, "assessment/index.html", context)


def _display(row, start, end) -> dict:
    """A ranking row with the links of every numerator and denominator."""
    values = []
    for v in row.values:
        if row.kind == "person" or v.indicator.subject in (Subject.PARTY, Subject.PATROLS):
            num_link = den_link = ""  # a person's own counters, party work and patrols have no case list behind them
        else:
            extra = {"department": row.extra.get("department")}
            num_link = link(row.node, v.indicator.numerator, start, end, **extra)
            den_link = link(row.node, v.indicator.denominator, start, end, **extra)
        values.append({"v": v, "num_link": num_link, "den_link": den_link})
    return {"row": row, "values": values}


# --- bulletins ------------------------------------------------------------------------------------


@login_required
@require_GET
def bulletins(request):
    items = visible_bulletins(request.user).select_related("region")[:200]
    regions = []
    if _can_manage(request.user):
        regions = [n.region for n in nodes.root_nodes(request.user) if n.region is not None]
        regions += list(
            regions_in_reach(request.user).filter(parent__in=regions, level__in=("district", "street", "community"))
        )
    today = timezone.localdate()
    last = services.previous_month(today)[0]
    return render(
        request,
        "assessment/bulletins.html",
        {"nav": "assessment", "bulletins": items, "regions": regions, "default_month": f"{last:%Y-%m}"},
    )


@login_required
@require_GET
def bulletin(request, pk):
    item = get_bulletin_for(request.user, pk)
    return render(
        request,
        "assessment/bulletin.html",
        {
            "nav": "assessment",
            "bulletin": item,
            "view": excel.bulletin_view(item),
            "can_manage": _can_manage(request.user),
        },
    )


@login_required
@require_GET
def bulletin_xlsx(request, pk):
    item = get_bulletin_for(request.user, pk)
    response = HttpResponse(excel.bulletin_workbook(item), content_type=excel.XLSX)
    name = f"bulletin-{item.region.code}-{item.period_start:%Y%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def generate(request):
    region = get_region_in_reach(request.user, request.POST.get("region") or "")
    start, end = _month(request.POST.get("month"))
    try:
        item = services.generate_bulletin(actor=request.user, region=region, start=start, end=end)
    except PermissionDenied:
        raise Http404("region") from None
    messages.success(request, _("The bulletin was generated."))
    return redirect("assessment:bulletin", pk=item.pk)


# --- weekly task lists ----------------------------------------------------------------------------


@login_required
def weekly(request):
    manage = _can_manage(request.user)
    form = {"title": "", "items": "", "week": f"{timezone.localdate():%Y-%m-%d}", "region": ""}
    errors = {}
    if request.method == "POST":
        if not manage:
            raise Http404("plan")
        form = {k: request.POST.get(k, "") for k in form}
        region = regions_in_reach(request.user).filter(code=form["region"]).first()
        try:
            week = date.fromisoformat(form["week"])
        except ValueError:
            week = None
            errors["week"] = _("Give the week as a date.")
        if region is None:
            errors["region"] = _("Choose a region.")
        if not errors:
            try:
                plan = services.create_plan(
                    actor=request.user, region=region, week_start=week, title=form["title"], items=form["items"]
                )
            except ValidationError as exc:
                errors = {f: " ".join(m) for f, m in exc.message_dict.items()}
            else:
                messages.success(request, _("The task list was saved. Publish it to send it to the grid workers."))
                return redirect("assessment:plan", pk=plan.pk)
    regions = []
    if manage:
        roots = [n.region for n in nodes.root_nodes(request.user) if n.region is not None]
        regions = roots + list(regions_in_reach(request.user).filter(parent__in=roots).exclude(level="micro_grid"))
    return render(
        request,
        "assessment/weekly.html",
        {
            "nav": "assessment",
            "plans": visible_plans(request.user).select_related("region")[:100],
            "can_manage": manage,
            "regions": regions,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def plan(request, pk):
    item = get_plan_for(request.user, pk)
    return render(
        request, "assessment/plan.html", {"nav": "assessment", "plan": item, "can_manage": _can_manage(request.user)}
    )


@login_required
@require_POST
def publish(request, pk):
    item = get_plan_for(request.user, pk)
    try:
        sent = services.publish_plan(actor=request.user, plan=item)
    except PermissionDenied:
        raise Http404("plan") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Sent to %(n)d people.") % {"n": sent})
    return redirect("assessment:plan", pk=item.pk)


# --- points ledger --------------------------------------------------------------------------------


@login_required
@require_GET
def ledger(request):
    node = _node(request)
    start, end = _month(request.GET.get("month"))
    people = {str(u.pk): u for u in selectors.workers(node)}
    person = people.get(request.GET.get("person") or "")
    entries = selectors.point_entries([person.pk] if person else [int(k) for k in people], start, end)
    total = entries.aggregate(n=Sum("points"))["n"] or 0
    entries = entries.select_related("user", "rule", "case").order_by("-day", "-id")[:500]
    return render(
        request,
        "assessment/ledger.html",
        {
            "nav": "assessment",
            "node": node,
            "person": person,
            "entries": entries,
            "month": f"{start:%Y-%m}",
            "total": total,
        },
    )
