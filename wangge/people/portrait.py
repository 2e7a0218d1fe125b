"""The portrait of a household or a person: the ledger's own card plus panels that other apps register.

The ledger sits below the apps that know more about a household (cases now; visits, wishes, devices
later), so it never imports them. Each of them registers a ``Panel`` from its ``AppConfig.ready()``:

    portrait.register(portrait.Panel(
        key="cases.household", subject=portrait.HOUSEHOLD, title=_("Cases"),
        template="cases/_portrait_cases.html", context=household_cases, order=20,
        allowed=lambda user: ...,
    ))

``context(user, subject)`` reads through the registering app's own scoped selectors (what the viewer may
not see is not there) and returns the template's context, or None to leave the panel out. ``allowed(user)``
leaves the panel out for roles that may not see its kind of record at all. Panels are shown by ``order``.
"""

from collections.abc import Callable
from dataclasses import dataclass

HOUSEHOLD = "household"
PERSON = "person"
SUBJECTS = (HOUSEHOLD, PERSON)


@dataclass(frozen=True)
class Panel:
    key: str  # unique: registering the same key again replaces the panel
    subject: str  # HOUSEHOLD or PERSON
    title: str  # lazy, translated when shown
    template: str
    context: Callable  # (user, subject) -> dict | None
    order: int = 100
    allowed: Callable = lambda user: True  # noqa: E731 — every viewer of the page by default


@dataclass(frozen=True)
class ShownPanel:
    key: str
    title: str
    template: str
    context: dict


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    if panel.subject not in SUBJECTS:
        raise ValueError(f"unknown portrait subject {panel.subject!r}")
    _PANELS[panel.key] = panel


def unregister(key: str) -> None:
    _PANELS.pop(key, None)


def registered(subject: str) -> list[Panel]:
    return sorted((p for p in _PANELS.values() if p.subject == subject), key=lambda p: (p.order, p.key))


def panels_for(user, subject: str, obj) -> list[ShownPanel]:
    """The panels ``user`` may see on the page of ``obj`` (a household or a person), in order."""
    shown = []
    for panel in registered(subject):
        if not panel.allowed(user):
            continue
        context = panel.context(user, obj)
        if context is not None:
            shown.append(ShownPanel(panel.key, str(panel.title), panel.template, context))
    return shown
