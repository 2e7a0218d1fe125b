"""What deliberation registers with lower modules (from ``DeliberationConfig.ready()``): a step on the case
page ("raise a topic for deliberation") and the closing of a decision's case."""

from django.utils.translation import gettext_lazy as _

from wangge.cases import events, offers
from wangge.cases.models import Status
from wangge.deliberation import selectors, services


def _may_raise_from(user, case) -> bool:
    """Staff who see the case raise a topic from it; a case outside every community cannot."""
    if case.status in (Status.REJECTED, Status.MERGED) or not selectors.may_manage(user):
        return False
    return any(case.region.path.startswith(r.path) for r in selectors.communities_for(user))


def _topic_offer(user, case) -> offers.Link | None:
    if not _may_raise_from(user, case):
        return None
    return offers.Link(
        label=str(_("Raise a topic for deliberation")),
        url=f"/deliberation/topics/new/?case={case.number}",
        testid="raise-topic",
    )


def register() -> None:
    offers.register(offers.Offer(key="deliberation.topic", offer=_topic_offer, order=20))
    events.subscribe(events.MOVED, services.case_moved)
