"""Where higher modules hear of device alarms (registered in their ``AppConfig.ready()``; devices import
none of them). ``raise_alarm`` publishes each alarm it takes in, in its own transaction, after the case
is opened or the repeat folded onto it: a handler writes in that transaction (the webhooks' deliveries)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class Alarm:
    device: Any
    case: Any
    type: str
    value: Any
    message_id: str
    folded: bool  # a repeat on the device's open case, not a new case
    at: datetime


_handlers: list[Callable[[Alarm], None]] = []


def subscribe(handler: Callable[[Alarm], None]) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def unsubscribe(handler: Callable[[Alarm], None]) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def publish(alarm: Alarm) -> None:
    for handler in list(_handlers):
        handler(alarm)
