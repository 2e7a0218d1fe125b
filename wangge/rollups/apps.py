from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    """The roll-up store: below assessment and the command-centre screen, above cases.

    Its models keep the app label ``dashboard`` (the label they had when the store and the screen were
    one app), so their tables and migration history are unchanged."""

    name = "wangge.rollups"
    label = "dashboard"
    verbose_name = _("Command centre and statistics")

    def ready(self):
        from wangge.cases import events
        from wangge.rollups import overdue, rollups

        events.subscribe(events.RECORDED, rollups.event_recorded)
        events.subscribe(events.MOVED, overdue.case_moved)
        events.subscribe(events.OVERDUE, overdue.case_turned_red)
        events.subscribe(events.SCANNED, overdue.scan_finished)
        rollups.also_rebuild("overdue_cases", overdue.rebuild_now)
