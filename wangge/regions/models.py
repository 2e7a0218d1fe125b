"""The region tree: city → district → street/town → community/village → grid → micro-grid.

Every row stores its materialized ``path`` (ancestor ids, fixed width) so that "everything under X"
is a single indexed ``path__startswith`` filter, and its ``district_code`` so that the schema can be
distributed by district later.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_STEP = 10  # digits per ancestor id in the materialized path


class Level(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District/county")
    STREET = "street", _("Street/town")
    COMMUNITY = "community", _("Community/village")
    GRID = "grid", _("Grid")
    SPECIAL_GRID = "special_grid", _("Special grid")
    MICRO_GRID = "micro_grid", _("Micro-grid")


# Which level may hang under which: special grids belong to a community like ordinary grids.
ALLOWED_CHILD_LEVELS: dict[str | None, set[str]] = {
    None: {Level.CITY, Level.DISTRICT},
    Level.CITY: {Level.DISTRICT},
    Level.DISTRICT: {Level.STREET},
    Level.STREET: {Level.COMMUNITY},
    Level.COMMUNITY: {Level.GRID, Level.SPECIAL_GRID},
    Level.GRID: {Level.MICRO_GRID},
    Level.SPECIAL_GRID: {Level.MICRO_GRID},
    Level.MICRO_GRID: set(),
}

LEVEL_ORDER = {
    Level.CITY: 0,
    Level.DISTRICT: 1,
    Level.STREET: 2,
    Level.COMMUNITY: 3,
    Level.GRID: 4,
    Level.SPECIAL_GRID: 4,
    Level.MICRO_GRID: 5,
}

GRID_LEVELS = (Level.GRID, Level.SPECIAL_GRID)


class Region(models.Model):
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    district_code = models.CharField(_("district code"), max_length=6, blank=True, db_index=True)
    special_kind = models.CharField(
        _("special grid kind"), max_length=40, blank=True, help_text=_("Enterprise park, market, school…")
    )
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS84 with its bounding box for viewport filters.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    center_lon = models.FloatField(null=True, blank=True, editable=False)
    center_lat = models.FloatField(null=True, blank=True, editable=False)
    household_count = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("residents"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_name_unique_under_parent"),
        ]
        indexes = [models.Index(fields=["parent", "code"]), models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_grid(self) -> bool:
        return self.level in GRID_LEVELS

    def ancestor_ids(self) -> list[int]:
        step = PATH_STEP
        return [int(self.path[i : i + step]) for i in range(0, len(self.path), step)][:-1]

    def ancestors(self):
        """Ancestors from the root down, one query; their boundaries are not loaded (a city's or a
        district's polygon is the largest row there is, and chains only need names, codes and levels;
        reading ``boundary`` on one still works, with a query of its own)."""
        ids = self.ancestor_ids()
        by_id = Region.objects.defer("boundary").in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def chain(self):
        """``ancestors()``, read once per instance: for the several uses within one request (a report's
        handling region, grid and answer). Fresh instances read it again."""
        cached = self.__dict__.get("_chain")
        if cached is None:
            cached = self.__dict__["_chain"] = self.ancestors()
        return cached


class BoundaryVersion(models.Model):
    """A single row whose counter rises whenever any boundary changes.

    Each process keeps its point-lookup index until it sees a higher number here; that is how an
    edit in one server process reaches the others without a broker.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("boundary version")

    def __str__(self) -> str:
        return str(self.version)
