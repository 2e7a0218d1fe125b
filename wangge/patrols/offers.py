"""What higher modules offer on a household visit's page, beside raising a case.

Patrols sit below the modules that take a visit's need further (services posts a 微心愿 for an elderly or
disabled resident met on the visit), so patrols never imports them. Each registers an ``Offer`` from its
``AppConfig.ready()``, the way ``cases.offers`` works for a case's page:

    offers.register(offers.Offer(key="services.wish", offer=wish_offer, order=10))

``offer(user, visit)`` reads through the registering app's own scoped selectors and returns a
``cases.offers.Link`` or None to show nothing (the registry is ``cases.offers.Offers``). Links are shown by ``order``; registering a key again replaces
its offer.
"""

from wangge.cases.offers import Link, Offer, Offers

__all__ = ["Link", "Offer", "links_for", "register", "unregister"]

_VISIT_PAGE = Offers()
register = _VISIT_PAGE.register
unregister = _VISIT_PAGE.unregister
links_for = _VISIT_PAGE.links_for  # (user, visit)
