"""Retrain the category suggester now: the shipped training text plus operators' corrections, taken into use
only if it scores no lower on the held-out split (see wangge.cases.suggester)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wangge.cases import suggester
from wangge.cases.models import SuggesterTraining


def percent(value: float) -> str:
    return f"{value * 100:.1f} %"


class Command(BaseCommand):
    help = "Retrain the category suggester with operators' corrections; keep the old model if the new one is worse."

    def handle(self, *args, **options):
        run = suggester.retrain(trigger=SuggesterTraining.Trigger.COMMAND)
        for group in ("all", "resident", "grid", "hotline"):
            before, after = run.before[group], run.after[group]
            self.stdout.write(
                f"  {group:9s} top-1 {percent(before['top1'])} → {percent(after['top1'])}   "
                f"top-3 {percent(before['top3'])} → {percent(after['top3'])}   (n = {after['n']})"
            )
        if run.status == SuggesterTraining.Status.ACCEPTED:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Taken into use: trained on %(n)d examples, %(corrections)d of them corrections.")
                    % {"n": run.examples, "corrections": run.corrections}
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING(_("Refused, the old model stays: %(reason)s.") % {"reason": run.reason})
            )
