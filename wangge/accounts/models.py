"""Users, roles, memberships (who serves which region in which role), departments, tokens, audit log."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core import pii


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    MICRO_GRID_LIAISON = "micro_grid_liaison", _("Micro-grid liaison")
    GRID_WORKER = "grid_worker", _("Grid worker")
    GRID_CHIEF = "grid_chief", _("Grid chief")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    COMMAND_OPERATOR = "command_operator", _("Command-centre operator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    DUTY_CHIEF = "duty_chief", _("Duty chief")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    STREET_LEADER = "street_leader", _("Street leader")
    ADMIN = "admin", _("Administrator")


class DepartmentKind(models.TextChoices):
    CITY_MANAGEMENT = "city_management", _("City management (城管)")
    MARKET_REGULATION = "market_regulation", _("Market regulation")
    HOUSING = "housing", _("Housing and construction")
    POLICE = "police", _("Public security")
    ENVIRONMENT = "environment", _("Ecology and environment")
    FIRE = "fire", _("Fire and rescue")
    WATER = "water", _("Water affairs")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    TRANSPORT = "transport", _("Transport")
    HEALTH = "health", _("Health")
    EMERGENCY = "emergency", _("Emergency management")
    UTILITIES = "utilities", _("Utilities (power, gas, telecom)")
    OTHER = "other", _("Other")


class Department(models.Model):
    """A functional department (职能部门): an organisation with its own users and jurisdictions."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("seat"), on_delete=models.PROTECT, related_name="departments"
    )
    jurisdictions = models.ManyToManyField(
        "regions.Region", verbose_name=_("jurisdictions"), related_name="department_jurisdictions", blank=True
    )
    phone = models.CharField(_("duty phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class WanggeUserManager(UserManager):
    def get_by_phone(self, phone: str):
        return self.get(phone_index__in=pii.blind_indexes(phone, kind="phone"))


class User(AbstractUser):
    """A person who logs in. The phone number is personal data: encrypted, blind-indexed, masked."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)

    objects = WanggeUserManager()
    PII_FIELDS = {"phone": "phone"}  # field name → blind-index kind (what a key rotation recomputes)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_index"], condition=~models.Q(phone_index=""), name="user_phone_unique"
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_phone(self, phone: str) -> None:
        phone = phone.strip()
        self.phone_encrypted = pii.encrypt(phone)
        self.phone_index = pii.blind_index(phone, kind="phone")
        self.phone_masked = pii.mask_phone(phone)

    def reveal_phone(self) -> str:
        return pii.decrypt(self.phone_encrypted)


class Membership(models.Model):
    """Who serves which region in which role. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="memberships"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    title = models.CharField(_("title"), max_length=60, blank=True, help_text=_("e.g. full-time grid worker"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["region", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region.name}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"


class AuditLog(models.Model):
    """Append-only: who did or saw what, to which object, when and from where."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
