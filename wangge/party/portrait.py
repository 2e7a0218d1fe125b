"""The party panel of the ledger's household page (``wangge.people.portrait``): which 党员中心户 covers
the household. Registered from ``PartyConfig.ready()``; the ledger never imports party. The central
households are read through ``selectors.centrals_for``, so a member the viewer may not see is not named."""

from django.utils.translation import gettext_lazy as _

from wangge.party import selectors
from wangge.people import permissions, portrait


def household_coverage(user, household) -> dict:
    return {"centrals": selectors.covering(user, household)}


def register() -> None:
    portrait.register(
        portrait.Panel(
            key="party.household",
            subject=portrait.HOUSEHOLD,
            title=_("Party central household (党员中心户)"),
            template="party/_portrait_household.html",
            context=household_coverage,
            order=30,
            allowed=lambda user: permissions.can(user, permissions.VIEW),
        )
    )
