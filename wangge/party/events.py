"""Where higher modules hear of party work (as ``cases.events`` does for cases): assessment credits points
for a 双百 claim done and a 双报到 confirmed. Party imports none of its subscribers; they register in their
``AppConfig.ready()``. Handlers run in the service's transaction, in registration order; a failure rolls
the write back. Registering the same handler twice keeps one."""

from collections.abc import Callable
from dataclasses import dataclass

CLAIM_DONE = "claim_done"  # payload: ClaimDone
REGISTRATION_CONFIRMED = "registration_confirmed"  # payload: RegistrationConfirmed
KINDS = (CLAIM_DONE, REGISTRATION_CONFIRMED)

_handlers: dict[str, list[Callable]] = {kind: [] for kind in KINDS}


@dataclass(frozen=True)
class ClaimDone:
    claim: object  # party.ItemClaim, done


@dataclass(frozen=True)
class RegistrationConfirmed:
    registration: object  # party.Registration, confirmed


def subscribe(kind: str, handler: Callable) -> None:
    if kind not in _handlers:
        raise ValueError(f"unknown party event {kind!r}")
    if handler not in _handlers[kind]:
        _handlers[kind].append(handler)


def publish(kind: str, notice) -> None:
    for handler in _handlers[kind]:
        handler(notice)
