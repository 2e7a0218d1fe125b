"""Pages: the command-centre screen, its live feed, the statistics (with Excel export) and the list of
the cases behind any number. Thin: figures come from ``screen``, ``statistics`` and ``drill``."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.accounts.selectors import active_departments
from wangge.assessment.selectors import workers
from wangge.cases.models import Source
from wangge.cases.selectors import active_categories, visible_cases
from wangge.dashboard import drill, excel, screen, statistics
from wangge.dashboard import filters as dashboard_filters
from wangge.devices import selectors as device_selectors
from wangge.hotline import selectors as hotline_selectors
from wangge.party import selectors as party_selectors
from wangge.rollups import selectors
from wangge.rollups.timeline import DEFINITIONS
from wangge.services import selectors as services_selectors

PAGE = 100


def _node(request):
    return selectors.get_node_for(
        request.user, region=request.GET.get("region") or None, department=request.GET.get("department") or None
    )


@login_required
@require_GET
def screen_page(request):
    node = _node(request)
    base = screen.map_region(node)
    config = {
        "node": {"code": node.code, "name": node.name, "level": node.level, "query": node.query},
        "mapRegion": base.code if base else "",
        "hasChildren": node.has_children or node.is_department,
        "drillable": node.has_children,
        "isDepartment": node.is_department,
        "api": "/api/v1/dashboard",
        "regionsApi": "/api/v1/regions",
        "tileUrl": settings.MAP_TILE_URL,
        "refreshSeconds": 60,
        "labels": {
            "reported": _("Reported cases"),
            "received": _("Received cases"),
            "closed": _("Closed cases"),
            "open": _("Open cases"),
            "overdue": _("Overdue cases"),
            "noData": _("No data"),
            "failed": _("Could not load the figures; retrying."),
        },
    }
    context = {
        "nav": "screen",
        "node": node,
        "chain": selectors.chain(request.user, node),
        "roots": selectors.root_nodes(request.user),
        "config": config,
        "feed_seconds": settings.DASHBOARD_FEED_SECONDS,
    }
    return render(request, "dashboard/screen.html", context)


@login_required
@require_GET
def feed(request):
    node = _node(request)
    return render(request, "dashboard/_feed.html", {"items": screen.feed(node), "node": node})


@login_required
@require_GET
def devices_layer(request):
    """The screen's devices panel (loaded into the screen): devices online, offline and alarming and their open
    alarm cases under the node, per child area with a link to drill down. A department node has none (404)."""
    node = _node(request)
    if node.region is None:
        raise Http404("node")
    total, children = device_selectors.area_devices(request.user, node.code)
    return render(request, "dashboard/_devices.html", {"node": node, "total": total, "children": children})


# --- statistics -------------------------------------------------------------------------------------


@login_required
@require_GET
def party_layer(request):
    """The screen's party panel (loaded into the screen): branches, members, central households, coverage
    and 双报到 of the node, per child area with a link to drill down."""
    node = _node(request)
    if node.region is None:
        raise Http404("node")
    total, children = party_selectors.figures(request.user, node.code)
    return render(request, "dashboard/_party.html", {"node": node, "total": total, "children": children})


@login_required
@require_GET
def hotline_layer(request):
    """The screen's 12345 panel (loaded into the screen): the hotline's 三率 of the node's orders."""
    node = _node(request)
    if node.region is None:
        raise Http404("node")
    return render(request, "dashboard/_hotline.html", {"node": node, "rates": hotline_selectors.rates(node.region)})


@login_required
@require_GET
def callouts_layer(request):
    """The screen's volunteer panel (loaded into the screen): the call-outs of the teams in the node over the
    last 30 days, by state, the median response time and the newest ones."""
    node = _node(request)
    if node.region is None:
        raise Http404("node")
    figures = services_selectors.callout_figures(node.region.path)
    return render(request, "dashboard/_callouts.html", {"node": node, "figures": figures})


@login_required
@require_GET
def statistics_page(request):
    node = _node(request)
    # Bad filters: the same messages the API gives, a 400, and the figures with those filters at their defaults.
    filters, errors = dashboard_filters.statistics_filters_for_page(node, request.GET)
    rows, total = statistics.table(node, filters)
    if request.GET.get("format") == "xlsx":
        content = excel.statistics_workbook(node, filters, rows, total)
        name = f"statistics-{node.code}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx"
        response = HttpResponse(content, content_type=excel.XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    rate_items = total.values
    table_rows = [_table_row(node, filters, row) for row in rows]
    context = {
        "nav": "stats",
        "node": node,
        "chain": selectors.chain(request.user, node),
        "roots": selectors.root_nodes(request.user),
        "filters": filters,
        "groups": statistics.GROUPS,
        "counts": statistics.COUNTS,
        "rate_items": [v.indicator for v in rate_items],
        "rows": table_rows,
        "total": _total_row(node, filters, rows, total),
        "group_label": statistics.GROUPS[filters.group],
        "categories": active_categories(),
        "sources": Source.choices,
        "departments": active_departments(),
        "export_query": request.GET.urlencode(),
        "filter_errors": errors,
    }
    return render(request, "dashboard/statistics.html", context, status=400 if errors else 200)


def _table_row(node, filters, row) -> dict:
    if filters.group == "status" and row.key:
        status_figure = f"st_{row.key}"
        cells = [
            {"value": row.counters[status_figure], "link": statistics.cell_link(node, filters, row, status_figure)}
        ]
    else:
        cells = [{"value": cell.value, "link": cell.link} for cell in row.cells.values()]
    drill_query = row.node.query if row.node else ""
    return {"label": row.label, "cells": cells, "rates": row.values, "drill": drill_query}


def _total_row(node, filters, rows, total) -> dict:
    if filters.group != "status":
        return _table_row(node, filters, total)
    figure = "+".join(f"st_{row.key}" for row in rows) or "st_reported"
    value = sum(row.counters[f"st_{row.key}"] for row in rows)
    return {
        "label": total.label,
        "cells": [{"value": value, "link": statistics.cell_link(node, filters, total, figure)}],
    }


# --- the cases behind a number ---------------------------------------------------------------------


def _person_in(node, username: str):
    """A grid worker serving under the node (404 otherwise: people outside the node are not shown)."""
    for user in workers(node):
        if user.username == username:
            return user
    raise Http404("person")


@login_required
@require_GET
def cases_behind(request):
    node = _node(request)
    figure = (request.GET.get("figure") or "").strip()[:200]
    chosen, errors = dashboard_filters.drill_filters_for_page(node, request.GET)
    start, end = chosen.start, chosen.end
    error = ""
    person = None
    try:
        if errors:  # a filter that names nothing known lists no cases (the messages say why)
            found = None
        elif request.GET.get("person"):
            person = _person_in(node, request.GET["person"])
            found = drill.person_cases(person.pk, figure, start, end)
        else:
            found = drill.cases_behind(
                node,
                figure,
                start,
                end,
                category_ids=chosen.category_ids,
                source=chosen.source or None,
                department_id=chosen.department_id,
            )
    except ValidationError:
        found, error = None, _("This figure is not known.")
    cases, page, pages = [], 1, 1
    if found is not None:
        visible = visible_cases(request.user).filter(pk__in=list(found.counts))
        ordered = visible.select_related("category", "region", "assigned_department").order_by("-created_at", "-id")
        try:
            page = max(1, int(request.GET.get("page") or 1))
        except ValueError:
            page = 1
        count = len(found.counts)
        pages = max(1, (count + PAGE - 1) // PAGE)
        page = min(page, pages)
        cases = list(ordered[(page - 1) * PAGE : page * PAGE])
        for case in cases:
            case.times = found.counts.get(case.pk, 1)
    names = [name.strip("+- ") for name in figure.replace("-", "+").split("+") if name.strip()]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "stats",
        "node": node,
        "figure": figure,
        "definitions": [(name, DEFINITIONS.get(name, "")) for name in names if name in DEFINITIONS],
        "overdue": figure == drill.OVERDUE,
        "found": found,
        "cases": cases,
        "error": error,
        "start": start,
        "end": end,
        "category": chosen.category,
        "source": dict(Source.choices).get(chosen.source, ""),
        "department": chosen.department,
        "no_department": chosen.no_department,
        "filter_errors": errors,
        "person": person,
        "page": page,
        "pages": pages,
        "query": query.urlencode(),
    }
    return render(request, "dashboard/cases.html", context, status=400 if errors else 200)
