"""Roll-ups: counters kept up to date in the same transaction as each timeline event.

- ``CaseRollup``: the fine table, keyed by (local day, the case's grid path, category, department,
  source). Statistics with several filters read it.
- ``RollupCube``: the same counters summed up the region tree, one dimension at a time: for every
  region node (city … grid) and every department node, a total row and one row per category, source
  and department. The command-centre screen reads a few dozen rows of it per figure.
- ``ActorRollup``: per person and day (reports, verifications …) for the grid-worker figures.

Each has a *delta* table beside it (``CaseRollupDelta``, ``RollupCubeDelta``, ``ActorRollupDelta``):
the same columns without the unique key. An event's transaction appends its differences there with
plain INSERTs (no row that every report updates); ``rollups.fold`` moves them into the keyed tables
every second or so, and readers add what is not folded yet (``rollups.summed``), so every figure is
exact at all times.

Every counter is defined in ``timeline.py``; ``rollups.py`` is the only writer.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.rollups.timeline import ACTOR_COUNTERS, COUNTERS


class CaseCounters(models.Model):
    class Meta:
        abstract = True


for _name in COUNTERS:
    CaseCounters.add_to_class(_name, models.IntegerField(default=0, db_default=0))


class CaseRollup(CaseCounters):
    day = models.DateField()
    path = models.CharField(max_length=255)
    category_id = models.IntegerField()
    department_id = models.IntegerField(default=0)  # 0: no department (a grid, community or centre holds it)
    source = models.CharField(max_length=16)
    in_grid = models.BooleanField(default=True, db_default=True)  # the path is a grid's (not part of the key)

    class Meta:
        verbose_name = _("case roll-up")
        verbose_name_plural = _("case roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "path", "category_id", "department_id", "source"], name="case_rollup_key"
            )
        ]
        indexes = [models.Index(fields=["path", "day"], name="case_rollup_path_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.path} {self.category_id} {self.department_id} {self.source}"


class Dim(models.TextChoices):
    TOTAL = "", _("Total")
    CLASS = "class", _("Category class")
    SOURCE = "source", _("Source")
    DEPARTMENT = "department", _("Department")


class RollupCube(CaseCounters):
    """``node`` is a region path, or ``D<id>`` for a department; ``parent`` its parent path ('' at the top)."""

    day = models.DateField()
    node = models.CharField(max_length=255)
    parent = models.CharField(max_length=255)
    dim = models.CharField(max_length=16, choices=Dim.choices, blank=True)
    value = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("roll-up cube row")
        verbose_name_plural = _("roll-up cube")
        constraints = [models.UniqueConstraint(fields=["node", "dim", "value", "day"], name="rollup_cube_key")]
        indexes = [models.Index(fields=["parent", "dim", "day"], name="rollup_cube_children")]

    def __str__(self) -> str:
        return f"{self.day} {self.node} {self.dim}={self.value}"


class CaseRollupDelta(CaseCounters):
    """Not yet folded into ``CaseRollup``: the same key, one row per event and key (no unique constraint)."""

    day = models.DateField()
    path = models.CharField(max_length=255)
    category_id = models.IntegerField()
    department_id = models.IntegerField(default=0)
    source = models.CharField(max_length=16)
    in_grid = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("case roll-up delta")
        verbose_name_plural = _("case roll-up deltas")

    def __str__(self) -> str:
        return f"{self.day} {self.path} {self.category_id} {self.department_id} {self.source} (delta)"


class RollupCubeDelta(CaseCounters):
    """Not yet folded into ``RollupCube``."""

    day = models.DateField()
    node = models.CharField(max_length=255)
    parent = models.CharField(max_length=255)
    dim = models.CharField(max_length=16, blank=True)
    value = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("roll-up cube delta")
        verbose_name_plural = _("roll-up cube deltas")

    def __str__(self) -> str:
        return f"{self.day} {self.node} {self.dim}={self.value} (delta)"


class ActorCounters(models.Model):
    class Meta:
        abstract = True


for _name in ACTOR_COUNTERS:
    ActorCounters.add_to_class(_name, models.IntegerField(default=0, db_default=0))


class ActorRollup(ActorCounters):
    day = models.DateField()
    user_id = models.IntegerField()

    class Meta:
        verbose_name = _("person roll-up")
        verbose_name_plural = _("person roll-ups")
        constraints = [models.UniqueConstraint(fields=["user_id", "day"], name="actor_rollup_key")]
        indexes = [models.Index(fields=["day"], name="actor_rollup_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id}"


class ActorRollupDelta(ActorCounters):
    """Not yet folded into ``ActorRollup``."""

    day = models.DateField()
    user_id = models.IntegerField()

    class Meta:
        verbose_name = _("person roll-up delta")
        verbose_name_plural = _("person roll-up deltas")

    def __str__(self) -> str:
        return f"{self.day} {self.user_id} (delta)"


class OverdueTally(models.Model):
    """Open cases the deadline scan has found overdue (warning red), per node.

    ``node`` is a region path, ``D<id>`` for a department, or ``D<id>@<region path>`` for a
    department's cases in that region (the department's map); ``parent`` the node one level up. Kept
    by ``rollups.overdue`` in the transactions that turn a case red or take it out of red.
    """

    node = models.CharField(max_length=255, unique=True)
    parent = models.CharField(max_length=255, db_index=True)
    overdue = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("overdue tally")
        verbose_name_plural = _("overdue tallies")

    def __str__(self) -> str:
        return f"{self.node}: {self.overdue}"


class OverdueTallyDelta(models.Model):
    """Not yet folded into ``OverdueTally``."""

    node = models.CharField(max_length=255)
    parent = models.CharField(max_length=255)
    overdue = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("overdue tally delta")
        verbose_name_plural = _("overdue tally deltas")

    def __str__(self) -> str:
        return f"{self.node}: {self.overdue:+d} (delta)"


class OverdueWatermark(models.Model):
    """One row: every open case due before ``through`` is red (found by the scan), hence in the tally.

    Readers count the open cases due since then straight from the cases table (a short range of the
    ``due_at`` index), so "overdue now" is exact between two scans and while the scan is behind.
    """

    through = models.DateTimeField()

    class Meta:
        verbose_name = _("overdue watermark")
        verbose_name_plural = _("overdue watermarks")

    def __str__(self) -> str:
        return self.through.isoformat()
