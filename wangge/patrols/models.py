"""Patrols (巡查): a grid worker's walk or ride with its GPS track, the figures drawn from it and the cases
raised on the way.

Every point received is kept once (duplicates by time dropped) in one compact binary column: float64 rows
of ``lon, lat, t (Unix seconds), accuracy (m), flags, region id`` sorted by time. Flags: ``JUMP`` (an absurd
speed from the point before: left out of the track and the distance, counted), ``OUTSIDE`` (no grid or
micro-grid contains it: kept, flagged). The figures are recomputed from the points by ``track.clean`` on
every batch, so batches may arrive in any order and the answer is the same.
"""

import numpy as np
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

COLUMNS = 6  # lon, lat, t, accuracy, flags, region id (-1: none)
JUMP = 1
OUTSIDE = 2


class Patrol(models.Model):
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="patrols"
    )
    # Where the worker works (their membership region at start): the patrol's place in the scope.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="patrols"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    closed_automatically = models.BooleanField(_("closed automatically"), default=False)
    distance_m = models.FloatField(_("distance (m)"), default=0)
    duration_s = models.PositiveIntegerField(_("duration (s)"), default=0)
    points = models.BinaryField(default=b"", editable=False)
    point_count = models.PositiveIntegerField(_("points"), default=0)
    flagged_count = models.PositiveIntegerField(_("points outside every grid"), default=0)
    dropped_jumps = models.PositiveIntegerField(_("points dropped as jumps"), default=0)
    batch_ids = models.JSONField(default=list, editable=False)
    regions_passed = models.JSONField(default=list, editable=False)  # ids of the grids and micro-grids passed
    cases = models.ManyToManyField("cases.Case", through="PatrolCase", related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["worker", "ended_at"]),
            models.Index(fields=["region_path", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def array(self) -> np.ndarray:
        data = bytes(self.points or b"")
        return np.frombuffer(data, dtype=np.float64).reshape(-1, COLUMNS).copy()


class PatrolCase(models.Model):
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("case reported on a patrol")
        verbose_name_plural = _("cases reported on patrols")
        constraints = [models.UniqueConstraint(fields=["patrol", "case"], name="patrol_case_once")]

    def __str__(self) -> str:
        return f"{self.patrol_id} → {self.case_id}"
