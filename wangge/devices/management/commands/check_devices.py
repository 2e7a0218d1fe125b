from django.core.management.base import BaseCommand

from wangge.devices import services


class Command(BaseCommand):
    help = "Mark devices silent past their heartbeat interval offline (what the task consumer does each minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.check_offline()} device(s) went offline.")
