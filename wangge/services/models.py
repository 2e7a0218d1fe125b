"""Services to residents (为民服务): the 微心愿 wish wall, service activities with sign-up and check-in, and
service points.

- ``Wish``: a small wish a resident posts (or a grid worker posts for them). The community reviews it; the
  public wall shows what and why and the compound, never the resident's name, phone or address (those sit
  in the ``beneficiary_*`` columns, the phone encrypted). A member, unit or volunteer claims it (one claim
  wins: the row is locked), fulfils it with a photo, and the resident confirms and thanks.
- ``Activity`` and ``SignUp``: a planned activity with a capacity; sign-ups beyond it wait in order and move
  up when someone cancels. Check-in by the signed QR code at the door or by staff.
- ``ServicePoint``: town centre, community centres, 驿站 and 暖心驿站 with location and opening hours.

Each row carries the materialized path of its region (``region_path``), scoped like the rest.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wangge.core.text import TextGuardMixin


class PointKind(models.TextChoices):
    TOWN_CENTRE = "town_centre", _("Town service centre")
    COMMUNITY_CENTRE = "community_centre", _("Community service centre")
    STATION = "station", _("Service station (驿站)")
    WARM_STATION = "warm_station", _("Warm station (暖心驿站)")


class ServicePoint(TextGuardMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=PointKind.choices)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    facilities = models.TextField(_("facilities"), blank=True)
    services = models.TextField(_("services offered"), blank=True)
    phone = models.CharField(_("service phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WishStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    OPEN = "open", pgettext_lazy("wish", "Open")
    CLAIMED = "claimed", _("Claimed")
    FULFILLED = "fulfilled", _("Fulfilled")
    CONFIRMED = "confirmed", _("Confirmed and thanked")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


WALL_STATUSES = (WishStatus.OPEN, WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED)


class ClaimantKind(models.TextChoices):
    MEMBER = "member", _("Party member")
    UNIT = "unit", pgettext_lazy("claimant", "Unit")
    VOLUNTEER = "volunteer", _("Volunteer")


class Wish(TextGuardMixin, models.Model):
    title = models.CharField(_("what is wished for"), max_length=100)
    reason = models.TextField(_("why"), max_length=1000, blank=True)
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("grid or community"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    compound = models.ForeignKey(
        "people.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=WishStatus.choices, default=WishStatus.PENDING)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(_("posted on a resident's behalf"), default=False)
    # Private: shown to the poster and to staff whose data reach covers the wish, never on the wall.
    beneficiary_name = models.CharField(_("resident's name"), max_length=60, blank=True)
    beneficiary_address = models.CharField(_("resident's address"), max_length=200, blank=True)
    beneficiary_phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    beneficiary_phone_masked = models.CharField(_("resident's phone"), max_length=20, blank=True, editable=False)
    photo = models.FileField(upload_to="wishes/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=32, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimant_kind = models.CharField(_("claimed as"), max_length=16, choices=ClaimantKind.choices, blank=True)
    claimant_name = models.CharField(_("claimant"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    fulfil_note = models.CharField(_("fulfilment note"), max_length=300, blank=True)
    fulfil_photo = models.FileField(upload_to="wishes/%Y/%m/", blank=True)
    fulfil_photo_type = models.CharField(max_length=32, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    thanks = models.CharField(_("thanks"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged as unclaimed"), null=True, blank=True)
    # The household visit whose need it was posted from (``services.wish_from_visit``): one wish per visit.
    visit = models.ForeignKey(
        "patrols.Visit",
        verbose_name=_("household visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("micro-wish (微心愿)")
        verbose_name_plural = _("micro-wishes (微心愿)")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "reviewed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(visit__isnull=False), name="one_wish_per_visit"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActivityKind(models.TextChoices):
    HAIRCUT = "haircut", _("Free haircuts")
    HEALTH = "health", _("Blood pressure and health checks")
    REPAIR = "repair", _("Repairs and knife sharpening")
    CLASS = "class", _("After-school class (三点半课堂)")
    CULTURE = "culture", _("Culture and leisure")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    ALL = "all", _("Everyone")
    ELDERLY = "elderly", _("Elderly people")
    CHILDREN = "children", _("Children")
    DISABLED = "disabled", _("People with disabilities")
    WORKERS = "workers", _("Couriers and riders")


class Activity(TextGuardMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    organiser = models.CharField(_("organiser"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("service activity")
        verbose_name_plural = _("service activities")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        return self.point.name if self.point_id else self.address


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class SignUp(TextGuardMixin, models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=SignUpStatus.choices)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_in_method = models.CharField(_("check-in"), max_length=8, blank=True)  # "qr" or "staff"
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    feedback = models.CharField(_("feedback"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"], condition=~Q(status="cancelled"), name="services_signup_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.user_id}"


class VolunteerTeam(TextGuardMixin, models.Model):
    """A volunteer team (e.g. 666服务队) serving a community or street; its members answer call-outs."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TeamMember", related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MemberKind(models.TextChoices):
    RESIDENT = "resident", _("Resident volunteer")
    PARTY_MEMBER = "member", _("Party member")
    RIDER = "rider", _("Courier or rider (流动网格员)")


class TeamMember(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=MemberKind.choices, default=MemberKind.RESIDENT)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="services_team_member_once")]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.user_id}"


class CallOutStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("call-out", "Waiting for a volunteer")
    ACCEPTED = "accepted", pgettext_lazy("call-out", "Accepted")
    DONE = "done", _("Done")


class CallOut(TextGuardMixin, models.Model):
    """A call for help sent to a team's inbox; the first member to accept takes it."""

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="callouts")
    title = models.CharField(_("what is needed"), max_length=100)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    address = models.CharField(_("where"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CallOutStatus.choices, default=CallOutStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("called"), default=timezone.now, db_index=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    response_seconds = models.PositiveIntegerField(_("response time (s)"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("call-out")
        verbose_name_plural = _("call-outs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ErrandCategory(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificates (证明开具)")
    PENSION = "pension", _("Pension and social insurance")
    MEDICAL = "medical", _("Medical insurance and reimbursement")
    RESIDENCE = "residence", _("Household registration (户籍)")
    SUBSIDY = "subsidy", _("Subsidies and allowances")
    OTHER = "other", _("Other errands")


# Working days each category of errand must be done in (红色代办: a small case with its own time limits).
ERRAND_WORKING_DAYS = {
    ErrandCategory.CERTIFICATE: 3,
    ErrandCategory.PENSION: 5,
    ErrandCategory.MEDICAL: 5,
    ErrandCategory.RESIDENCE: 7,
    ErrandCategory.SUBSIDY: 5,
    ErrandCategory.OTHER: 5,
}


class ErrandStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    TAKEN = "taken", _("Being handled")
    DONE = "done", pgettext_lazy("errand", "Done")
    CANCELLED = "cancelled", pgettext_lazy("errand", "Cancelled")


class Errand(TextGuardMixin, models.Model):
    """红色代办: a resident asks staff to run an errand for them; tracked to done within a working-day limit."""

    category = models.CharField(_("category"), max_length=16, choices=ErrandCategory.choices)
    description = models.TextField(_("what to do"), max_length=1000)
    region = models.ForeignKey("regions.Region", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ErrandStatus.choices, default=ErrandStatus.REQUESTED)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("errand (红色代办)")
        verbose_name_plural = _("errands (红色代办)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.get_category_display()

    @property
    def overdue(self) -> bool:
        end = self.done_at or timezone.now()
        return self.status != ErrandStatus.CANCELLED and end > self.due_at


class RoadNetwork(models.Model):
    """A street's or district's walkable roads, imported by an administrator as GeoJSON lines. The kept lines
    are stored as one GeoJSON MultiLineString; the import's report (lines kept and skipped, the islands)
    stays beside them. One network per region: a new import replaces it."""

    region = models.OneToOneField(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True)
    lines_geojson = models.TextField(_("lines (GeoJSON)"), editable=False)
    lines = models.PositiveIntegerField(_("lines kept"), default=0)
    skipped = models.PositiveIntegerField(_("lines skipped"), default=0)
    nodes = models.PositiveIntegerField(_("nodes"), default=0)
    components = models.PositiveIntegerField(_("disconnected pieces"), default=0)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("road network")
        verbose_name_plural = _("road networks")
        ordering = ["region_path"]

    def __str__(self) -> str:
        return self.name or str(self.region)


class CoverageResult(models.Model):
    """The service circles and coverage of one region for one walk (minutes), computed once and answered
    from here; marked stale when a service point or a road network changes and recomputed in the background."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    minutes = models.PositiveSmallIntegerField()
    payload = models.JSONField()
    stale = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "minutes"], name="services_coverage_region_minutes")]

    def __str__(self) -> str:
        return f"{self.region_path} {self.minutes} min"
