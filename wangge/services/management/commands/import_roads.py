from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.models import User
from wangge.services import services


class Command(BaseCommand):
    help = (
        "Import (or replace) the walkable road network of a street or district from a GeoJSON file of "
        "LineString/MultiLineString features; reports the lines kept and skipped and the disconnected pieces."
    )

    def add_arguments(self, parser):
        parser.add_argument("region", help="the street or district code")
        parser.add_argument("path", help="the GeoJSON file")
        parser.add_argument("--name", default="", help="a name for the network")
        parser.add_argument("--as", dest="username", required=True, help="the administrator importing it")

    def handle(self, *args, region, path, name, username, **options):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {username!r}")
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        try:
            done = services.import_roads(actor=actor, region=region, data=data, name=name)
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from None
        self.stdout.write(
            f"roads of {done.network.region.name}: {done.lines} lines kept, {done.skipped} skipped, "
            f"{done.nodes} nodes, {done.components} disconnected piece(s)"
        )
