"""The party tree, its members and the 党员中心户 (central households) linked to the households they cover.

- ``PartyOrganisation``: one node of the tree (党委/大党委 → 党总支 → 网格党支部 → 党小组; co-building units'
  party organisations beside them). It serves one or more regions (``ServedRegion``, each with a copy of the
  region's materialized path); a child serves only regions inside its parent's area. The tree is small
  (hundreds of nodes per street), so moves check for cycles by walking up the parent chain.
- ``PartyMember``: a ledger person (``people.Person``) with their party standing. Political status is
  personal data: members are read through the person's ``region_path`` under the caller's data reach.
- ``CentralHousehold`` and ``CoveredHousehold``: a member made a central household and the households
  linked to it (at most ``PARTY_CENTRAL_HOUSEHOLD_MAX``; one central household per household unless
  ``PARTY_SHARED_COVERAGE``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.text import TextGuardMixin


class OrganisationKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee (党委/大党委)")
    GENERAL_BRANCH = "general_branch", _("General branch (党总支)")
    BRANCH = "branch", _("Grid branch (网格党支部)")
    GROUP = "group", _("Party group (党小组)")
    COBUILDING = "cobuilding", _("Co-building unit (共驻共建单位)")


class PartyOrganisation(TextGuardMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    regions = models.ManyToManyField(
        "regions.Region", verbose_name=_("regions served"), through="ServedRegion", related_name="+"
    )
    community = models.ForeignKey(
        "regions.Region",
        verbose_name=_("community co-built with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ledger_organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("unit in the ledger"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secretary = models.ForeignKey(
        "PartyMember",
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ServedRegion(models.Model):
    organisation = models.ForeignKey(PartyOrganisation, on_delete=models.CASCADE, related_name="served")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("region served")
        verbose_name_plural = _("regions served")
        constraints = [models.UniqueConstraint(fields=["organisation", "region"], name="party_served_once")]

    def __str__(self) -> str:
        return str(self.region_id)


class CommitteeMember(TextGuardMixin, models.Model):
    organisation = models.ForeignKey(PartyOrganisation, on_delete=models.CASCADE, related_name="committee")
    member = models.ForeignKey("PartyMember", verbose_name=_("member"), on_delete=models.CASCADE, related_name="+")
    duty = models.CharField(_("duty"), max_length=40, blank=True, help_text=_("e.g. 组织委员"))

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [models.UniqueConstraint(fields=["organisation", "member"], name="party_committee_once")]

    def __str__(self) -> str:
        return self.duty


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member (正式党员)")
    PROBATIONARY = "probationary", _("Probationary member (预备党员)")


class LeaveKind(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", _("Transferred out (转出)")
    LEFT = "left", _("Left (离开)")


class PartyMember(TextGuardMixin, models.Model):
    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="party_member"
    )
    organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("organisation holding the membership (组织关系)"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    status = models.CharField(_("standing"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    in_service = models.BooleanField(_("in-service member (在职党员)"), default=False)
    employer = models.CharField(_("employer unit"), max_length=100, blank=True)
    grid = models.ForeignKey(
        "regions.Region",
        verbose_name=_("grid linked to (党员联系网格)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    account = models.OneToOneField(
        "accounts.User",
        verbose_name=_("own account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
        help_text=_("The member's own login, for 双报到 and claims; linked by the phone number at registration."),
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_kind = models.CharField(_("how the member left"), max_length=16, choices=LeaveKind.choices, blank=True)
    leave_note = models.CharField(_("leaving note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")

    def __str__(self) -> str:
        return str(self.person_id)


class CentralHousehold(models.Model):
    member = models.OneToOneField(
        PartyMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="central_household"
    )
    households = models.ManyToManyField("people.Household", through="CoveredHousehold", related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("central household (党员中心户)")
        verbose_name_plural = _("central households (党员中心户)")

    def __str__(self) -> str:
        return str(self.member_id)


class CoveredHousehold(models.Model):
    central = models.ForeignKey(CentralHousehold, on_delete=models.CASCADE, related_name="covered")
    household = models.ForeignKey(
        "people.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="party_covers"
    )

    class Meta:
        verbose_name = _("covered household")
        verbose_name_plural = _("covered households")
        constraints = [models.UniqueConstraint(fields=["central", "household"], name="party_covered_once")]

    def __str__(self) -> str:
        return str(self.household_id)


# --- 双百 lists: a community's needs and resources, claimed by members and co-building units --------------


class ItemKind(models.TextChoices):
    NEED = "need", _("Need (需求清单)")
    RESOURCE = "resource", _("Resource (资源清单)")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    DONE = "done", _("Done")


class ServiceItem(TextGuardMixin, models.Model):
    """One line of a community's 双百 lists: a need to meet or a resource on offer (e.g. a unit's legal
    advice). Claimed by one member or co-building unit at a time (``ItemClaim``)."""

    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("list"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    offered_by = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("offered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("list item (双百)")
        verbose_name_plural = _("list items (双百)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    DONE = "done", _("Done")


class ItemClaim(TextGuardMixin, models.Model):
    """Who took an item on (a member or a co-building unit) and, once done, the note, hours and photo."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey(
        PartyMember, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    unit = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("co-building unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED)
    claimed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    photo = models.FileField(upload_to="party/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            # One claim per item: the second of two simultaneous claims fails here even past the row lock.
            models.UniqueConstraint(fields=["item"], name="party_item_claimed_once"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, unit__isnull=True)
                | models.Q(member__isnull=True, unit__isnull=False),
                name="party_claim_member_or_unit",
            ),
        ]

    def __str__(self) -> str:
        return str(self.item_id)


# --- 双报到: in-service members and co-building units register with a community --------------------------


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CONFIRMED = "confirmed", _("Confirmed")


class Registration(models.Model):
    """A 双报到: an in-service member registering with the community where they live, or a co-building unit
    with the community it co-builds with; the community confirms."""

    member = models.OneToOneField(
        PartyMember, null=True, blank=True, on_delete=models.CASCADE, related_name="registration"
    )
    unit = models.OneToOneField(
        PartyOrganisation, null=True, blank=True, on_delete=models.CASCADE, related_name="registration"
    )
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    registered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("registration (双报到)")
        verbose_name_plural = _("registrations (双报到)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, unit__isnull=True)
                | models.Q(member__isnull=True, unit__isnull=False),
                name="party_registration_member_or_unit",
            ),
        ]

    def __str__(self) -> str:
        return str(self.community_id)


# --- 红色物业: property companies under the community's party leadership ------------------------------


class CheckItem(models.TextChoices):
    """The monthly checklist of a property company (each item passed or not)."""

    PARTY_POST = "party_post", _("Party building post and activities (党建阵地)")
    CLEANING = "cleaning", _("Cleaning and greenery (环境卫生)")
    SAFETY = "safety", _("Safety and fire patrols (安全巡查)")
    FACILITIES = "facilities", _("Facilities maintained (设施维护)")
    COMPLAINTS = "complaints", _("Complaints answered (投诉处理)")
    DISCLOSURE = "disclosure", _("Fees and accounts made public (公开公示)")


class PropertyCompany(TextGuardMixin, models.Model):
    """A property company of the ledger (``people.Organisation``, kind property) brought under a community's
    party leadership (红色物业), optionally linked to the party organisation that leads it. Its compounds are
    the ledger's compounds naming it as their property company."""

    organisation = models.OneToOneField(
        "people.Organisation", verbose_name=_("company in the ledger"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    party_organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("leading party organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="property_companies",
    )
    joined_on = models.DateField(_("brought in on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("red property company (红色物业)")
        verbose_name_plural = _("red property companies (红色物业)")
        ordering = ["community_path", "id"]

    def __str__(self) -> str:
        return str(self.organisation_id)


class PropertyCheck(TextGuardMixin, models.Model):
    """The community's monthly check of a company against the checklist; the score is the share passed."""

    company = models.ForeignKey(PropertyCompany, on_delete=models.CASCADE, related_name="checks")
    month = models.DateField(_("month"), help_text=_("The first day of the month checked."))
    results = models.JSONField(_("results"), default=dict)  # CheckItem code → passed
    score = models.PositiveSmallIntegerField(_("score"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(_("checked"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly check")
        verbose_name_plural = _("monthly checks")
        ordering = ["-month", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "month"], name="party_property_check_once")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m}"


class PropertyListing(models.Model):
    """The half-year red/black list of a community's property companies, frozen when published."""

    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half"), choices=[(1, _("First half")), (2, _("Second half"))])
    rows = models.JSONField(default=list)  # [{company, name, score, cases, late_cases, list}]
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("red/black list")
        verbose_name_plural = _("red/black lists")
        ordering = ["-year", "-half", "community_path"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "half"], name="party_property_listing_once")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.year}H{self.half}"


class UnitStaff(models.Model):
    """An account acting for a co-building unit (双报到 unit staff): it registers the unit, claims and completes
    items for it, and sees the unit's members and claims, beside the unit's secretary."""

    unit = models.ForeignKey(PartyOrganisation, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="party_unit_staff")
    added_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit staff")
        verbose_name_plural = _("unit staff")
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="party_unit_staff_once")]

    def __str__(self) -> str:
        return str(self.user_id)
