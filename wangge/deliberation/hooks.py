"""What deliberation registers with lower modules (from ``DeliberationConfig.ready()``): a step on the case
page ("raise a topic for deliberation") and the closing of a decision's case."""

from django.utils.translation import gettext_lazy as _

from wangge.cases import events, offers
from wangge.deliberation import services


def _topic_offer(user, case) -> offers.Link | None:
    if services.case_topic_community(user, case) is None:
        return None
    return offers.Link(
        label=str(_("Raise a topic for deliberation")),
        url=f"/deliberation/topics/new/?case={case.number}",
        testid="raise-topic",
    )


def register() -> None:
    offers.register(offers.Offer(key="deliberation.topic", offer=_topic_offer, order=20))
    events.subscribe(events.MOVED, services.case_moved)
