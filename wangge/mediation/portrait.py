"""The disputes panel of the ledger's person page (``wangge.people.portrait``): the disputes the person is a
party to, read through ``selectors.disputes_of_person`` (scoped). Registered from ``MediationConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from wangge.mediation import selectors
from wangge.people import portrait

SHOWN = 10


def person_disputes(user, person) -> dict | None:
    rows = selectors.disputes_of_person(user, person)
    return {"disputes": list(rows[:SHOWN]), "count": rows.count()}


def register() -> None:
    portrait.register(
        portrait.Panel(
            key="mediation.person_disputes",
            subject=portrait.PERSON,
            title=_("Disputes (矛盾纠纷)"),
            template="mediation/_portrait_disputes.html",
            context=person_disputes,
            order=50,
            allowed=selectors.is_staff_reader,
        )
    )
