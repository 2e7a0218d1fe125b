"""Steps other apps offer on a case's page ("raise a topic for deliberation", …): the case page lists them
without importing those apps.

The case loop sits below the apps that can take a case further, so each of them registers a ``Link`` from
its ``AppConfig.ready()``:

    page_links.register(page_links.Link(
        key="deliberation.topic", label=_("Raise a topic for deliberation"),
        url=lambda case: f"/deliberation/topics/new/?case={case.number}", order=20,
        allowed=lambda user, case: ...,
    ))

``allowed(user, case)`` decides from the viewer and the case (the registering app's own rule); the page
shows the allowed links by ``order``. Registering the same key again replaces the link.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    key: str
    label: str  # lazy, translated when shown
    url: Callable  # (case) -> str
    order: int = 100
    allowed: Callable = lambda user, case: True  # noqa: E731 — every viewer of the case by default
    testid: str = ""


@dataclass(frozen=True)
class ShownLink:
    key: str
    label: str
    url: str
    testid: str


_LINKS: dict[str, Link] = {}


def register(link: Link) -> None:
    _LINKS[link.key] = link


def unregister(key: str) -> None:
    _LINKS.pop(key, None)


def links_for(user, case) -> list[ShownLink]:
    """The registered links ``user`` may follow from ``case``'s page, in order."""
    shown = []
    for link in sorted(_LINKS.values(), key=lambda item: (item.order, item.key)):
        if link.allowed(user, case):
            shown.append(ShownLink(link.key, str(link.label), link.url(case), link.testid or link.key))
    return shown
