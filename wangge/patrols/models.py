"""Patrols (巡查): a grid worker's walk or ride with its GPS track, the figures drawn from it and the cases
raised on the way. A patrol driven in a patrol car (``Vehicle``) is that car's trip.

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


class Vehicle(models.Model):
    """A patrol car (巡逻车) of a district, street or community: its plate, its drivers (people who patrol in that
    region) and its odometer when it was registered here. Its mileage is that reading plus its trips' distances."""

    plate = models.CharField(_("number plate"), max_length=12, unique=True)  # as printed: 苏E·12345 (``plates``)
    label = models.CharField(_("make and model"), max_length=60, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="vehicles"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    drivers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("drivers"), related_name="driven_vehicles", blank=True
    )
    odometer_km = models.PositiveIntegerField(_("odometer at registration (km)"), default=0)
    is_active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("patrol car")
        verbose_name_plural = _("patrol cars")
        ordering = ["plate"]

    def __str__(self) -> str:
        return self.plate

    def save(self, *args, **kwargs):
        # The region's path is copied for scope (one indexed prefix filter), whoever saves: services or the admin.
        if self.region_id:
            self.region_path = self.region.path
        super().save(*args, **kwargs)

    @property
    def mileage_km(self) -> float:
        """The odometer at registration plus the distance of every trip (``trip_m``, which
        ``selectors.with_mileage`` adds to the rows it reads)."""
        return round(self.odometer_km + self.trip_m / 1000, 1)


class Patrol(models.Model):
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="patrols"
    )
    # Where the worker works (their membership region at start): the patrol's place in the scope.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="patrols"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    # A patrol driven in a patrol car is the car's trip (None: on foot or by bicycle).
    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("patrol car"), null=True, blank=True, on_delete=models.PROTECT, related_name="trips"
    )
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
            models.Index(fields=["vehicle", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)

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


class Visit(models.Model):
    """A household visit (入户走访) by a worker: whom they met, what they saw (民情日记) and the needs found.
    A need may become a case in one step; the case is linked back here."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)  # the household's or person's
    visited_on = models.DateField(_("visit date"))
    people_met = models.CharField(_("people met"), max_length=200, blank=True)
    notes = models.TextField(_("notes (民情日记)"), max_length=4000, blank=True)
    needs = models.TextField(_("needs found"), max_length=2000, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["household", "visited_on"]),
            models.Index(fields=["region_path", "visited_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=False) | models.Q(person__isnull=False), name="visit_has_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household_id or ''}/{self.person_id or ''}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="visits/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.file.name
