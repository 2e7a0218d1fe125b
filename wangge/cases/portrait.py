"""The cases panel of the ledger's household and person pages (``wangge.people.portrait``).

Registered from ``CasesConfig.ready()``; the ledger never imports cases. Every list reads through
``selectors.visible_cases``, so a case the viewer may not see is not in the panel either.

- A person's panel: cases reported for the person or for their household (``Case.person``,
  ``Case.household``, set when the report named them).
- A household's panel: cases reported for the household or one of its members, and, apart, cases
  reported within ``NEAR_BUILDING_M`` of the household's building (the case's point against the
  building's), which finds what happened there before reports named households.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import scope_for
from wangge.cases.selectors import visible_cases
from wangge.core import geo
from wangge.people import portrait

PANEL_ROWS = 10
NEAR_BUILDING_M = 30


def _listed(cases) -> dict:
    cases = cases.select_related("category").order_by("-created_at", "-id")
    return {"cases": list(cases[:PANEL_ROWS]), "count": cases.count()}


def person_cases(user, person) -> dict:
    linked = Q(person_id=person.pk)
    if person.household_id:
        linked |= Q(household_id=person.household_id)
    return {"linked": _listed(visible_cases(user).filter(linked)), "near": None}


def household_cases(user, household) -> dict:
    linked = visible_cases(user).filter(Q(household_id=household.pk) | Q(person__household_id=household.pk))
    near = None
    building = household.house.building if household.house_id else None
    if building is not None and building.lon is not None and building.lat is not None:
        around = _around(building.lon, building.lat, NEAR_BUILDING_M)
        near = _listed(visible_cases(user).filter(around, region_path__startswith=building.region_path))
    return {"linked": _listed(linked), "near": near}


def _around(lon: float, lat: float, metres: float) -> Q:
    """The box of ``metres`` around the point (a box, not a circle: a building's corners count too)."""
    lons, lats = geo.box_around(lon, lat, metres)
    return Q(lon__range=lons, lat__range=lats)


def _reads_cases(user) -> bool:
    return user.is_authenticated and not scope_for(user).is_empty


def register() -> None:
    template = "cases/_portrait_cases.html"
    for subject, context in ((portrait.HOUSEHOLD, household_cases), (portrait.PERSON, person_cases)):
        portrait.register(
            portrait.Panel(
                key=f"cases.{subject}",
                subject=subject,
                title=_("Cases"),
                template=template,
                context=context,
                order=20,
                allowed=_reads_cases,
            )
        )
