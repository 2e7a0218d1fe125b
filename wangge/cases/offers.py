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


_OFFERS: dict[str, Offer] = {}


def register(offer: Offer) -> None:
    _OFFERS[offer.key] = offer


def unregister(key: str) -> None:
    _OFFERS.pop(key, None)


def links_for(user, case) -> list[Link]:
    """The links ``user`` is offered on the page of ``case``, in order."""
    links = []
    for offer in sorted(_OFFERS.values(), key=lambda o: (o.order, o.key)):
        link = offer.offer(user, case)
        if link is not None:
            links.append(link)
    return links
