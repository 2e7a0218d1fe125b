"""The only writer of the roll-up tables.

``event_recorded`` subscribes to ``cases.events.RECORDED`` (``RollupsConfig.ready()``): in the
transaction that writes an event, it replays the case's timeline with and without the new event and
*appends* the difference to the delta tables (``CaseRollupDelta``, ``RollupCubeDelta``, ``ActorRollupDelta``) with
plain multi-row INSERTs. No row is shared between two reports, so reports no longer queue on the
city's, district's and street's cube rows for the day.

``fold()`` moves the deltas into the keyed tables: it deletes a batch of delta rows with ``DELETE …
RETURNING`` and adds their sums with ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` (the
same SQL on SQLite and PostgreSQL), both in one transaction, so a delta row is folded exactly once even
when two consumers fold at the same time (on PostgreSQL the second also skips at once on an advisory
lock). The huey task ``rollups.tasks.fold_rollups`` runs it about every second while events arrive
(queued after commit, at most once a second per process) and every minute regardless.

Readers never see a figure that is off by the unfolded part: ``summed()`` reads a keyed table and its
delta table in one statement (``UNION ALL``), so the sum is taken from one snapshot, before or after
any fold, and equals the timeline at every moment.

``rebuild_rollups()`` recomputes everything from the timeline (and empties the delta tables): after the
bulk demo (which writes cases without the services) and from ``manage.py rebuild_rollups``.
"""

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q, Sum, Value

from wangge.accounts.models import Department
from wangge.cases import events
from wangge.cases.models import Case, CaseEvent, Category
from wangge.core.writelock import serialized_writes
from wangge.regions.models import PATH_STEP
from wangge.rollups.models import (
    ActorRollup,
    ActorRollupDelta,
    CaseRollup,
    CaseRollupDelta,
    OverdueTally,
    OverdueTallyDelta,
    RollupCube,
    RollupCubeDelta,
)
from wangge.rollups.timeline import (
    ACTOR_COUNTERS,
    COUNTERS,
    STEP_FIELDS,
    Step,
    contributions,
    difference,
    rollup_path,
)

FINE_KEY = ("day", "path", "category_id", "department_id", "source")
CUBE_KEY = ("node", "dim", "value", "day")
ACTOR_KEY = ("user_id", "day")
# The cube's dimensions: category classes (大类), sources, departments. A grid node has only its total
# rows: its breakdowns come from the fine table (one exact path), which keeps the cube small.
REGION_DIMS = ("", "class", "source", "department")
DEPARTMENT_DIMS = ("", "class", "source")

_department_ids: dict[str, int] = {}
_class_ids: dict[int, int] = {}


def class_ids(refresh: bool = False) -> dict[int, int]:
    """Category id → its class id (a class maps to itself)."""
    global _class_ids
    if refresh or not _class_ids:
        _class_ids = {pk: parent or pk for pk, parent in Category.objects.values_list("pk", "parent_id")}
    return _class_ids


def class_of(category_id: int) -> int:
    ids = class_ids()
    if category_id not in ids:
        ids = class_ids(refresh=True)
    return ids.get(category_id, category_id)


def department_ids(refresh: bool = False) -> dict[str, int]:
    """Department code → id (codes are what dispatch events record)."""
    global _department_ids
    if refresh or not _department_ids:
        _department_ids = dict(Department.objects.values_list("code", "id"))
    return _department_ids


def _ids_for(steps: list[Step]) -> dict[str, int]:
    ids = department_ids()
    codes = {(s.data or {}).get("department") for s in steps if s.action == "dispatch"}
    if any(code and code not in ids for code in codes):
        ids = department_ids(refresh=True)
    return ids


def steps_of(case_id: int) -> list[Step]:
    rows = CaseEvent.objects.filter(case_id=case_id).order_by("seq").values_list(*STEP_FIELDS)
    return [Step(*row) for row in rows]


def department_node(department_id: int) -> str:
    return f"D{department_id}"


# --- the hook ---------------------------------------------------------------------------------------


def steps_through(notice: events.Recorded) -> list[Step]:
    """The case's timeline up to the notice's event, read once per event (kept in ``notice.memo`` for the
    other subscribers: points replay the same steps)."""
    steps = notice.memo.get("steps")
    if steps is None:
        case, event = notice.case, notice.event
        # A report's timeline is the event alone: no need to read it back.
        steps = [Step(*(getattr(event, name) for name in STEP_FIELDS))] if event.seq == 1 else steps_of(case.pk)
        if not steps or steps[-1].seq != event.seq:
            raise RuntimeError(f"case {case.pk}: event {event.seq} is not the last of its timeline")
        notice.memo["steps"] = steps
    return steps


def event_recorded(notice: events.Recorded) -> None:
    """A subscriber of ``cases.events.RECORDED``: the roll-ups of the notice's event."""
    count_event(notice.case, notice.event, steps_through(notice))


def count_event(case, event, steps: list[Step]) -> None:
    """Append what ``event`` (the last of ``steps``) changes to the roll-up deltas, in the caller's transaction."""
    ids = _ids_for(steps)
    counts_after, people_after = contributions(steps, ids)
    counts_before, people_before = contributions(steps[:-1], ids)
    path = rollup_path(case.region_path, case.region_id, case.grid_id, PATH_STEP)
    in_grid = case.grid_id is not None
    corrected_from = (event.data or {}).get("category_from")
    if corrected_from:
        # The category was corrected (at acceptance): the whole case counts under the new one from now on,
        # as a recomputation from the timeline and the case's category would count it.
        old_category_id = Category.objects.values_list("pk", flat=True).get(code=corrected_from)
        apply_case_delta(path, old_category_id, case.source, difference(Counter(), counts_before), in_grid=in_grid)
        apply_case_delta(path, case.category_id, case.source, difference(counts_after, Counter()), in_grid=in_grid)
    else:
        delta = difference(counts_after, counts_before)
        apply_case_delta(path, case.category_id, case.source, delta, in_grid=in_grid)
    apply_actor_delta(difference(people_after, people_before))
    fold_soon()


def apply_case_delta(path: str, category_id: int, source: str, delta: dict, *, in_grid: bool) -> None:
    if not delta:
        return
    fine: dict[tuple, Counter] = defaultdict(Counter)
    for (day, department, name), n in delta.items():
        fine[(day, path, category_id, department, source)][name] += n
    upsert(CaseRollupDelta, FINE_KEY, fine, extra={"in_grid": lambda key: in_grid}, append=True)
    upsert(RollupCubeDelta, CUBE_KEY, cube_rows(fine, lambda p: in_grid), extra={"parent": _parent}, append=True)


def _parent(key) -> str:
    node = key[0]
    return "" if node.startswith("D") else node[:-PATH_STEP]


def cube_rows(fine: dict[tuple, Counter], in_grid) -> dict[tuple, Counter]:
    """Spread fine rows over every region above the path and over the department, one dimension at a time.

    ``in_grid(path)`` tells whether a fine row's path is a grid's (its node then gets total rows only).
    """
    cube: dict[tuple, Counter] = defaultdict(Counter)
    for (day, path, category_id, department, source), counters in fine.items():
        values = {"": "", "class": str(class_of(category_id)), "source": source, "department": str(department)}
        grid = in_grid(path)
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            node = path[:end]
            for dim in REGION_DIMS if (end < len(path) or not grid) else ("",):
                cube[(node, dim, values[dim], day)].update(counters)
        if department:
            node = department_node(department)
            for dim in DEPARTMENT_DIMS:
                cube[(node, dim, values[dim], day)].update(counters)
    return cube


def apply_actor_delta(delta: dict) -> None:
    if not delta:
        return
    rows: dict[tuple, Counter] = defaultdict(Counter)
    for (day, user_id, name), n in delta.items():
        rows[(user_id, day)][name] += n
    upsert(ActorRollupDelta, ACTOR_KEY, rows, append=True)


# --- SQL --------------------------------------------------------------------------------------------

BATCH_PARAMS = 30000


def upsert(
    model, key: tuple[str, ...], rows: dict[tuple, Counter], extra: dict | None = None, *, append: bool = False
) -> None:
    """Add each row's counters to the stored row with the same key, creating it when absent.

    ``extra`` gives columns that are not counters, computed from a row's key (written on insert only).
    ``append``: plain INSERTs (a delta table has no key to meet).
    """
    rows = {k: c for k, c in rows.items() if any(c.values())}
    if not rows:
        return
    extra = extra or {}
    names = sorted({name for counters in rows.values() for name, n in counters.items() if n})
    columns = [*key, *extra, *names]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    per_row = len(columns)
    batch = max(1, BATCH_PARAMS // per_row)
    ordered = sorted(rows.items(), key=lambda item: tuple(str(v) for v in item[0]))
    placeholder = "(" + ", ".join(["%s"] * per_row) + ")"
    updates = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in names)
    # Identifiers come from the model and the code's counter names; every value is a parameter.
    head = f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608
    tail = "" if append else f" ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), batch):
            chunk = ordered[start : start + batch]
            params: list = []
            for row_key, counters in chunk:
                params.extend(row_key)
                params.extend(make(row_key) for make in extra.values())
                params.extend(counters.get(n, 0) for n in names)
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)


# --- folding the deltas into the keyed tables ---------------------------------------------------------

DELTA_OF = {
    CaseRollup: CaseRollupDelta,
    RollupCube: RollupCubeDelta,
    ActorRollup: ActorRollupDelta,
    OverdueTally: OverdueTallyDelta,
}
# (delta table, keyed table, key, columns written on insert only, counters)
FOLDS = (
    (CaseRollupDelta, CaseRollup, FINE_KEY, ("in_grid",), COUNTERS),
    (RollupCubeDelta, RollupCube, CUBE_KEY, ("parent",), COUNTERS),
    (ActorRollupDelta, ActorRollup, ACTOR_KEY, (), ACTOR_COUNTERS),
    (OverdueTallyDelta, OverdueTally, ("node",), ("parent",), ("overdue",)),  # see ``overdue``
)
FOLD_BATCH = 5000  # delta rows per table and transaction
FOLD_LOCK = 0x57_47_52_4F  # PostgreSQL advisory lock key: one folder at a time ("WGRO")
FOLD_INTERVAL = 1.0  # seconds: at most one fold queued per process in this time
_next_fold = 0.0


def fold(batch: int = FOLD_BATCH) -> int:
    """Move up to ``batch`` delta rows per table into the keyed tables, in one transaction; returns the
    number of delta rows folded. Safe to run in several processes at once: a row is claimed by deleting
    it (``DELETE … RETURNING``), so it is added by the one transaction that deleted it."""
    return _fold(batch)[0]


def fold_all(batch: int = FOLD_BATCH, rounds: int = 20) -> int:
    """Fold until the delta tables are empty (at most ``rounds`` transactions, so that one run stays short)."""
    total = 0
    for _ in range(rounds):
        folded, more = _fold(batch)
        total += folded
        if not more:
            break
    return total


def _fold(batch: int) -> tuple[int, bool]:
    """(delta rows folded, whether a table had more than ``batch``)."""
    folded, more = 0, False
    with serialized_writes(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
                if not cursor.fetchone()[0]:
                    return 0, False  # another fold is running; what it leaves is taken by the next one
        for delta, target, key, extra, names in FOLDS:
            sums: dict[tuple, Counter] = defaultdict(Counter)
            written: dict[tuple, tuple] = {}
            rows = _claim(delta, (*key, *extra, *names), batch)
            more = more or len(rows) >= batch
            for row in rows:
                row_key = _normal(key, row[: len(key)])
                written[row_key] = row[len(key) : len(key) + len(extra)]
                counters = sums[row_key]
                for name, n in zip(names, row[len(key) + len(extra) :], strict=True):
                    if n:
                        counters[name] += n
            folded += len(rows)
            getters = {column: (lambda k, i=i, written=written: written[k][i]) for i, column in enumerate(extra)}
            upsert(target, key, sums, extra=getters)
    return folded, more


def _claim(delta, columns: tuple[str, ...], batch: int) -> list[tuple]:
    quote = connection.ops.quote_name
    table = quote(delta._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s) "  # noqa: S608
            f"RETURNING {', '.join(quote(c) for c in columns)}",
            [batch],
        )
        return cursor.fetchall()


def _normal(key: tuple[str, ...], values) -> tuple:
    """A key as the writers build it (SQLite hands dates back as text)."""
    return tuple(
        date.fromisoformat(v) if name == "day" and isinstance(v, str) else v
        for name, v in zip(key, values, strict=True)
    )


def fold_soon() -> None:
    """After the current transaction commits, queue a fold, unless this process queued one in the last second."""
    global _next_fold
    now = time.monotonic()
    if now < _next_fold:
        return
    _next_fold = now + FOLD_INTERVAL

    def queue():
        from wangge.rollups.tasks import fold_rollups  # a real cycle: the task module imports this one

        fold_rollups()

    transaction.on_commit(queue)


def pending() -> int:
    """Delta rows not folded yet."""
    return sum(model.objects.count() for model in DELTA_OF.values())


# --- reading ------------------------------------------------------------------------------------------


def summed(model, where: Q, group: tuple[str, ...] = (), names=COUNTERS) -> dict[tuple, Counter]:
    """group values → summed counters of ``model``'s rows matching ``where``, *plus its unfolded deltas*.

    One statement (``… GROUP BY … UNION ALL … GROUP BY …``), hence one snapshot: a fold that commits
    meanwhile is seen entirely or not at all, never counted twice or missed. Without ``group`` the one
    key is ``()``.
    """
    sums = {name: Sum(name) for name in names}
    parts = []
    for table in (model, DELTA_OF[model]):
        rows = table.objects.filter(where).order_by()
        rows = rows.values(*group) if group else rows.annotate(all_rows=Value(1)).values("all_rows")
        parts.append(rows.annotate(**sums))
    out: dict[tuple, Counter] = {}
    for row in parts[0].union(parts[1], all=True):
        counters = out.setdefault(tuple(row[g] for g in group), Counter())
        for name in names:
            counters[name] += row[name] or 0
    return out


# --- rebuilding from the timeline ------------------------------------------------------------------


@transaction.atomic
def rebuild_rollups(*, chunk: int = 5000, ledgers: bool = True) -> dict[str, int]:
    """Recompute every roll-up from the cases' timelines, then what registered with ``also_rebuild``: the
    overdue tally from the cases that are red now and, unless ``ledgers=False``, the rule-made points."""
    for model in (CaseRollup, RollupCube, ActorRollup, *DELTA_OF.values()):
        model.objects.all().delete()
    ids = department_ids(refresh=True)
    cases = 0
    last_pk = 0
    _create_load_table()
    while True:
        batch = list(
            Case.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "region_path", "region_id", "grid_id", "category_id", "source")[:chunk]
        )
        if not batch:
            break
        last_pk = batch[-1][0]
        cases += len(batch)
        fine, people, grid_paths = _contributions_of(batch, ids)
        _load(fine, grid_paths)
        upsert(ActorRollup, ACTOR_KEY, people)
    _fine_from_load_table()
    build_cube()
    result = {
        "cases": cases,
        "rows": CaseRollup.objects.count(),
        "cube_rows": RollupCube.objects.count(),
        "person_rows": ActorRollup.objects.count(),
    }
    for rebuilder in _rebuilders:
        if ledgers or not rebuilder.ledger:
            result[rebuilder.name] = rebuilder.rebuild()
    return result


@dataclass(frozen=True)
class Rebuilder:
    name: str  # its count's key in the answer of ``rebuild_rollups``
    rebuild: Callable[[], int]
    ledger: bool  # a ledger derived from the timeline (points): skipped with ``ledgers=False``


_rebuilders: list[Rebuilder] = []


def also_rebuild(name: str, rebuild: Callable[[], int], *, ledger: bool = False) -> None:
    """Have ``rebuild_rollups`` rebuild more data derived from the cases, in its transaction, after the
    roll-ups (registered from an ``AppConfig.ready()``: the overdue tally, the points ledger)."""
    entry = Rebuilder(name, rebuild, ledger)
    if entry not in _rebuilders:
        _rebuilders.append(entry)


LOAD = "rollup_load"


def _create_load_table() -> None:
    """A keyless scratch table: a rebuild appends each chunk's sums and groups them once at the end,
    cheaper than upserting into the keyed table chunk after chunk."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(n)} INTEGER" for n in COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {LOAD}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {LOAD} (day DATE, path VARCHAR(255), category_id INTEGER, "
            f"department_id INTEGER, source VARCHAR(16), in_grid BOOLEAN, {columns})"
        )


def _load(fine: dict[tuple, Counter], grid_paths: set[str]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(n) for n in COUNTERS)
    marks = ", ".join(["%s"] * (6 + len(COUNTERS)))
    rows = [
        (*key, key[1] in grid_paths, *(counters.get(n, 0) for n in COUNTERS))
        for key, counters in fine.items()
        if any(counters.values())
    ]
    if connection.vendor == "sqlite":
        rows = [(connection.ops.adapt_datefield_value(r[0]), *r[1:]) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {LOAD} (day, path, category_id, department_id, source, in_grid, {names}) VALUES ({marks})",  # noqa: S608
            rows,
        )


def _fine_from_load_table() -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(n) for n in COUNTERS)
    sums = ", ".join(f"SUM({quote(n)})" for n in COUNTERS)
    keys = "day, path, category_id, department_id, source"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(CaseRollup._meta.db_table)} ({keys}, in_grid, {names}) "  # noqa: S608
            f"SELECT {keys}, MAX(CASE WHEN in_grid THEN 1 ELSE 0 END) = 1, {sums} FROM {LOAD} GROUP BY {keys}"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {LOAD}")


def _contributions_of(batch, ids) -> tuple[dict, dict]:
    by_case: dict[int, list[Step]] = defaultdict(list)
    rows = (
        CaseEvent.objects.filter(case_id__in=[row[0] for row in batch])
        .order_by("case_id", "seq")
        .values_list("case_id", *STEP_FIELDS)
    )
    for case_id, *fields in rows:
        by_case[case_id].append(Step(*fields))
    fine: dict[tuple, Counter] = defaultdict(Counter)
    people: dict[tuple, Counter] = defaultdict(Counter)
    grid_paths: set[str] = set()
    for pk, region_path, region_id, grid_id, category_id, source in batch:
        counts, persons = contributions(by_case.get(pk, []), ids)
        path = rollup_path(region_path, region_id, grid_id, PATH_STEP)
        if grid_id is not None:
            grid_paths.add(path)
        for (day, department, name), n in counts.items():
            fine[(day, path, category_id, department, source)][name] += n
        for (day, user_id, name), n in persons.items():
            people[(user_id, day)][name] += n
    return fine, people, grid_paths


def build_cube() -> None:
    """Fill the cube from the fine table.

    Per dimension, the fine rows are first summed into a temporary table keyed (day, path, value) —
    one scan of the fine table — and every level of the tree is then one GROUP BY over that smaller
    table. Department nodes are summed from the fine table directly. The SQL is assembled from the
    models' table names and the code's counter names only (no input).
    """
    quote = connection.ops.quote_name
    fine = quote(CaseRollup._meta.db_table)
    category = quote(Category._meta.db_table)
    cube = quote(RollupCube._meta.db_table)
    sums = ", ".join(f"SUM({quote(n)})" for n in COUNTERS)
    fine_sums = ", ".join(f"SUM(f.{quote(n)}) AS {quote(n)}" for n in COUNTERS)
    columns = ", ".join(quote(c) for c in ("day", "node", "parent", "dim", "value", *COUNTERS))
    longest = CaseRollup.objects.order_by().values_list("path", flat=True)
    depth = max((len(p) for p in longest.distinct()), default=0) // PATH_STEP
    source = f"{fine} f JOIN {category} c ON c.id = f.category_id"
    dims = {
        "": "''",
        "class": "CAST(COALESCE(c.parent_id, c.id) AS TEXT)",
        "source": "f.source",
        "department": "CAST(f.department_id AS TEXT)",
    }
    statements = []
    for dim in REGION_DIMS:
        value = dims[dim]
        group = "f.day, f.path, f.in_grid" + (f", {value}" if dim else "")  # PostgreSQL refuses a constant in GROUP BY
        statements.append("DROP TABLE IF EXISTS rollup_stage")
        statements.append(
            f"CREATE TEMPORARY TABLE rollup_stage AS SELECT f.day AS day, f.path AS path, f.in_grid AS in_grid, "  # noqa: S608
            f"{value} AS value, {fine_sums} FROM {source} GROUP BY {group}"
        )
        for level in range(1, depth + 1):
            width = level * PATH_STEP
            node = f"substr(path, 1, {width})"
            parent = f"MIN(substr(path, 1, {width - PATH_STEP}))"  # one value per node; PostgreSQL wants an aggregate
            # A grid's own node has totals only; its ancestors and the nodes of cases outside grids have all.
            where = (
                f"length(path) >= {width}"
                if not dim
                else f"(length(path) > {width} OR (length(path) = {width} AND NOT in_grid))"
            )
            statements.append(
                f"INSERT INTO {cube} ({columns}) SELECT day, {node}, {parent}, '{dim}', value, {sums} "  # noqa: S608
                f"FROM rollup_stage WHERE {where} GROUP BY day, {node}, value"
            )
    statements.append("DROP TABLE IF EXISTS rollup_stage")
    for dim in DEPARTMENT_DIMS:
        value = dims[dim]
        group = "f.day, f.department_id" + (f", {value}" if dim else "")
        statements.append(
            f"INSERT INTO {cube} ({columns}) SELECT f.day, 'D' || CAST(f.department_id AS TEXT), '', '{dim}', {value}, "  # noqa: S608
            f"{sums.replace('SUM(', 'SUM(f.')} FROM {source} WHERE f.department_id <> 0 GROUP BY {group}"
        )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
