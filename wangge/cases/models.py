"""Cases (事件): categories, the case itself, its append-only timeline and its photos.

A case's status changes only through ``wangge.cases.services.transition``; every change writes a
``CaseEvent`` in the same transaction, so the status always equals the replay of the timeline.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("Public facility (部件)")
    EVENT = "event", _("City event (事件)")
    SOCIAL = "social", _("Social governance")


class HandlingLevel(models.TextChoices):
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DISTRICT = "district", _("District")


LEVEL_STEPS = [HandlingLevel.GRID, HandlingLevel.COMMUNITY, HandlingLevel.STREET, HandlingLevel.DISTRICT]


class Category(models.Model):
    """Two levels: a class (大类, no parent) and its sub-classes (小类). Cases use sub-classes."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("class"), null=True, blank=True, on_delete=models.PROTECT, related_name="subclasses"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CategoryKind.choices, default=CategoryKind.EVENT)
    department_kind = models.CharField(_("default department"), max_length=32, blank=True)
    default_level = models.CharField(
        _("default handling level"), max_length=16, choices=HandlingLevel.choices, default=HandlingLevel.STREET
    )
    on_spot = models.BooleanField(_("may be solved on the spot"), default=False)
    evidence = models.JSONField(_("required evidence"), default=list, blank=True)
    limit_accept = models.CharField(_("time limit to accept"), max_length=8, default="2h")
    limit_sign = models.CharField(_("time limit to sign for"), max_length=8, default="2h")
    limit_handle = models.CharField(_("time limit to handle"), max_length=8, default="3d")
    limit_verify = models.CharField(_("time limit to verify"), max_length=8, default="1d")
    related = models.JSONField(_("related sub-classes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Whether the public may report it through Open311 and read its cases there (street lights, potholes:
    # yes; disputes, special groups, public security: no). Shipped: the component and city-event classes.
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Offered to the public and readable through Open311.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def limit_for(self, stage: str) -> str:
        return getattr(self, f"limit_{stage}")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted, awaiting dispatch")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched, awaiting sign-for")
    IN_PROGRESS = "in_progress", _("In progress")
    HANDLED = "handled", _("Handled, awaiting verification")
    VERIFIED = "verified", _("Verified, awaiting closure")
    CLOSED = "closed", _("Closed")
    RATED = "rated", _("Rated")
    PARKED = "parked", _("Parked (long-term)")
    MERGED = "merged", _("Merged into another case")


OPEN_STATUSES = (
    Status.REPORTED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.HANDLED,
    Status.VERIFIED,
)
FINISHED_STATUSES = (Status.CLOSED, Status.RATED)


class Source(models.TextChoices):
    RESIDENT = "resident", _("Resident report")
    PATROL = "patrol", _("Patrol")
    HOTLINE = "hotline", _("12345 hotline")
    SENSOR = "sensor", _("Sensor alarm")
    VIDEO = "video", _("Video analytics")
    VISIT = "visit", _("Household visit")
    INSPECTION = "inspection", _("Inspection")
    OPEN311 = "open311", _("Open311 client")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    DISPATCH = "dispatch", _("Dispatch")
    SIGN = "sign", _("Sign for")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", _("Verify")
    CLOSE = "close", _("Close")
    NONE = "", _("None")


class Warning(models.TextChoices):
    NONE = "", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")


class Supervision(models.TextChoices):
    NONE = "", _("None")
    NORMAL = "normal", _("Supervised")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class PendingRequest(models.TextChoices):
    NONE = "", _("None")
    EXTENSION = "extension", _("Extension requested")
    RETURN = "return", _("Return requested")


class Case(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"), max_length=2000)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Where it happened: the deepest region found by point lookup (or the nearest street, flagged).
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True)
    grid = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    district_code = models.CharField(max_length=6, db_index=True)
    needs_triage = models.BooleanField(_("outside every grid"), default=False)
    # Who handles it: the level and the region whose command centre owns it now.
    level = models.CharField(_("level"), max_length=16, choices=HandlingLevel.choices)
    handling_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    handling_path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    assigned_department = models.ForeignKey(  # indexed by the two composite indexes it leads
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    assigned_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    involved_departments = models.ManyToManyField("accounts.Department", related_name="+", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The current stage's clock: yellow from warn_at, red from due_at (both in working time).
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    warning = models.CharField(_("warning"), max_length=8, choices=Warning.choices, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    supervision = models.CharField(_("supervision"), max_length=8, choices=Supervision.choices, blank=True)
    pending_request = models.CharField(max_length=16, choices=PendingRequest.choices, blank=True)
    pending_extension = models.CharField(max_length=8, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reported_cases"
    )
    reporter_name = models.CharField(_("reporter"), max_length=60, blank=True)
    contact_phone_encrypted = models.CharField(max_length=200, blank=True)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # The ledger's household or person the case was reported for, when the report named one (portrait panels).
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    extension_count = models.PositiveSmallIntegerField(default=0)
    rework_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating_speed = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_result = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)
    satisfied = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Rises with every transition: a form carries it, so a stale second submission is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "region_path"]),
            models.Index(fields=["handling_path", "status"]),
            models.Index(fields=["assigned_department", "status"]),
            models.Index(fields=["reporter", "created_at"]),
            models.Index(fields=["-created_at", "-id"], name="case_keyset"),
            # The newest page of one status or one category is an ordered walk of these, not a sort of
            # every closed case (or every case of the category) in reach.
            models.Index(fields=["status", "-created_at", "-id"], name="case_status_keyset"),
            models.Index(fields=["category", "-created_at", "-id"], name="case_category_keyset"),
            # A department's newest cases (the command centre's feed for a department node).
            models.Index(fields=["assigned_department", "-created_at", "-id"], name="case_department_keyset"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """One step of the timeline: append-only, never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    opinion = models.TextField(_("opinion"), max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)
    # The stage the case was in when this happened and whether it happened before that stage's
    # deadline: every on-time indicator can be recomputed from the timeline alone.
    stage = models.CharField(max_length=16, blank=True)
    stage_due_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case timeline")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class PhotoKind(models.TextChoices):
    REPORT = "report", _("At report")
    BEFORE = "photo_before", _("Before handling")
    AFTER = "photo_after", _("After handling")
    DOCUMENT = "document", _("Document")


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    kind = models.CharField(max_length=16, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    file = models.FileField(upload_to="cases/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseSequence(models.Model):
    """The last case number given out per district and day (numbers are district + date + sequence)."""

    district_code = models.CharField(max_length=6)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "day"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.district_code} {self.day} {self.last}"


# --- the category suggester's learning (wangge.cases.suggester) ---------------------------------------


class CategoryCorrection(models.Model):
    """A category a person corrected when accepting a case: a training example for the suggester (the
    case's description, read from the case rather than copied, with the category it belongs to)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="category_corrections")
    from_category = models.ForeignKey(
        Category, verbose_name=_("reported as"), on_delete=models.PROTECT, related_name="+"
    )
    to_category = models.ForeignKey(
        Category, verbose_name=_("corrected to"), on_delete=models.PROTECT, related_name="+"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("time"), db_index=True)
    is_active = models.BooleanField(_("used for training"), default=True)

    class Meta:
        verbose_name = _("category correction")
        verbose_name_plural = _("category corrections")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.from_category_id} → {self.to_category_id}"


class SuggesterTraining(models.Model):
    """One training run of the category suggester: what it learned from, its accuracy on the held-out
    split before and after, whether it was taken into use and why, and (when it was) the model itself."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        ADMIN = "admin", _("Administrator")
        COMMAND = "command", _("Command")

    created_at = models.DateTimeField(_("time"), db_index=True)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    examples = models.PositiveIntegerField(_("training examples"))
    corrections = models.PositiveIntegerField(_("corrections"))
    last_correction_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(_("held-out accuracy before"), default=dict)
    after = models.JSONField(_("held-out accuracy after"), default=dict)
    seconds = models.FloatField(_("training time (s)"))
    blob = models.BinaryField(null=True, editable=False)  # classifier.Model.dumps() of an accepted model

    class Meta:
        verbose_name = _("suggester training")
        verbose_name_plural = _("suggester trainings")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.status}"
