"""The only writer of the roll-up tables.

``count_event(case, event)`` runs at the end of ``cases.services._event``, in the transaction that
writes the event: it replays the case's timeline with and without the new event and adds the
difference to the roll-ups with ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` (the same
SQL on SQLite and PostgreSQL). Rows are written in key order, so two transactions never wait on
each other in opposite orders.

``rebuild_rollups()`` recomputes everything from the timeline: after the bulk demo (which writes cases
without the services) and from ``manage.py rebuild_rollups``.
"""

from collections import Counter, defaultdict

from django.db import connection, transaction

from wangge.dashboard.models import ActorRollup, CaseRollup, RollupCube
from wangge.dashboard.timeline import (
    COUNTERS,
    STEP_FIELDS,
    Step,
    contributions,
    difference,
    rollup_path,
)
from wangge.regions.models import PATH_STEP

FINE_KEY = ("day", "path", "category_id", "department_id", "source")
CUBE_KEY = ("node", "dim", "value", "day")
ACTOR_KEY = ("user_id", "day")
REGION_DIMS = ("", "category", "source", "department")
DEPARTMENT_DIMS = ("", "category", "source")

_department_ids: dict[str, int] = {}


def department_ids(refresh: bool = False) -> dict[str, int]:
    """Department code → id (codes are what dispatch events record)."""
    global _department_ids
    if refresh or not _department_ids:
        from wangge.accounts.models import Department

        _department_ids = dict(Department.objects.values_list("code", "id"))
    return _department_ids


def _ids_for(steps: list[Step]) -> dict[str, int]:
    ids = department_ids()
    codes = {(s.data or {}).get("department") for s in steps if s.action == "dispatch"}
    if any(code and code not in ids for code in codes):
        ids = department_ids(refresh=True)
    return ids


def steps_of(case_id: int) -> list[Step]:
    from wangge.cases.models import CaseEvent

    rows = CaseEvent.objects.filter(case_id=case_id).order_by("seq").values_list(*STEP_FIELDS)
    return [Step(*row) for row in rows]


def department_node(department_id: int) -> str:
    return f"D{department_id}"


# --- the hook ---------------------------------------------------------------------------------------


def count_event(case, event) -> None:
    """Add what ``event`` changes to the roll-ups (and the points ledger), in the caller's transaction."""
    steps = steps_of(case.pk)
    if not steps or steps[-1].seq != event.seq:
        raise RuntimeError(f"case {case.pk}: event {event.seq} is not the last of its timeline")
    ids = _ids_for(steps)
    counts_after, people_after = contributions(steps, ids)
    counts_before, people_before = contributions(steps[:-1], ids)
    path = rollup_path(case.region_path, case.region_id, case.grid_id, PATH_STEP)
    apply_case_delta(path, case.category_id, case.source, difference(counts_after, counts_before))
    apply_actor_delta(difference(people_after, people_before))

    from wangge.assessment import points

    points.credit_event(case, event, steps)


def apply_case_delta(path: str, category_id: int, source: str, delta: dict) -> None:
    if not delta:
        return
    fine: dict[tuple, Counter] = defaultdict(Counter)
    for (day, department, name), n in delta.items():
        fine[(day, path, category_id, department, source)][name] += n
    upsert(CaseRollup, FINE_KEY, fine)
    upsert(RollupCube, CUBE_KEY, cube_rows(fine))


def cube_rows(fine: dict[tuple, Counter]) -> dict[tuple, Counter]:
    """Spread fine rows over every region above the path and over the department, one dimension at a time."""
    cube: dict[tuple, Counter] = defaultdict(Counter)
    for (day, path, category_id, department, source), counters in fine.items():
        values = {"": "", "category": str(category_id), "source": source, "department": str(department)}
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            node = path[:end]
            for dim in REGION_DIMS:
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
    upsert(ActorRollup, ACTOR_KEY, rows)


# --- SQL --------------------------------------------------------------------------------------------

BATCH_PARAMS = 30000


def upsert(model, key: tuple[str, ...], rows: dict[tuple, Counter]) -> None:
    """Add each row's counters to the stored row with the same key, creating it when absent."""
    rows = {k: c for k, c in rows.items() if any(c.values())}
    if not rows:
        return
    names = sorted({name for counters in rows.values() for name, n in counters.items() if n})
    extra = _extra_columns(model, rows)
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
    tail = f" ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), batch):
            chunk = ordered[start : start + batch]
            params: list = []
            for row_key, counters in chunk:
                params.extend(row_key)
                params.extend(extra[k](row_key) for k in extra)
                params.extend(counters.get(n, 0) for n in names)
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)


def _extra_columns(model, rows) -> dict:
    """Columns derived from the key (the cube's parent path)."""
    if model is RollupCube:
        return {"parent": lambda k: k[0][:-PATH_STEP] if not k[0].startswith("D") else ""}
    return {}


# --- rebuilding from the timeline ------------------------------------------------------------------


@transaction.atomic
def rebuild_rollups(*, chunk: int = 5000) -> dict[str, int]:
    """Recompute every roll-up (and the rule-made points) from the cases' timelines."""
    from wangge.cases.models import Case

    CaseRollup.objects.all().delete()
    RollupCube.objects.all().delete()
    ActorRollup.objects.all().delete()
    ids = department_ids(refresh=True)
    cases = 0
    last_pk = 0
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
        fine, people = _contributions_of(batch, ids)
        upsert(CaseRollup, FINE_KEY, fine)
        upsert(ActorRollup, ACTOR_KEY, people)
    build_cube()
    from wangge.assessment import points

    entries = points.rebuild_ledger()
    return {
        "cases": cases,
        "rows": CaseRollup.objects.count(),
        "cube_rows": RollupCube.objects.count(),
        "person_rows": ActorRollup.objects.count(),
        "points_entries": entries,
    }


def _contributions_of(batch, ids) -> tuple[dict, dict]:
    from wangge.cases.models import CaseEvent

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
    for pk, region_path, region_id, grid_id, category_id, source in batch:
        counts, persons = contributions(by_case.get(pk, []), ids)
        path = rollup_path(region_path, region_id, grid_id, PATH_STEP)
        for (day, department, name), n in counts.items():
            fine[(day, path, category_id, department, source)][name] += n
        for (day, user_id, name), n in persons.items():
            people[(user_id, day)][name] += n
    return fine, people


def build_cube() -> None:
    """Fill the cube from the fine table with one INSERT … SELECT … GROUP BY per level and dimension.

    The SQL is assembled from the models' table names and the code's counter names only (no input).
    """
    quote = connection.ops.quote_name
    fine = quote(CaseRollup._meta.db_table)
    cube = quote(RollupCube._meta.db_table)
    sums = ", ".join(f"SUM({quote(n)})" for n in COUNTERS)
    columns = ", ".join(quote(c) for c in ("day", "node", "parent", "dim", "value", *COUNTERS))
    longest = CaseRollup.objects.order_by().values_list("path", flat=True)
    depth = max((len(p) for p in longest.distinct()), default=0) // PATH_STEP
    dims = {
        "": "''",
        "category": "CAST(category_id AS TEXT)",
        "source": "source",
        "department": "CAST(department_id AS TEXT)",
    }
    statements = []
    for level in range(1, depth + 1):
        node = f"substr(path, 1, {level * PATH_STEP})"
        parent = f"substr(path, 1, {(level - 1) * PATH_STEP})"
        for dim in REGION_DIMS:
            value = dims[dim]
            group = f"day, {node}" + (f", {value}" if dim else "")  # PostgreSQL refuses a constant in GROUP BY
            statements.append(
                f"INSERT INTO {cube} ({columns}) SELECT day, {node}, {parent}, '{dim}', {value}, {sums} "  # noqa: S608
                f"FROM {fine} WHERE length(path) >= {level * PATH_STEP} GROUP BY {group}"
            )
    for dim in DEPARTMENT_DIMS:
        value = dims[dim]
        group = "day, department_id" + (f", {value}" if dim else "")
        statements.append(
            f"INSERT INTO {cube} ({columns}) SELECT day, 'D' || CAST(department_id AS TEXT), '', '{dim}', {value}, "  # noqa: S608
            f"{sums} FROM {fine} WHERE department_id <> 0 GROUP BY {group}"
        )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
