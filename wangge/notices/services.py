"""Every write of notices: publish, edit (a new revision), attach, read, respond. One transaction each,
audited, keyword-only ``actor``; refusals are ``ValidationError({field: message})`` (400)."""

import difflib
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.models import Membership, User
from wangge.core import uploads
from wangge.core.errors import Conflict
from wangge.inbox.models import Kind
from wangge.inbox.services import notify
from wangge.notices import conf, selectors
from wangge.notices.models import (
    Notice,
    NoticeAttachment,
    NoticeKind,
    NoticeRevision,
    PollAnswer,
    PollChoice,
    PollQuestion,
    PollResponse,
    QuestionKind,
    ReadReceipt,
)
from wangge.regions.models import Region

PDF_TYPES = {"application/pdf", *uploads.GENERIC_TYPES}
IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUESTIONS_MAX = 20
CHOICES_MAX = 20


@dataclass
class Question:
    text: str
    choices: list[str]
    kind: str = QuestionKind.SINGLE


@dataclass
class Draft:
    kind: str
    region: str  # a region code
    title: str
    body: str
    publish_from: datetime | None = None
    publish_until: datetime | None = None
    poll_closes_at: datetime | None = None
    questions: list[Question] = field(default_factory=list)


def _region(actor, code: str) -> Region:
    region = Region.objects.filter(code=code or "", is_active=True).first()
    if region is None or not selectors.may_publish(actor, region):
        raise ValidationError({"region": _("Choose a community or grid in your reach.")})
    if region.level not in ("community", "grid", "special_grid"):
        raise ValidationError({"region": _("Publish to a community or a grid.")})
    return region


def _aware(value: datetime | None) -> datetime | None:
    """A time without a zone is read in the site's zone (a form's datetime-local, an API client's)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _check_window(start, until, closes) -> None:
    if until is not None and until <= start:
        raise ValidationError({"publish_until": _("The end of the window must come after its start.")})
    if closes is not None and closes <= start:
        raise ValidationError({"poll_closes_at": _("The poll must close after the notice is published.")})


@transaction.atomic
def publish(*, actor, draft: Draft, attachments=()) -> Notice:
    """Publish a notice to a community or grid in the caller's reach, with its poll and attachments."""
    if not selectors.may_publish(actor):
        raise ValidationError({"region": _("Your role may not publish notices.")})
    region = _region(actor, draft.region)
    if draft.kind not in NoticeKind.values:
        raise ValidationError({"kind": _("Choose a kind of notice.")})
    start = _aware(draft.publish_from) or timezone.now()
    until, closes = _aware(draft.publish_until), _aware(draft.poll_closes_at)
    _check_window(start, until, closes)
    notice = Notice(
        kind=draft.kind,
        region=region,
        region_path=region.path,
        title=(draft.title or "").strip(),
        body=(draft.body or "").strip(),
        publish_from=start,
        publish_until=until,
        poll_closes_at=closes,
        created_by=actor,
    )
    notice.full_clean(exclude=["created_by", "region"])
    notice.save()
    NoticeRevision.objects.create(notice=notice, number=1, title=notice.title, body=notice.body, edited_by=actor)
    _add_questions(notice, draft.questions)
    for upload in attachments:
        _attach(notice, upload)
    audit.record(
        actor=actor, action="notices.publish", obj=notice, changes={"region": region.code, "kind": notice.kind}
    )
    if notice.window_state == "published":
        tell_readers(notice)
    return notice


def readers_of(notice: Notice) -> list[User]:
    """Who a notice is addressed to: every active account with an active membership in or under its region
    (residents, and the staff serving there), except its publisher."""
    memberships = Membership.objects.filter(is_active=True, region__path__startswith=notice.region_path)
    users = User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).exclude(pk=notice.created_by_id)
    return list(users.order_by("pk"))


def tell_readers(notice: Notice) -> int:
    """Put the notice in its readers' inboxes, once: the claim on ``notified_at`` is a conditional update,
    so publication and the task (or two tasks) never tell anyone twice. In the caller's transaction."""
    now = timezone.now()
    claimed = Notice.objects.filter(pk=notice.pk, notified_at__isnull=True).update(notified_at=now)
    if not claimed:
        return 0
    notice.notified_at = now
    title = _("%(kind)s: %(title)s") % {"kind": notice.get_kind_display(), "title": notice.title}
    messages = notify(
        users=readers_of(notice), kind=Kind.NOTICE, title=title, body=notice.body[:200], url=f"/notices/{notice.pk}/"
    )
    return len(messages)


def tell_opened_windows(now: datetime | None = None) -> int:
    """Notices whose window has opened since publication and whose readers were not told yet (the task)."""
    now = now or timezone.now()
    due = Notice.objects.filter(notified_at__isnull=True, publish_from__lte=now).filter(
        Q(publish_until__isnull=True) | Q(publish_until__gt=now)
    )
    told = 0
    for notice in due.order_by("pk")[:500]:
        with transaction.atomic():
            told += tell_readers(notice)
    return told


def _add_questions(notice: Notice, questions: list[Question]) -> None:
    if len(questions) > QUESTIONS_MAX:
        raise ValidationError({"questions": _("A poll has at most %(n)d questions.") % {"n": QUESTIONS_MAX}})
    for position, question in enumerate(questions):
        choices = [c.strip() for c in question.choices if c and c.strip()]
        if question.kind not in QuestionKind.values:
            raise ValidationError({"questions": _("A question is single or multiple choice.")})
        if not (2 <= len(choices) <= CHOICES_MAX) or len(set(choices)) != len(choices):
            raise ValidationError({"questions": _("Each question needs 2 to 20 different choices.")})
        row = PollQuestion(notice=notice, position=position, text=(question.text or "").strip(), kind=question.kind)
        row.full_clean(exclude=["notice"])
        row.save()
        for index, text in enumerate(choices):
            choice = PollChoice(question=row, position=index, text=text)
            choice.full_clean(exclude=["question"])
            choice.save()


def _attach(notice: Notice, upload) -> NoticeAttachment:
    """Check an attachment through the shared upload guard: PDF (signature), image (header) or xlsx (zip)."""
    if notice.attachments.count() >= conf.attachments_max():
        raise ValidationError(
            {"attachments": _("A notice carries at most %(n)d files.") % {"n": conf.attachments_max()}}
        )
    max_bytes = conf.attachment_max_bytes()
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][-100:]
    too_big = _("The file is larger than %(mb)d MB.")
    uploads.check_size(upload, max_bytes=max_bytes, field="attachments", message=too_big)
    head = _read(upload, 5)
    if declared.startswith("image/"):
        facts = uploads.check_image(upload, field="attachments", max_bytes=max_bytes, too_big_message=too_big)
        content_type, extension = facts.content_type, IMAGE_EXTENSIONS[facts.content_type]
        size = facts.size
    elif head == b"%PDF-" and declared in PDF_TYPES:
        size = uploads.check_size(upload, max_bytes=max_bytes, field="attachments", message=too_big)
        content_type, extension = "application/pdf", "pdf"
    elif head.startswith(uploads.ZIP_MAGIC) and declared in uploads.XLSX_TYPES | uploads.GENERIC_TYPES:
        uploads.check_zip(upload, field="attachments", max_bytes=max_bytes, too_big_message=too_big)
        size = uploads.check_size(upload, max_bytes=max_bytes, field="attachments")
        if not _is_workbook(upload):  # a zip, but not a workbook (a .docx, an archive)
            raise ValidationError({"attachments": _("Attach a PDF, a JPEG/PNG/WebP image or an Excel (xlsx) file.")})
        content_type, extension = XLSX_TYPE, "xlsx"
    else:
        raise ValidationError({"attachments": _("Attach a PDF, a JPEG/PNG/WebP image or an Excel (xlsx) file.")})
    stem = name.rsplit(".", 1)[0] or "file"
    attachment = NoticeAttachment(notice=notice, name=f"{stem}.{extension}", content_type=content_type, size=size)
    data = _read(upload)
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    attachment.save()
    return attachment


def _is_workbook(upload) -> bool:
    """Whether a zip (its directory already checked) holds a workbook part; reads only the directory."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _read(upload, size: int = -1) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload[:size] if size >= 0 else upload)
    upload.seek(0)
    data = upload.read(size)
    upload.seek(0)
    return data


@transaction.atomic
def edit(
    *,
    actor,
    notice: Notice,
    title: str,
    body: str,
    publish_until: datetime | None = None,
    attachments=(),
) -> Notice:
    """Change the title or body: a new revision is kept beside the old ones (nothing is overwritten in
    the history); the window's end may move too."""
    notice = Notice.objects.select_for_update().select_related("region").get(pk=notice.pk)
    if not selectors.may_manage(actor, notice):
        raise ValidationError({"notice": _("Only staff of the notice's region may edit it.")})
    title, body = (title or "").strip(), (body or "").strip()
    publish_until = _aware(publish_until)
    _check_window(notice.publish_from, publish_until, None)
    changed = title != notice.title or body != notice.body
    notice.title, notice.body, notice.publish_until = title, body, publish_until
    if changed:
        notice.revision += 1
    notice.full_clean(exclude=["created_by", "region"])
    notice.save()
    if changed:
        NoticeRevision.objects.create(notice=notice, number=notice.revision, title=title, body=body, edited_by=actor)
    for upload in attachments:
        _attach(notice, upload)
    audit.record(actor=actor, action="notices.edit", obj=notice, changes={"revision": notice.revision})
    return notice


def diff(old: NoticeRevision | None, new: NoticeRevision) -> list[str]:
    """What changed from ``old`` to ``new``: a unified diff of title and body, line by line."""
    before = [] if old is None else [old.title, "", *old.body.splitlines()]
    after = [new.title, "", *new.body.splitlines()]
    lines = difflib.unified_diff(before, after, n=1, lineterm="")
    return [line for line in lines if not line.startswith(("---", "+++"))]


def mark_read(*, actor, notice: Notice) -> bool:
    """Record that ``actor`` opened ``notice``; True the first time. Counted once (a unique constraint), so a
    reopened page or two requests at once leave one receipt."""
    if actor is None or not actor.is_authenticated:
        return False
    if ReadReceipt.objects.filter(notice=notice, reader=actor).exists():
        return False
    try:
        with transaction.atomic():
            ReadReceipt.objects.create(notice=notice, reader=actor)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def respond(*, actor, notice: Notice, choices: dict[int, list[int]]) -> PollResponse:
    """Answer the notice's poll: one response per person, none after it closes; every question answered,
    one choice for a single-choice question."""
    questions = list(notice.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError({"answers": _("This notice has no poll.")})
    if not selectors.poll_open(notice):
        raise Conflict(_("The poll is closed."))
    if PollResponse.objects.filter(notice=notice, respondent=actor).exists():
        raise Conflict(_("You have already answered this poll."))
    picked: list[PollChoice] = []
    for question in questions:
        ids = {int(c) for c in choices.get(question.pk, []) or []}
        allowed = {c.pk: c for c in question.choices.all()}
        if not ids:
            raise ValidationError({"answers": _("Answer every question.")})
        if not ids <= set(allowed):
            raise ValidationError({"answers": _("Choose among the question's choices.")})
        if question.kind == QuestionKind.SINGLE and len(ids) > 1:
            raise ValidationError({"answers": _("Choose one answer for “%(q)s”.") % {"q": question.text}})
        picked.extend(allowed[i] for i in sorted(ids))
    try:
        with transaction.atomic():
            response = PollResponse.objects.create(notice=notice, respondent=actor)
    except IntegrityError:
        raise Conflict(_("You have already answered this poll.")) from None
    PollAnswer.objects.bulk_create([PollAnswer(response=response, choice=c) for c in picked])
    audit.record(actor=actor, action="notices.respond", obj=notice)
    return response
