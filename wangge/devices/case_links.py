"""What the device module hears from the case loop (``cases.events``, registered in ``DevicesConfig.ready()``):
a sensor case that leaves the open statuses (handled and closed, rejected as a false alarm, merged) puts its
device back from "alarming" to "online", in the case's transaction."""

from wangge.cases import events
from wangge.cases.models import Source
from wangge.devices.models import Device, DeviceState


def case_moved(notice: events.Moved) -> None:
    case = notice.case
    if case.source != Source.SENSOR or case.is_open:
        return
    Device.objects.filter(alarm_case_id=case.pk, state=DeviceState.ALARMING).update(state=DeviceState.ONLINE)


def subscribe() -> None:
    events.subscribe(events.MOVED, case_moved)
