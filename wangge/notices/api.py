"""Notices over JSON under ``/api/v1/notices``. Thin: reads through ``selectors`` (scoped; 404 out of reach),
writes through ``services``; the list is a keyset page."""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from wangge.core.excel import XLSX
from wangge.core.pagination import Page, keyset_page
from wangge.notices import exports, selectors, services
from wangge.notices.schemas import (
    NoticeIn,
    NoticeItemOut,
    NoticeListQuery,
    NoticeOut,
    NoticeReadOut,
    NoticeRespondIn,
    NoticeRespondOut,
    NoticeResultsOut,
)

router = Router(tags=["notices"])

READ_RATE_BASIS = "resident_accounts"


def detail(user, notice) -> dict:
    """The detail of a notice for ``user``: revisions (with what changed) only for staff of its region."""
    managed = selectors.may_manage(user, notice)
    revisions = []
    if managed:
        previous = None
        for revision in notice.revisions.all():
            revisions.append(
                {
                    "number": revision.number,
                    "title": revision.title,
                    "edited_at": revision.edited_at,
                    "changes": services.diff(previous, revision),
                }
            )
            previous = revision
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": str(notice.get_kind_display()),
        "title": notice.title,
        "body": notice.body,
        "region": notice.region,
        "publish_from": notice.publish_from,
        "publish_until": notice.publish_until,
        "revision": notice.revision,
        "read": selectors.has_read(user, notice),
        "poll_closes_at": notice.poll_closes_at,
        "poll_open": selectors.poll_open(notice),
        "questions": list(notice.questions.prefetch_related("choices")),
        "answered": selectors.own_response(user, notice) is not None,
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("notices:attachment", args=[a.pk]),
            }
            for a in notice.attachments.order_by("pk")
        ],
        "revisions": revisions,
    }


@router.get("", response=Page[NoticeItemOut])
def list_notices(request, query: Query[NoticeListQuery]):
    """Residents: the notices published now to their region and above. Staff: every notice of their reach."""
    rows = selectors.notices_filtered(request.auth, kind=query.kind or "", region=query.region, current=query.current)
    return keyset_page(rows, query, order=("-publish_from", "-id"), count=True)


@router.post("", response={201: NoticeOut})
def publish_notice(request, payload: NoticeIn):
    """Publish to a community or grid in your reach (staff); attachments are added from the page."""
    draft = services.Draft(
        kind=payload.kind,
        region=payload.region,
        title=payload.title,
        body=payload.body,
        publish_from=payload.publish_from,
        publish_until=payload.publish_until,
        poll_closes_at=payload.poll_closes_at,
        questions=[services.Question(q.text, list(q.choices), q.kind) for q in payload.questions],
    )
    notice = services.publish(actor=request.auth, draft=draft)
    return Status(201, detail(request.auth, selectors.get_notice_for(request.auth, notice.pk)))


@router.get("/{notice_id}", response=NoticeOut)
def get_notice(request, notice_id: int):
    """One notice; reading it here does not record a receipt (``POST …/read`` does)."""
    return detail(request.auth, selectors.get_notice_for(request.auth, notice_id))


@router.post("/{notice_id}/read", response=NoticeReadOut)
def read_notice(request, notice_id: int):
    """Record that you opened the notice: once per reader, however often it is called."""
    notice = selectors.get_notice_for(request.auth, notice_id)
    return {"first": services.mark_read(actor=request.auth, notice=notice)}


@router.post("/{notice_id}/respond", response={201: NoticeRespondOut})
def respond(request, notice_id: int, payload: NoticeRespondIn):
    """Answer the poll: every question, once (409 when already answered or closed)."""
    notice = selectors.get_notice_for(request.auth, notice_id)
    choices: dict[int, list[int]] = {}
    for answer in payload.answers:
        choices.setdefault(answer.question_id, []).extend(answer.choice_ids)
    response = services.respond(actor=request.auth, notice=notice, choices=choices)
    return Status(201, response)


@router.get("/{notice_id}/results", response=NoticeResultsOut)
def results(request, notice_id: int):
    """Read rate per grid and the poll's counts (staff of the notice's region; 404 for others)."""
    notice = selectors.get_managed_notice(request.auth, notice_id)
    total, grids = selectors.read_rates(notice)
    responses, questions = selectors.results(notice)
    return {
        "basis": READ_RATE_BASIS,
        "total": total,
        "grids": grids,
        "responses": responses,
        "questions": questions,
    }


@router.get("/{notice_id}/results/export")
def export_results(request, notice_id: int):
    """The results as an Excel workbook."""
    notice = selectors.get_managed_notice(request.auth, notice_id)
    response = HttpResponse(exports.results_workbook(notice), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}-results.xlsx"'
    return response
