"""What higher modules offer on a case's page, beside the workflow's own actions.

Cases sit below the modules that take a case further (mediation turns a 矛盾纠纷 case into a dispute), so
cases never import them. Each registers an ``Offer`` from its ``AppConfig.ready()``:

    offers.register(offers.Offer(key="mediation.dispute", offer=dispute_offer, order=10))

``offer(user, case)`` reads through the registering app's own scoped selectors and returns a ``Link`` (a
button: ``method="post"`` submits a form with the CSRF token to ``url``, ``"get"`` is a plain link) or None
to show nothing. Links are shown by ``order``; registering a key again replaces its offer.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    method: str = "get"  # "get": a link; "post": a one-button form
    testid: str = ""


@dataclass(frozen=True)
class Offer:
    key: str
    offer: Callable  # (user, case) -> Link | None
    order: int = 100


class Offers:
    """One page's registry of offers (the case page here; ``patrols.offers`` holds the visit page's)."""

    def __init__(self) -> None:
        self._offers: dict[str, Offer] = {}

    def register(self, offer: Offer) -> None:
        self._offers[offer.key] = offer

    def unregister(self, key: str) -> None:
        self._offers.pop(key, None)

    def links_for(self, user, subject) -> list[Link]:
        """The links ``user`` is offered on the page of ``subject``, in order."""
        links = []
        for offer in sorted(self._offers.values(), key=lambda o: (o.order, o.key)):
            link = offer.offer(user, subject)
            if link is not None:
                links.append(link)
        return links


_CASE_PAGE = Offers()
register = _CASE_PAGE.register
unregister = _CASE_PAGE.unregister
links_for = _CASE_PAGE.links_for  # (user, case)
