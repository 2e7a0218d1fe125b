"""The visits panel of the ledger's household and person pages (``wangge.people.portrait``): the latest
visits, read through ``selectors.visits_for`` (scoped). Registered from ``PatrolsConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from wangge.patrols import selectors
from wangge.people import permissions, portrait

SHOWN = 10


def household_visits(user, household) -> dict:
    rows = selectors.visits_of_household(user, household).select_related("case")
    return {"visits": list(rows[:SHOWN]), "household": household}


def person_visits(user, person) -> dict:
    rows = selectors.visits_of_person(user, person).select_related("case")
    return {"visits": list(rows[:SHOWN]), "person": person}


def register() -> None:
    for key, subject, context in (
        ("patrols.household_visits", portrait.HOUSEHOLD, household_visits),
        ("patrols.person_visits", portrait.PERSON, person_visits),
    ):
        portrait.register(
            portrait.Panel(
                key=key,
                subject=subject,
                title=_("Household visits (入户走访)"),
                template="patrols/_portrait_visits.html",
                context=context,
                order=40,
                allowed=lambda user: permissions.can(user, permissions.VIEW),
            )
        )
