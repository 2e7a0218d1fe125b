"""Basic data (人、地、物、组织): compounds, buildings, houses, households, persons, labels,
organisations and public facilities.

Every row is placed in the region tree: ``region`` is the deepest region containing it (a grid or a
micro-grid) and ``region_path`` a copy of that region's materialized path, so "everything under X"
is one indexed prefix filter and ``wangge.accounts.scope.restrict(..., field="region_path")`` scopes
every read.

Personal numbers (ID numbers, phones) are never stored in plain: each is kept as three columns —
``<name>_encrypted`` (AES-GCM with the key id in the value), ``<name>_index`` (HMAC blind index for
exact look-up) and ``<name>_masked`` (what every page shows).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wangge.core import pii
from wangge.people.labels import LabelKind


class Placed(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def place_in(self, region) -> None:
        self.region = region
        self.region_path = region.path


class Located(Placed):
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        abstract = True


class PiiMixin:
    """``set_pii("phone", "13812345678")`` fills the three columns; ``reveal_pii`` decrypts."""

    PII_FIELDS: dict[str, str] = {}  # field name → blind-index kind

    def set_pii(self, name: str, plain: str) -> None:
        plain = (plain or "").strip()
        kind = self.PII_FIELDS[name]
        setattr(self, f"{name}_encrypted", pii.encrypt(plain))
        setattr(self, f"{name}_index", pii.blind_index(plain, kind=kind))
        setattr(self, f"{name}_masked", mask(kind, plain))

    def reveal_pii(self, name: str) -> str:
        return pii.decrypt(getattr(self, f"{name}_encrypted"))


def mask(kind: str, plain: str) -> str:
    if not plain:
        return ""
    return pii.mask_id_number(plain) if kind == "id_number" else pii.mask_phone(plain)


# --- 地 places --------------------------------------------------------------------------------------


class Compound(Located):
    """A residential compound (小区)."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    property_company = models.ForeignKey(
        "Organisation",
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_compounds",
    )

    class Meta:
        verbose_name = _("residential compound")
        verbose_name_plural = _("residential compounds")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="compound_name_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    MIXED = "mixed", _("Residential with shops")
    COMMERCIAL = "commercial", _("Commercial")
    VILLAGE = "village", _("Village house")
    OTHER = "other", _("Other")


class Building(Located):
    """A building (楼栋): floors × units × rooms per floor make the cells of its building view."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), null=True, blank=True, on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. 3幢 or 5组12号"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    use = models.CharField(_("use"), max_length=16, choices=BuildingUse.choices, default=BuildingUse.RESIDENTIAL)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)
    units = models.PositiveSmallIntegerField(_("units"), default=1)
    rooms_per_floor = models.PositiveSmallIntegerField(_("rooms per floor per unit"), default=2)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="building_name_unique_in_compound"),
            models.UniqueConstraint(
                fields=["region", "name"], condition=Q(compound__isnull=True), name="building_name_unique_in_region"
            ),
            models.CheckConstraint(
                condition=Q(floors__gte=1, floors__lte=120, units__gte=1, units__lte=30)
                & Q(rooms_per_floor__gte=1, rooms_per_floor__lte=40),
                name="building_size_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound.name} {self.name}" if self.compound_id else self.name

    @property
    def full_name(self) -> str:
        return str(self)


class HouseUse(models.TextChoices):
    SELF_OCCUPIED = "self_occupied", _("Self-occupied")
    RENTED = "rented", _("Rented")
    VACANT = "vacant", _("Vacant")
    COMMERCIAL = "commercial", _("Commercial")
    OTHER = "other", _("Other")


class House(PiiMixin, Placed):
    """A house or flat (房屋) in a building, at (unit, floor, position); its room number is derived."""

    PII_FIELDS = {"owner_phone": "phone"}

    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="houses")
    unit = models.PositiveSmallIntegerField(_("unit"), default=1)
    floor = models.SmallIntegerField(_("floor"), default=1)
    position = models.PositiveSmallIntegerField(_("position on the floor"), default=1)
    room = models.CharField(_("room"), max_length=12)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    use = models.CharField(_("use"), max_length=16, choices=HouseUse.choices, default=HouseUse.SELF_OCCUPIED)
    owner_name = models.CharField(_("owner"), max_length=60, blank=True)
    owner_phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    owner_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    owner_phone_masked = models.CharField(_("owner's phone"), max_length=32, blank=True, editable=False)
    hazards = models.CharField(_("hazards"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["building_id", "unit", "floor", "position"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "floor", "position"], name="house_cell_unique"),
            models.UniqueConstraint(fields=["building", "unit", "room"], name="house_room_unique"),
        ]
        indexes = [models.Index(fields=["region_path", "use"])]

    def __str__(self) -> str:
        return self.address or self.room

    @property
    def is_rented(self) -> bool:
        return self.use == HouseUse.RENTED


def room_number(floor: int, position: int) -> str:
    """501 for floor 5, position 1; B101 for the first basement floor."""
    return f"{floor}{position:02d}" if floor > 0 else f"B{-floor}{position:02d}"


def house_address(building: Building, unit: int, room: str) -> str:
    return f"{building}{unit}单元{room}室" if building.units > 1 else f"{building}{room}室"


# --- 人 persons -------------------------------------------------------------------------------------


class HouseholdKind(models.TextChoices):
    FAMILY = "family", _("Family household")
    COLLECTIVE = "collective", _("Collective household")


class Household(Placed):
    """A household (户): the people who live together in a house, one of them its head."""

    house = models.ForeignKey(
        House, verbose_name=_("house"), null=True, blank=True, on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("household number"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=HouseholdKind.choices, default=HouseholdKind.FAMILY)
    head = models.ForeignKey(
        "Person", verbose_name=_("head"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["id"]

    def __str__(self) -> str:
        where = str(self.house) if self.house_id else ""
        return f"{where} {self.number}".strip() or f"#{self.pk}"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Hong Kong/Macao permit")
    TAIWAN = "taiwan", _("Taiwan permit")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreigner's permanent residence ID")
    OTHER = "other", _("Other document")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PopulationType(models.TextChoices):
    REGISTERED = "registered", _("Registered resident (户籍)")
    FLOATING = "floating", _("Floating population (流动)")
    OVERSEAS = "overseas", _("From outside the mainland (境外)")
    SEPARATED = "separated", _("Registered here, living elsewhere (人户分离)")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    PARENT = "parent", pgettext_lazy("relation", "Parent")
    PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Brother or sister")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    TENANT = "tenant", _("Tenant")
    OTHER = "other", _("Other")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("Ordinary citizen (群众)")
    PARTY_MEMBER = "party_member", _("CPC member")
    PROBATIONARY = "probationary", _("CPC probationary member")
    LEAGUE_MEMBER = "league_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("Unmarried")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school / vocational")
    COLLEGE = "college", _("College")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class PersonStatus(models.TextChoices):
    LIVING_HERE = "living_here", _("Living here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Person(PiiMixin, Placed):
    """A person (人口). The ID number and phone are personal numbers: encrypted, indexed, masked."""

    PII_FIELDS = {"id_number": "id_number", "phone": "phone"}

    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    id_type = models.CharField(_("document type"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=32, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=32, blank=True, editable=False)
    population_type = models.CharField(
        _("population type"), max_length=16, choices=PopulationType.choices, default=PopulationType.REGISTERED
    )
    registered_address = models.CharField(_("household registration address"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices, blank=True)
    house = models.ForeignKey(
        House, verbose_name=_("lives in"), null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    marital_status = models.CharField(_("marital status"), max_length=12, choices=MaritalStatus.choices, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    employer = models.CharField(_("employer or school"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PersonStatus.choices, default=PersonStatus.LIVING_HERE
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], condition=~Q(id_number_index=""), name="person_id_number_unique"
            )
        ]
        indexes = [models.Index(fields=["region_path", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int:
        today = timezone.localdate()
        birth = self.birth_date
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class PersonLabel(models.Model):
    """One label of one person with its own fields (see ``labels.SPECS``): sensitive, separately kept."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField(_("label"), max_length=32, choices=LabelKind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person label")
        verbose_name_plural = _("person labels")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="person_label_unique")]
        indexes = [models.Index(fields=["kind", "region_path"])]

    def __str__(self) -> str:
        return str(self.get_kind_display())


# --- 组织 organisations and 物 things -----------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SHOP = "shop", _("Shop")
    SOCIAL = "social", _("Social organisation")
    PROPERTY = "property", _("Property management company")
    PUBLIC = "public", _("Public institution")
    VOLUNTEER = "volunteer", _("Volunteer team")
    OTHER = "other", _("Other")


class Organisation(PiiMixin, Located):
    """An enterprise, shop, social organisation or property company (组织)."""

    PII_FIELDS = {"phone": "phone"}

    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_person = models.CharField(_("legal representative"), max_length=60, blank=True)
    phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("contact phone"), max_length=32, blank=True, editable=False)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    building = models.ForeignKey(
        Building, verbose_name=_("building"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    business_scope = models.CharField(_("business"), max_length=200, blank=True)
    is_key = models.BooleanField(_("key unit (重点单位)"), default=False)
    is_active = models.BooleanField(_("operating"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organisation_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FacilityKind(models.TextChoices):
    MANHOLE = "manhole", _("Manhole cover")
    STREET_LAMP = "street_lamp", _("Street lamp")
    HYDRANT = "hydrant", _("Fire hydrant")
    CAMERA = "camera", _("Camera")
    TRASH_BIN = "trash_bin", _("Waste bin")
    BUS_STOP = "bus_stop", _("Bus stop")
    SIGN = "sign", _("Road sign")
    BENCH = "bench", _("Bench")
    FITNESS = "fitness", _("Fitness equipment")
    CHARGER = "charger", _("E-bike charging point")
    OTHER = "other", _("Other")


class FacilityStatus(models.TextChoices):
    NORMAL = "normal", _("In order")
    DAMAGED = "damaged", _("Damaged")
    MISSING = "missing", _("Missing")
    REMOVED = "removed", _("Removed")


class Facility(Located):
    """A public facility (部件) at a point."""

    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices)
    code = models.CharField(_("facility code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=FacilityStatus.choices, default=FacilityStatus.NORMAL)
    owner = models.CharField(_("owner or maintainer"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("public facility")
        verbose_name_plural = _("public facilities")
        ordering = ["code"]
        indexes = [models.Index(fields=["region_path", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"
