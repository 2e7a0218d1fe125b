"""What deliberation registers with lower modules (from ``DeliberationConfig.ready()``): a step on the case
page ("raise a topic for deliberation") and the closing of a decision's case."""

from django.utils.translation import gettext_lazy as _

from wangge.cases import events, page_links
from wangge.cases.models import Status
from wangge.deliberation import selectors, services


def _may_raise_from(user, case) -> bool:
    """Staff who see the case raise a topic from it; a case outside every community cannot."""
    if case.status in (Status.REJECTED, Status.MERGED) or not selectors.may_manage(user):
        return False
    return any(case.region.path.startswith(r.path) for r in selectors.communities_for(user))


def register() -> None:
    page_links.register(
        page_links.Link(
            key="deliberation.topic",
            label=_("Raise a topic for deliberation"),
            url=lambda case: f"/deliberation/topics/new/?case={case.number}",
            order=20,
            allowed=_may_raise_from,
            testid="raise-topic",
        )
    )
    events.subscribe(events.MOVED, services.case_moved)
