import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.regions import selectors
from wangge.regions.models import Region


class Command(BaseCommand):
    help = "Export a region and its descendants as a GeoJSON FeatureCollection that import_regions reads."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Code of the region to export")
        parser.add_argument("--depth", type=int, default=None, help="Levels below the region (default: all).")
        parser.add_argument("-o", "--output", help="Write to this file instead of standard output.")

    def handle(self, *args, code, depth, output, **options):
        if depth is not None and depth < 0:
            raise CommandError(_("--depth must be 0 or more."))
        root = Region.objects.filter(code=code).first()
        if root is None:
            raise CommandError(_("No region has the code %(code)s.") % {"code": code})
        collection = selectors.export_feature_collection(root, depth)
        text = json.dumps(collection, ensure_ascii=False)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(
                _("%(n)d regions written to %(file)s.") % {"n": len(collection["features"]), "file": output}
            )
        else:
            self.stdout.write(text)
