import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.core.bodies import check_json_depth
from wangge.regions import services


class Command(BaseCommand):
    help = "Import regions from a GeoJSON FeatureCollection: all features are written, or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON file (properties: code, name, level, parent_code, …)")
        parser.add_argument("--dry-run", action="store_true", help="Check every feature, write nothing.")

    def handle(self, *args, file, dry_run, **options):
        try:
            raw = Path(file).read_bytes()
            # A file nested hundreds of levels deep would exhaust the parser's recursion: refuse it first.
            check_json_depth(raw, field="file")
            data = json.loads(raw.decode("utf-8-sig"))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.message_dict["file"])) from exc
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc}) from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(_("The file is not valid JSON: %(reason)s") % {"reason": str(exc)[:120]}) from exc
        try:
            report = services.import_feature_collection(actor=None, data=data, dry_run=dry_run)
        except services.ImportFailed as failed:
            report = failed.report
        for problem in report.problems:
            where = f"feature {problem.index} ({problem.code})" if problem.index >= 0 else "file"
            self.stderr.write(f"{where}: {problem.field}: {problem.message}")
        if report.problems:
            raise CommandError(
                _("%(n)d problem(s) in %(total)d features; nothing was written.")
                % {"n": len(report.problems), "total": report.total}
            )
        if dry_run:
            self.stdout.write(_("All %(n)d features are valid; nothing was written (dry run).") % {"n": report.total})
        else:
            self.stdout.write(self.style.SUCCESS(_("%(n)d regions were created.") % {"n": report.created}))
