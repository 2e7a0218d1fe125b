"""Re-encrypt every stored personal number with the active key (the first of WANGGE_PII_KEYS).

Every ``*_encrypted`` column of every model is covered (ledger numbers, account phones, case contact
phones). Values carry their key id, so old keys keep working while this runs; rows are rewritten in
small transactions with a compare-and-swap, so a value changed meanwhile is left to its writer (who
used the active key). Remove an old key from WANGGE_PII_KEYS only after a run reports nothing left.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.core import pii


def encrypted_columns():
    """(model, field name) of every stored encrypted value."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name.endswith("_encrypted"):
                yield model, field.name


def stale(model, name: str, active: str):
    return model._default_manager.exclude(**{name: ""}).exclude(**{f"{name}__startswith": f"{active}:"})


def rotate(*, batch_size: int = 1000, dry_run: bool = False, stdout=None) -> dict[str, int]:
    active = pii.active_key_id()
    counts: dict[str, int] = {}
    for model, name in encrypted_columns():
        label = f"{model._meta.label_lower}.{name}"
        queryset = stale(model, name, active)
        if dry_run:
            counts[label] = queryset.count()
            continue
        done = 0
        last_pk = 0
        while True:
            rows = list(queryset.filter(pk__gt=last_pk).order_by("pk").values_list("pk", name)[:batch_size])
            if not rows:
                break
            with transaction.atomic():
                for pk, sealed in rows:
                    fresh = pii.encrypt(pii.decrypt(sealed), key_id=active)
                    done += model._default_manager.filter(Q(pk=pk) & Q(**{name: sealed})).update(**{name: fresh})
            last_pk = rows[-1][0]
        counts[label] = done
        if stdout is not None and done:
            stdout.write(f"  {label}: {done}")
    return counts


class Command(BaseCommand):
    help = "Re-encrypt every stored personal number with the active key (the first of WANGGE_PII_KEYS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the values sealed with older keys.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, dry_run, batch_size, **options):
        active = pii.active_key_id()
        counts = rotate(batch_size=batch_size, dry_run=dry_run, stdout=self.stdout)
        total = sum(counts.values())
        if dry_run:
            self.stdout.write(
                _("%(n)d values are sealed with an older key than %(key)s.") % {"n": total, "key": active}
            )
            return
        left = sum(stale(model, name, active).count() for model, name in encrypted_columns())
        audit.record(
            actor=None,
            action="pii.rotate",
            object_type="pii.key",
            object_id=active,
            summary=_("%(n)d values re-encrypted") % {"n": total},
            changes={"active": active, "rewritten": total, "left": left},
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(n)d values re-encrypted with key %(key)s; %(left)d still sealed with an older key.")
                % {"n": total, "key": active, "left": left}
            )
        )
