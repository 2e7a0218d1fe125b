from django.core.management.base import BaseCommand

from wangge.cases.catalogue import load_catalogue


class Command(BaseCommand):
    help = "Load the shipped case category catalogue (adds missing categories; --overwrite resets edited ones)."

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args, overwrite, **options):
        created, updated = load_catalogue(overwrite=overwrite)
        self.stdout.write(f"categories: {created} created, {updated} updated")
