"""The bench database: migrated, with a town and the requested number of cases and their roll-ups.

What was generated is recorded in a ``bench_meta`` row, so a later run with the same size reuses the
data, a larger ``--cases`` adds the missing cases, and anything else starts again.
"""

import json
import time

from django.core.management import call_command
from django.db import connection

from bench.measure import Row

META = "bench_meta"


def _create_meta_table(cursor) -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {META} (k VARCHAR(40) PRIMARY KEY, v TEXT NOT NULL)")


def _meta() -> dict:
    with connection.cursor() as cursor:
        _create_meta_table(cursor)
        cursor.execute(f"SELECT v FROM {META} WHERE k = 'data'")  # noqa: S608
        found = cursor.fetchone()
    return json.loads(found[0]) if found else {}


def _save(meta: dict) -> None:
    with connection.cursor() as cursor:
        _create_meta_table(cursor)  # a wipe drops it with the rest
        cursor.execute(f"DELETE FROM {META} WHERE k = 'data'")  # noqa: S608
        cursor.execute(f"INSERT INTO {META} (k, v) VALUES ('data', %s)", [json.dumps(meta)])  # noqa: S608


def _wipe(log) -> None:
    log("  dropping the previous bench data")
    if connection.vendor == "sqlite":
        from pathlib import Path

        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def _checkpoint() -> None:
    """Fold SQLite's write-ahead log into the database file: the rebuild leaves gigabytes in it, which a
    running server would have checkpointed long before anyone read the screen. (Not inside a
    transaction, as in the bench's own tests: SQLite refuses it there.)"""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def ensure_data(args, log=print) -> list[Row]:
    from bench import datagen
    from wangge.cases.models import Case, CaseEvent
    from wangge.regions.models import Region
    from wangge.rollups.models import CaseRollup, RollupCube
    from wangge.rollups.rollups import rebuild_rollups

    if not getattr(args, "no_migrate", False):
        call_command("migrate", verbosity=0)
    meta = _meta()
    wanted = {"scale": args.scale, "seed": args.seed}
    existing_town = getattr(args, "use_existing_town", False)
    if not existing_town and (args.regenerate or (meta and {k: meta.get(k) for k in wanted} != wanted)):
        _wipe(log)
        meta = _meta()
    if not meta and Region.objects.exists() and not existing_town:
        raise SystemExit(
            "This database holds data the bench did not write. Use an empty database, or bench/var (the default)."
        )
    timings = dict(meta.get("timings", {}))
    if not Region.objects.exists():
        log(f"  building the town (scale {args.scale})")
        started = time.monotonic()
        datagen.build_town(scale=args.scale, seed=args.seed)
        timings["town_s"] = round(time.monotonic() - started, 1)
        _save({**wanted, "cases": 0, "timings": timings})
    # What was generated, not what the table holds: figures add cases (the devices figure one per alarm), and
    # counting those as generated wiped and rebuilt the data at the next run.
    have = meta.get("cases", 0) if meta and meta.get("cases") is not None else Case.objects.count()
    if have > args.cases:
        _wipe(log)
        datagen.build_town(scale=args.scale, seed=args.seed)
        have = 0
    if have < args.cases:
        log(f"  generating {args.cases - have:,} cases")
        started = time.monotonic()
        datagen.generate_cases(args.cases - have, seed=args.seed + have, log=log)
        timings["cases_s"] = round(timings.get("cases_s", 0) + time.monotonic() - started, 1)
        log("  rebuilding the roll-ups from the timelines")
        datagen.bulk_load_settings()
        started = time.monotonic()
        rebuild_rollups(ledgers=False)
        timings["rollups_s"] = round(time.monotonic() - started, 1)
        _checkpoint()
        _save({**wanted, "cases": args.cases, "timings": timings})
    events = CaseEvent.objects.count()
    return [
        Row(
            f"data: {Case.objects.count():,} cases, {events:,} events; {CaseRollup.objects.count():,} roll-up rows, "
            f"{RollupCube.objects.count():,} cube rows",
            f"generated in {timings.get('cases_s', 0):.0f} s",
            f"roll-ups rebuilt from the timeline in {timings.get('rollups_s', 0):.0f} s",
        )
    ]
