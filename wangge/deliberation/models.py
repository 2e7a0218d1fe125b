"""有事好商量 / 百姓说事: topics raised for a community, the meetings that deliberate them, their votes,
minutes and decisions, and the follow-up of each decision until it is done.

- ``Topic`` (议题): raised for a community by a resident, a grid worker or from a case; staff of the
  community accept or decline it with a reason. ``region_path`` copies the community's path for scoping.
- ``Meeting``: a place (说事亭, 议事室 …), a time, its ``Participant`` rows (residents, the property company,
  party members, units; a participant with an account may vote), ``AgendaItem`` rows (topics or free items),
  attendance on the participant rows.
- ``MinutesRevision``: the minutes as numbered revisions; a signed revision never changes (writing again
  starts the next revision), so the history is every signed text.
- ``Vote``/``Ballot``: one vote per meeting with a question; one ballot per participant (a unique
  constraint), none after the vote is closed; the counts are recorded when it closes.
- ``Decision``/``FollowUp``: what the meeting decided, turned into a case (through the case intake) or a
  task with an owner and a deadline; follow-up notes until it is done.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.text import TextGuardMixin


class TopicSource(models.TextChoices):
    RESIDENT = "resident", _("Raised by a resident")
    STAFF = "staff", _("Raised by a grid worker or staff")
    CASE = "case", _("Raised from a case")


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DECIDED = "decided", _("Decided")


class Topic(TextGuardMixin, models.Model):
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000)
    source = models.CharField(_("source"), max_length=12, choices=TopicSource.choices)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.PROPOSED)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["region_path", "status"], name="topic_path_status")]

    def __str__(self) -> str:
        return self.title


class PlaceKind(models.TextChoices):
    PAVILION = "pavilion", _("Talk pavilion (说事亭)")
    ROOM = "room", _("Deliberation room (议事室)")
    SQUARE = "square", _("Square or courtyard")
    OTHER = "other", _("Other place")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed")


class Meeting(TextGuardMixin, models.Model):
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    place_kind = models.CharField(_("kind of place"), max_length=12, choices=PlaceKind.choices)
    place = models.CharField(_("place"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    status = models.CharField(_("status"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["region_path", "starts_at"], name="meeting_path_starts")]

    def __str__(self) -> str:
        return self.title


class ParticipantKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    PROPERTY = "property", _("Property company")
    PARTY_MEMBER = "party_member", _("Party member")
    UNIT = "unit", _("Unit")
    STAFF = "staff", _("Community staff")


class Participant(TextGuardMixin, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=12, choices=ParticipantKind.choices)
    name = models.CharField(_("name"), max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    votes = models.BooleanField(_("may vote"), default=True)
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=models.Q(user__isnull=False), name="participant_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def eligible(self) -> bool:
        """A participant votes when they may and hold an account to vote from."""
        return self.votes and self.user_id is not None


class AgendaItem(TextGuardMixin, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items")
    title = models.CharField(_("agenda item"), max_length=120)

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MinutesRevision(TextGuardMixin, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("minutes"), max_length=20_000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("minutes revision")
        verbose_name_plural = _("minutes revisions")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="minutes_revision_unique")]

    def __str__(self) -> str:
        return f"{self.meeting_id} r{self.number}"

    def save(self, *args, **kwargs):
        """A signed revision is frozen: saving it again (outside the signing itself) is refused."""
        signing = kwargs.pop("signing", False)
        frozen = self.pk is not None and not signing
        if frozen and MinutesRevision.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise SignedMinutes(self.pk)
        super().save(*args, **kwargs)


class SignedMinutes(Exception):
    """A signed minutes revision was about to be changed."""


class VoteStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Choice(models.TextChoices):
    YES = "yes", _("For")
    NO = "no", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Vote(TextGuardMixin, models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="vote")
    question = models.CharField(_("question"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=VoteStatus.choices, default=VoteStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    eligible = models.PositiveIntegerField(default=0)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return self.question


class Ballot(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "participant"], name="ballot_once")]

    def __str__(self) -> str:
        return f"{self.vote_id}/{self.participant_id}"


class DecisionKind(models.TextChoices):
    CASE = "case", _("A case")
    TASK = "task", _("A task")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Being followed")
    DONE = "done", _("Done")


class Decision(TextGuardMixin, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=8, choices=DecisionKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(_("owner"), max_length=80)
    due_on = models.DateField(_("deadline"))
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class FollowUp(TextGuardMixin, models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="follow_ups")
    note = models.TextField(_("progress"), max_length=2000)
    done = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "at", "id"]

    def __str__(self) -> str:
        return self.note[:40]
