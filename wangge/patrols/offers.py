"""What higher modules offer on a household visit's page, beside raising a case.

Patrols sit below the modules that take a visit's need further (services posts a 微心愿 for an elderly or
disabled resident met on the visit), so patrols never imports them. Each registers an ``Offer`` from its
``AppConfig.ready()``, the way ``cases.offers`` works for a case's page:

    offers.register(offers.Offer(key="services.wish", offer=wish_offer, order=10))

``offer(user, visit)`` reads through the registering app's own scoped selectors and returns a
``cases.offers.Link`` or None to show nothing. Links are shown by ``order``; registering a key again replaces
its offer.
"""

from collections.abc import Callable
from dataclasses import dataclass

from wangge.cases.offers import Link

__all__ = ["Link", "Offer", "links_for", "register", "unregister"]


@dataclass(frozen=True)
class Offer:
    key: str
    offer: Callable  # (user, visit) -> Link | None
    order: int = 100


_OFFERS: dict[str, Offer] = {}


def register(offer: Offer) -> None:
    _OFFERS[offer.key] = offer


def unregister(key: str) -> None:
    _OFFERS.pop(key, None)


def links_for(user, visit) -> list[Link]:
    """The links ``user`` is offered on the page of ``visit``, in order."""
    links = []
    for offer in sorted(_OFFERS.values(), key=lambda o: (o.order, o.key)):
        link = offer.offer(user, visit)
        if link is not None:
            links.append(link)
    return links
