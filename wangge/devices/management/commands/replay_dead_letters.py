from django.core.management.base import BaseCommand

from wangge.devices import services
from wangge.devices.subscriber import load_spool


class Command(BaseCommand):
    help = "Take the device dead letters (and messages spooled while the database was down) in again."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="only these dead letters")

    def handle(self, *args, ids, **options):
        spooled = load_spool()
        if spooled:
            self.stdout.write(f"{spooled} spooled message(s) moved to the dead letters.")
        counts = services.replay_dead_letters(actor=None, ids=ids or None)
        summary = ", ".join(f"{name}: {n}" for name, n in sorted(counts.items())) or "nothing to replay"
        self.stdout.write(summary)
