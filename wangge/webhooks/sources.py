"""What becomes a webhook event: case events (``cases.events``) and device alarms (``devices.alarms``),
subscribed in ``WebhooksConfig.ready()``. Each handler runs in the transaction of what happened and only
writes the deliveries (``services.emit_many``: one INSERT, no read while the snapshot of subscriptions is
fresh); they are sent after the commit by the task queue.

Bodies never hold a reporter's name or phone: the case's number, source, category, status, the step
taken (action, opinion, who acted by role), place (region code, coordinates) and times."""

from wangge.cases import events
from wangge.cases.models import Status
from wangge.devices import alarms
from wangge.webhooks import services
from wangge.webhooks.models import Event


def case_data(case, event=None) -> dict:
    data = {
        "number": case.number,
        "source": case.source,
        "category": case.category.code if case.category_id else None,
        "title": case.title,
        "status": case.status,
        "urgent": case.is_urgent,
        "region": case.region.code if case.region_id else None,
        "lon": case.lon,
        "lat": case.lat,
        "address": case.address,
        "due_at": case.due_at,
        "warning": case.warning,
        "created_at": case.created_at,
        "closed_at": case.closed_at,
    }
    if event is not None:
        data["step"] = {
            "seq": event.seq,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "role": event.role,
            "opinion": event.opinion,
            "at": event.at,
        }
    return data


def subscribers_of_report(intake: events.Intake) -> dict:
    """Before the report's transaction: who subscribed to new cases (a snapshot read, when one is due, is
    not made inside the write lock)."""
    return services.subscribed([Event.CASE_REPORTED])


def case_reported(notice: events.Reported, wanted: dict) -> None:
    if wanted.get(Event.CASE_REPORTED):
        services.emit(Event.CASE_REPORTED, case_data(notice.case, notice.event), at=notice.event.at, wanted=wanted)


MOVED_EVENTS = [Event.CASE_TRANSITIONED, Event.CASE_CLOSED, Event.CASE_RATED]


def case_moved(notice: events.Moved) -> None:
    wanted = services.subscribed(MOVED_EVENTS)
    if not any(wanted.values()):  # the usual case costs no query: the snapshot is in memory
        return
    case, event = notice.case, notice.event
    data = case_data(case, event)
    items = [(Event.CASE_TRANSITIONED, data)]
    if case.status == Status.CLOSED and notice.before.status != Status.CLOSED:
        items.append((Event.CASE_CLOSED, data))
    if event.action == "rate":
        items.append((Event.CASE_RATED, {**data, "satisfied": case.satisfied}))
    services.emit_many(items, at=notice.now, wanted=wanted)


def case_overdue(notice: events.Coloured) -> None:
    wanted = services.subscribed([Event.CASE_OVERDUE])
    if wanted[Event.CASE_OVERDUE]:
        services.emit(Event.CASE_OVERDUE, case_data(notice.case), at=notice.now, wanted=wanted)


def device_alarm(alarm: alarms.Alarm) -> None:
    wanted = services.subscribed([Event.DEVICE_ALARM])
    if not wanted[Event.DEVICE_ALARM]:
        return
    device = alarm.device
    services.emit(
        Event.DEVICE_ALARM,
        {
            "device": device.serial,
            "kind": device.kind,
            "type": alarm.type,
            "value": alarm.value,
            "message_id": alarm.message_id,
            "folded": alarm.folded,
            "case": alarm.case.number if alarm.case is not None else None,
            "lon": device.lon,
            "lat": device.lat,
        },
        at=alarm.at,
        wanted=wanted,
    )


def subscribe() -> None:
    events.subscribe(events.REPORTED, case_reported, prepare=subscribers_of_report)
    events.subscribe(events.MOVED, case_moved)
    events.subscribe(events.OVERDUE, case_overdue)
    alarms.subscribe(device_alarm)
