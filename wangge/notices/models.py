"""三务公开 and notices: what is published to a region, its revisions, attachments, read receipts and polls.

- ``Notice``: one publication (党务, 居务/村务, 财务 or a plain notice) to a region (a community or a grid) with
  a publish window; residents of the region read it while the window is open. ``region_path`` copies the
  region's materialized path for scoping.
- ``NoticeRevision``: every version of the title and body (revision 1 at publication); an edit adds one.
- ``NoticeAttachment``: a PDF, image or Excel file checked by the shared upload guard.
- ``ReadReceipt``: one row per notice and reader (a unique constraint: reopening or racing counts once).
- ``PollQuestion``/``PollChoice``/``PollResponse``/``PollAnswer``: an opinion poll on a notice; one response per
  resident (unique), none after ``poll_closes_at``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.text import TextGuardMixin


class NoticeKind(models.TextChoices):
    PARTY = "party", _("Party affairs (党务)")
    RESIDENTS = "residents", _("Residents' and village affairs (居务/村务)")
    FINANCE = "finance", _("Finance (财务)")
    NOTICE = "notice", _("Notice (通知)")


class Notice(TextGuardMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), max_length=20_000)
    publish_from = models.DateTimeField(_("published from"))
    publish_until = models.DateTimeField(_("published until"), null=True, blank=True)
    poll_closes_at = models.DateTimeField(_("poll closes at"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    # When its readers were told in their inbox (at publication, or by the task once a scheduled window opens).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["region_path", "publish_from"], name="notice_path_from")]

    def __str__(self) -> str:
        return self.title

    @property
    def window_state(self) -> str:
        """``scheduled`` before its window, ``ended`` after it, else ``published``."""
        now = timezone.now()
        if now < self.publish_from:
            return "scheduled"
        if self.publish_until is not None and now >= self.publish_until:
            return "ended"
        return "published"


class NoticeRevision(TextGuardMixin, models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), max_length=20_000)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice revision")
        verbose_name_plural = _("notice revisions")
        ordering = ["notice", "number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="notice_revision_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id} r{self.number}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="notices/%Y/%m/")
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ReadReceipt(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["notice", "reader"], name="notice_receipt_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.reader_id}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class PollQuestion(TextGuardMixin, models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE)

    class Meta:
        verbose_name = _("poll question")
        verbose_name_plural = _("poll questions")
        ordering = ["notice", "position", "id"]

    def __str__(self) -> str:
        return self.text


class PollChoice(TextGuardMixin, models.Model):
    question = models.ForeignKey(PollQuestion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("choice"), max_length=100)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class PollResponse(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("poll response")
        verbose_name_plural = _("poll responses")
        constraints = [models.UniqueConstraint(fields=["notice", "respondent"], name="notice_response_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.respondent_id}"


class PollAnswer(models.Model):
    response = models.ForeignKey(PollResponse, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(PollChoice, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "choice"], name="notice_answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.choice_id}"
