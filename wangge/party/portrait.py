"""The party panels of the ledger's household and person pages (``wangge.people.portrait``): which 党员中心户
covers the household; a member's standing and organisation on their person page. Registered from ``PartyConfig.ready()``; the ledger never imports party. The central
households are read through ``selectors.centrals_for``, so a member the viewer may not see is not named."""

from django.utils.translation import gettext_lazy as _

from wangge.party import selectors
from wangge.people import permissions, portrait


def household_coverage(user, household) -> dict:
    return {"centrals": selectors.covering(user, household)}


def person_membership(user, person) -> dict | None:
    member = selectors.members_for(user).filter(person_id=person.pk).first()
    if member is None:
        return None
    return {"member": member, "is_central": hasattr(member, "central_household")}


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
    portrait.register(
        portrait.Panel(
            key="party.person",
            subject=portrait.PERSON,
            title=_("Party membership"),
            template="party/_portrait_person.html",
            context=person_membership,
            order=30,
            allowed=lambda user: permissions.can(user, permissions.VIEW),
        )
    )
