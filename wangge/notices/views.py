"""Pages of notices: a phone-first list and detail for everyone signed in (opening a notice records the
reader's receipt), the poll answered on the detail page, publishing and editing forms and the results page
(read rate per grid, poll counts, revision history) for staff of the notice's region."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wangge.core.errors import Conflict
from wangge.core.excel import XLSX
from wangge.notices import exports, forms, selectors, services
from wangge.notices.models import NoticeKind

PAGE_SIZE = 20


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"nav": "notices", **context}, status=status)


@login_required
@require_GET
def notice_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in NoticeKind.values else ""
    rows = selectors.notices_filtered(request.user, kind=kind).order_by("-publish_from", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    return _page(
        request,
        "notices/list.html",
        {
            "page_obj": page,
            "notices": page.object_list,
            "kinds": NoticeKind.choices,
            "kind": kind,
            "may_publish": selectors.may_publish(request.user),
        },
    )


@login_required
@require_GET
def notice_detail(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    services.mark_read(actor=request.user, notice=notice)
    return _detail(request, notice)


def _detail(request, notice, *, error: str = "", status: int = 200):
    questions = list(notice.questions.prefetch_related("choices"))
    response = selectors.own_response(request.user, notice) if questions else None
    return _page(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "attachments": notice.attachments.order_by("pk"),
            "questions": questions,
            "answered": response,
            "mine": {a.choice_id for a in response.answers.all()} if response else set(),
            "poll_open": selectors.poll_open(notice),
            "may_manage": selectors.may_manage(request.user, notice),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def respond(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    choices = {q.pk: request.POST.getlist(f"q{q.pk}") for q in notice.questions.all()}
    try:
        clean = {q: [int(c) for c in ids if c.isdigit()] for q, ids in choices.items()}
        services.respond(actor=request.user, notice=notice, choices=clean)
    except ValidationError as exc:
        return _detail(request, notice, error=" ".join(exc.messages), status=400)
    except Conflict as exc:
        return _detail(request, notice, error=str(exc), status=409)
    messages.success(request, _("Thank you: your answer is recorded."))
    return redirect("notices:detail", pk=notice.pk)


@login_required
def notice_new(request):
    if not selectors.may_publish(request.user):
        raise PermissionDenied(_("Your role may not publish notices."))
    regions = selectors.publish_regions(request.user)
    form = forms.NoticeForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = services.Draft(
            kind=data["kind"],
            region=data["region"],
            title=data["title"],
            body=data["body"],
            publish_from=data["publish_from"],
            publish_until=data["publish_until"],
            poll_closes_at=data["poll_closes_at"],
            questions=[services.Question(text, choices, kind) for text, kind, choices in form.questions()],
        )
        try:
            notice = services.publish(actor=request.user, draft=draft, attachments=data["attachments"])
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("The notice is published."))
            return redirect("notices:results", pk=notice.pk)
    status = 400 if form.errors else 200
    return _page(request, "notices/form.html", {"form": form, "title": _("Publish a notice")}, status=status)


@login_required
def notice_edit(request, pk: int):
    notice = selectors.get_managed_notice(request.user, pk)
    initial = {"title": notice.title, "body": notice.body, "publish_until": notice.publish_until}
    form = forms.EditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit(
                actor=request.user,
                notice=notice,
                title=data["title"],
                body=data["body"],
                publish_until=data["publish_until"],
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("The notice is saved as a new revision."))
            return redirect("notices:results", pk=notice.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "title": _("Edit the notice"), "notice": notice}
    return _page(request, "notices/form.html", context, status=status)


@login_required
@require_GET
def results(request, pk: int):
    notice = selectors.get_managed_notice(request.user, pk)
    total, grids = selectors.read_rates(notice)
    responses, questions = selectors.results(notice)
    revisions, previous = [], None
    for revision in notice.revisions.select_related("edited_by"):
        revisions.append((revision, services.diff(previous, revision)))
        previous = revision
    return _page(
        request,
        "notices/results.html",
        {
            "notice": notice,
            "total": total,
            "grids": grids,
            "responses": responses,
            "questions": questions,
            "revisions": list(reversed(revisions)),
        },
    )


@login_required
@require_GET
def export(request, pk: int):
    notice = selectors.get_managed_notice(request.user, pk)
    response = HttpResponse(exports.results_workbook(notice), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}-results.xlsx"'
    return response


@login_required
@require_GET
def attachment(request, pk: int):
    """A notice's file, for whoever may see the notice (404 otherwise)."""
    row = selectors.get_attachment_for(request.user, pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("attachment file") from None
    response = FileResponse(handle, content_type=row.content_type)
    disposition = (
        "inline" if row.content_type.startswith("image/") or row.content_type.endswith("pdf") else "attachment"
    )
    response["Content-Disposition"] = f'{disposition}; filename="notice-file-{row.pk}.{row.name.rsplit(".", 1)[-1]}"'
    response["Cache-Control"] = "private, max-age=86400"
    return response
