from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "wangge.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from wangge.assessment import party_work, points
        from wangge.cases import events
        from wangge.party import events as party_events
        from wangge.rollups import rollups

        # After the store's roll-ups (INSTALLED_APPS order): the points reuse the timeline they replayed.
        events.subscribe(events.RECORDED, points.event_recorded)
        rollups.also_rebuild("points_entries", points.rebuild_ledger, ledger=True)
        party_events.subscribe(party_events.CLAIM_DONE, party_work.claim_done)
        party_events.subscribe(party_events.REGISTRATION_CONFIRMED, party_work.registration_confirmed)
