import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wangge.rollups.rollups import rebuild_rollups


class Command(BaseCommand):
    help = "Recompute the roll-ups and the rule-made points from every case's timeline."

    def handle(self, *args, **options):
        started = time.monotonic()
        result = rebuild_rollups()
        self.stdout.write(
            _(
                "Roll-ups rebuilt in %(s).1f s from %(cases)d cases: %(rows)d rows, %(cube)d cube rows, "
                "%(people)d person rows, %(points)d points entries."
            )
            % {
                "s": time.monotonic() - started,
                "cases": result["cases"],
                "rows": result["rows"],
                "cube": result["cube_rows"],
                "people": result["person_rows"],
                "points": result.get("points_entries", 0),
            }
        )
