"""Rewrite every stored personal number under the active keys: re-encrypt values sealed with an older
key of WANGGE_PII_KEYS, and recompute blind indexes made with an older key of WANGGE_PII_INDEX_KEY.

Every ``*_encrypted`` and ``*_index`` column of every model is covered (ledger numbers, account phones,
case contact phones, vendors' webhook signing keys), found the same way: by walking the models. Values carry their key id, so old keys
keep working while this runs (look-ups match an index under every configured key); rows are rewritten
in small transactions with a compare-and-swap, so a value changed meanwhile is left to its writer (who
used the active key). A new index needs the number itself: it is computed from the row's encrypted
column. Remove an old key only after a run reports nothing left.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
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


def rotate(*, batch_size: int = 1000, dry_run: bool = False, limit: int | None = None, stdout=None) -> dict[str, int]:
    """Re-encrypt every value sealed with an older key (at most ``limit`` rows in all): {column: rewritten}."""
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
            size = _next_batch(batch_size, limit, sum(counts.values()) + done)
            rows = list(queryset.filter(pk__gt=last_pk).order_by("pk").values_list("pk", name)[:size]) if size else []
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


def index_columns():
    """(model, number name, blind-index kind) of every stored blind index: a ``<name>_index`` column beside
    a ``<name>_encrypted`` one (the number it is recomputed from), its kind declared in ``PII_FIELDS``."""
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if not field.name.endswith("_index") or f"{field.name[: -len('_index')]}_encrypted" not in names:
                continue
            number = field.name[: -len("_index")]
            kind = getattr(model, "PII_FIELDS", {}).get(number)
            if kind is None:
                raise LookupError(f"{model._meta.label}.{field.name}: declare its kind in PII_FIELDS")
            yield model, number, kind


def stale_indexes(model, number: str, active: str):
    """Rows whose index was made with another key than ``active``."""
    name = f"{number}_index"
    queryset = model._default_manager.exclude(**{name: ""})
    if active:
        return queryset.exclude(**{f"{name}__startswith": f"{active}:"})
    return queryset.filter(**{f"{name}__contains": ":"})  # the id-less key's values are bare digests


def rotate_indexes(
    *, batch_size: int = 1000, dry_run: bool = False, limit: int | None = None, stdout=None
) -> dict[str, tuple[int, int]]:
    """Recompute every index made with an older key (at most ``limit`` rows in all):
    {column: (rewritten, left as a duplicate)}."""
    active = pii.active_index_key_id()
    counts: dict[str, tuple[int, int]] = {}
    for model, number, kind in index_columns():
        label = f"{model._meta.label_lower}.{number}_index"
        queryset = stale_indexes(model, number, active)
        if dry_run:
            counts[label] = (queryset.count(), 0)
            continue
        done = duplicates = 0
        last_pk = 0
        while True:
            size = _next_batch(batch_size, limit, sum(sum(pair) for pair in counts.values()) + done + duplicates)
            columns = ("pk", f"{number}_index", f"{number}_encrypted")
            rows = list(queryset.filter(pk__gt=last_pk).order_by("pk").values_list(*columns)[:size]) if size else []
            if not rows:
                break
            with transaction.atomic():
                for pk, index, sealed in rows:
                    rewritten = _rewrite_index(model, number, kind, pk, index, sealed, active)
                    done += rewritten is True
                    duplicates += rewritten is None
            last_pk = rows[-1][0]
        counts[label] = (done, duplicates)
        if stdout is not None and (done or duplicates):
            stdout.write(f"  {label}: {done}" + (f" ({duplicates} duplicates left)" if duplicates else ""))
    return counts


def _next_batch(batch_size: int, limit: int | None, handled: int) -> int:
    """Rows to read next: a batch, or what is left of the run's limit (0: stop)."""
    return batch_size if limit is None else max(0, min(batch_size, limit - handled))


def _rewrite_index(model, number: str, kind: str, pk: int, index: str, sealed: str, active: str) -> bool | None:
    """Compare-and-swap one row's index: True when rewritten, False when its writer changed it meanwhile,
    None when another row already holds the number under the active key (a unique column: left for a person
    to resolve, and still found by look-ups under the old key)."""
    plain = pii.decrypt(sealed)
    fresh = pii.blind_index(plain, kind=kind, key_id=active) if plain else ""
    unchanged = Q(pk=pk) & Q(**{f"{number}_index": index, f"{number}_encrypted": sealed})
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the rest of the batch alone
            return bool(model._default_manager.filter(unchanged).update(**{f"{number}_index": fresh}))
    except IntegrityError:
        return None


def _report_encryption(command, *, dry_run: bool, batch_size: int, limit: int | None) -> None:
    active = pii.active_key_id()
    counts = rotate(batch_size=batch_size, dry_run=dry_run, limit=limit, stdout=command.stdout)
    total = sum(counts.values())
    if dry_run:
        command.stdout.write(_("%(n)d values are sealed with an older key than %(key)s.") % {"n": total, "key": active})
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
    command.stdout.write(
        command.style.SUCCESS(
            _("%(n)d values re-encrypted with key %(key)s; %(left)d still sealed with an older key.")
            % {"n": total, "key": active, "left": left}
        )
    )


def _report_indexes(command, *, dry_run: bool, batch_size: int, limit: int | None) -> None:
    active = pii.active_index_key_id()
    shown = active or _("(the original key)")
    counts = rotate_indexes(batch_size=batch_size, dry_run=dry_run, limit=limit, stdout=command.stdout)
    total = sum(done for done, _duplicates in counts.values())
    if dry_run:
        command.stdout.write(
            _("%(n)d blind indexes were made with another key than %(key)s.") % {"n": total, "key": shown}
        )
        return
    duplicates = sum(d for _done, d in counts.values())
    left = sum(stale_indexes(model, number, active).count() for model, number, _kind in index_columns())
    audit.record(
        actor=None,
        action="pii.rotate_index",
        object_type="pii.index_key",
        object_id=active,
        summary=_("%(n)d blind indexes recomputed") % {"n": total},
        changes={"active": active, "rewritten": total, "duplicates": duplicates, "left": left},
    )
    message = _("%(n)d blind indexes recomputed with key %(key)s; %(left)d still made with another key.") % {
        "n": total,
        "key": shown,
        "left": left,
    }
    if duplicates:
        message += " " + _(
            "%(n)d of them hold a number that another row holds under the active key: resolve the duplicates."
        ) % {"n": duplicates}
    command.stdout.write(command.style.SUCCESS(message) if not left else command.style.WARNING(message))


class Command(BaseCommand):
    help = (
        "Rewrite stored personal numbers under the active keys: re-encrypt with the first of WANGGE_PII_KEYS "
        "and recompute blind indexes with the first of WANGGE_PII_INDEX_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the values made with older keys.")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--limit", type=int, default=None, help="Rewrite at most this many rows of each kind (a run in parts)."
        )
        parser.add_argument(
            "--only",
            choices=["encryption", "index"],
            help="Rotate only the encryption key or only the blind-index key (default: both).",
        )

    def handle(self, *args, dry_run, batch_size, limit, only, **options):
        if only in (None, "encryption"):
            _report_encryption(self, dry_run=dry_run, batch_size=batch_size, limit=limit)
        if only in (None, "index"):
            _report_indexes(self, dry_run=dry_run, batch_size=batch_size, limit=limit)
