"""Bench data: a demo town and any number of cases with realistic timelines, written in bulk.

The town comes from the demo's building blocks (regions at ``--scale``, departments, accounts, the
category catalogue; not the people ledger). Cases follow the demo's paths (department, grid, on the
spot, rework, extension, return, reopen, rejection, merge, parking), cut short for recent cases so
that every open status appears; each step records its stage deadline and whether it was on time, as
``cases.services`` does. Rows go in with ``executemany`` on SQLite and ``COPY`` on PostgreSQL, then
``rollups.rollups.rebuild_rollups`` computes the roll-ups from the timelines — the production code.
"""

import json
import random
import time
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from wangge.cases.demo import PATH_WEIGHTS as DEMO_WEIGHTS
from wangge.cases.demo import PATHS as DEMO_PATHS

OPEN = ("reported", "accepted", "dispatched", "in_progress", "handled", "verified")
STAGE_OF = {
    "reported": "accept",
    "accepted": "dispatch",
    "dispatched": "sign",
    "in_progress": "handle",
    "handled": "verify",
    "verified": "close",
}
# Minutes of working time allowed per stage (roughly the catalogue's defaults).
LIMIT = {"accept": 120, "dispatch": 120, "sign": 240, "handle": 3 * 450, "verify": 450, "close": 450}
# The demo's paths and weights, without escalation (the bench town has one handling level per case).
PATHS = {name: steps for name, steps in DEMO_PATHS.items() if name != "escalated"}
WEIGHTS = {name: weight for name, weight in DEMO_WEIGHTS.items() if name in PATHS}
NEXT = {
    "accept": "accepted",
    "dispatch": "dispatched",
    "dispatch_grid": "dispatched",
    "sign": "in_progress",
    "feedback": "handled",
    "verify_pass": "verified",
    "verify_fail": "in_progress",
    "close": "closed",
    "rate": "rated",
    "rate_bad": "rated",
    "reopen": "dispatched",
    "solve_on_spot": "handled",
    "reject": "rejected",
    "merge": "merged",
    "park": "parked",
    "return": None,
    "approve_return": "accepted",
    "request_extension": None,
    "approve_extension": None,
}
SOURCES = {"patrol": 40, "resident": 25, "hotline": 20, "visit": 6, "sensor": 4, "video": 3, "inspection": 2}
ON_TIME_SHARE = 0.88


# --- the town --------------------------------------------------------------------------------------


def build_town(*, scale: int, seed: int = 2026) -> dict:
    """Regions, departments, accounts and the category catalogue (what ``manage.py demo --cases 0`` writes,
    without the people ledger)."""
    from wangge.accounts import demo as accounts_demo
    from wangge.cases.catalogue import CATALOGUE, load_catalogue
    from wangge.regions import demo as regions_demo
    from wangge.regions.models import Level

    tree = regions_demo.build_tree(seed=seed, scale=scale)
    regions = regions_demo.write_tree(tree, rng_seed=seed)
    district = next(r for r in regions.values() if r.level == Level.DISTRICT)
    departments = accounts_demo.create_departments(district)
    accounts_demo.create_accounts(regions, departments, seed=seed)
    if CATALOGUE.exists():
        load_catalogue()
    return {"regions": len(regions), "departments": len(departments)}


# --- cases -----------------------------------------------------------------------------------------


class _World:
    def __init__(self):
        from wangge.accounts.models import Department, Membership, Role
        from wangge.cases.models import Category
        from wangge.regions.models import Level, Region

        regions = {
            r["id"]: r
            for r in Region.objects.values(
                "id", "path", "level", "parent_id", "district_code", "center_lon", "center_lat", "code"
            )
        }
        self.micro = [r for r in regions.values() if r["level"] == Level.MICRO_GRID]
        self.regions = regions
        self.categories = list(Category.objects.filter(parent__isnull=False).values("id", "department_kind", "name"))
        self.departments = defaultdict(list)
        for d in Department.objects.values("id", "code", "name", "kind"):
            self.departments[d["kind"]].append(d)
        self.all_departments = [d for ds in self.departments.values() for d in ds]
        self.grid_worker: dict[int, int] = {}
        self.centre: dict[int, int] = {}
        self.department_staff: dict[int, int] = {}
        for m in Membership.objects.values("user_id", "role", "region_id", "department_id"):
            if m["role"] == Role.GRID_WORKER:
                self.grid_worker.setdefault(m["region_id"], m["user_id"])
            elif m["role"] in (Role.DISPATCHER, Role.COMMAND_OPERATOR, Role.DUTY_CHIEF):
                self.centre.setdefault(m["region_id"], m["user_id"])
            if m["department_id"]:
                self.department_staff.setdefault(m["department_id"], m["user_id"])


SPAN_DAYS = 730


def _age_days(rng: random.Random, days: int = SPAN_DAYS) -> float:
    """Spread over ``days`` (two years), a little denser lately (cases grow as the platform is adopted)."""
    return days * (1 - rng.random() ** 0.8)


class _Clock:
    """Report times drawn up front and handed out oldest first: rows arrive roughly in the order a real
    system writes them, so the time-ordered indexes grow at their end."""

    def __init__(self, count: int, rng: random.Random, days: int = SPAN_DAYS):
        self.ages = sorted((_age_days(rng, days) for _ in range(count)), reverse=True)
        self.position = 0

    def next_age(self) -> float:
        age = self.ages[self.position]
        self.position += 1
        return age


def _gap(stage: str, rng: random.Random) -> tuple[timedelta, bool]:
    """How long a step takes and whether it beat its stage deadline."""
    limit = LIMIT.get(stage, 450)
    on_time = rng.random() < ON_TIME_SHARE
    share = rng.uniform(0.05, 0.95) if on_time else rng.uniform(1.05, 2.5)
    # Working minutes stretched over calendar time (nights and weekends), roughly ×2.5.
    return timedelta(minutes=limit * share * 2.5), on_time


def _one(index, now, world, rng, clock):
    micro = rng.choice(world.micro)
    grid = world.regions[micro["parent_id"]]
    community = world.regions[grid["parent_id"]]
    street = world.regions[community["parent_id"]]
    category = rng.choice(world.categories)
    source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
    created = now - timedelta(days=clock.next_age(), minutes=rng.randint(0, 60))
    path_name = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    steps = PATHS[path_name]
    if (now - created).days < 10:  # recent cases stop part-way: the open backlog of a busy command centre
        steps = steps[: rng.randint(0, len(steps))]
    candidates = world.departments.get(category["department_kind"]) or world.all_departments
    department = candidates[0]
    reporter = world.grid_worker.get(grid["id"]) if source == "patrol" else None
    centre = world.centre.get(street["id"])
    staff = world.department_staff.get(department["id"])
    worker = world.grid_worker.get(grid["id"])

    events = [(1, "report", reporter, "", "reported", "{}", created, "", None, None)]
    status, clock = "reported", created
    assigned_department = assigned_region = None
    counts = {"extension": 0, "rework": 0, "return": 0, "reopen": 0}
    rating = (None, None, None)
    closed_at = accepted_at = dispatched_at = handled_at = None
    stage_due = created + timedelta(minutes=LIMIT["accept"] * 2.5)
    for action in steps:
        stage = STAGE_OF.get(status, "")
        gap, _on_time = _gap(stage, rng)
        clock = clock + gap
        if clock >= now:
            break
        data: dict = {}
        actor = centre
        if action == "dispatch":
            assigned_department, assigned_region = department["id"], None
            data = {"department": department["code"], "department_name": department["name"]}
            dispatched_at = clock
        elif action == "dispatch_grid":
            assigned_department, assigned_region = None, grid["id"]
            data = {"region": grid["code"]}
            dispatched_at = clock
        elif action in ("sign", "feedback", "return", "request_extension"):
            actor = staff if assigned_department else worker
            if action == "feedback":
                handled_at = clock
            if action == "request_extension":
                data = {"extension": "2d"}
        elif action == "solve_on_spot":
            actor = reporter or worker
            accepted_at = dispatched_at = handled_at = clock
        elif action in ("verify_pass", "verify_fail"):
            actor = worker
            counts["rework"] += action == "verify_fail"
        elif action == "approve_return":
            assigned_department = assigned_region = None
            counts["return"] += 1
        elif action == "approve_extension":
            counts["extension"] += 1
            data = {"extension": "2d"}
        elif action in ("rate", "rate_bad"):
            good = action == "rate" and rng.random() < 0.9
            speed, result = (
                (rng.choice([4, 5]), rng.choice([4, 5])) if good else (rng.choice([1, 2]), rng.choice([1, 2]))
            )
            rating = (speed, result, good)
            data = {"speed": speed, "result": result, "satisfied": good}
            actor = None
        elif action == "reopen":
            counts["reopen"] += 1
            closed_at = None
            rating = (None, None, None)
        elif action == "accept":
            accepted_at = clock
        elif action == "close":
            closed_at = clock
        new_status = NEXT[action] or status
        timed = bool(stage)
        events.append(
            (
                len(events) + 1,
                "dispatch" if action == "dispatch_grid" else ("rate" if action == "rate_bad" else action),
                actor,
                status,
                new_status,
                json.dumps(data),
                clock,
                stage,
                stage_due if timed else None,
                (clock <= stage_due) if timed else None,
            )
        )
        if new_status != status or action in ("dispatch", "dispatch_grid"):
            next_stage = STAGE_OF.get(new_status, "")
            stage_due = clock + timedelta(minutes=LIMIT.get(next_stage, 450) * 2.5) if next_stage else None
        elif action == "approve_extension" and stage_due is not None:
            stage_due = stage_due + timedelta(days=2)
        status = new_status
    number = f"{grid['district_code'] or '000000'}-{timezone.localtime(created):%Y%m%d}-{index:07d}"
    due_at = stage_due if status in OPEN else None
    case = {
        "number": number,
        "source": source,
        "category_id": category["id"],
        "title": category["name"],
        "description": category["name"],
        "lon": micro["center_lon"] or 0.0,
        "lat": micro["center_lat"] or 0.0,
        "region_id": micro["id"],
        "region_path": micro["path"],
        "grid_id": grid["id"],
        "district_code": grid["district_code"] or "",
        "level": "street",
        "handling_region_id": street["id"],
        "handling_path": street["path"],
        "status": status,
        "assigned_department_id": assigned_department,
        "assigned_region_id": assigned_region,
        "stage": STAGE_OF.get(status, ""),
        "due_at": due_at,
        "warn_at": due_at - timedelta(minutes=30) if due_at else None,
        "warning": ("red" if due_at <= now else "") if due_at else "",
        "reporter_id": reporter,
        "extension_count": counts["extension"],
        "rework_count": counts["rework"],
        "return_count": counts["return"],
        "reopen_count": counts["reopen"],
        "rating_speed": rating[0],
        "rating_result": rating[1],
        "satisfied": rating[2],
        "created_at": created,
        "accepted_at": accepted_at,
        "dispatched_at": dispatched_at,
        "handled_at": handled_at,
        "closed_at": closed_at,
        "updated_at": clock,
        "version": len(events) - 1,
    }
    return case, events, assigned_department


EVENT_COLUMNS = (
    "case_id",
    "seq",
    "action",
    "actor_id",
    "from_status",
    "to_status",
    "data",
    "at",
    "stage",
    "stage_due_at",
    "on_time",
    "actor_name",
    "role",
    "opinion",
)


def _case_columns():
    from wangge.cases.models import Case

    return [f for f in Case._meta.concrete_fields if not f.primary_key]


def _defaults() -> dict:
    return {
        "needs_triage": False,
        "warning": "",
        "is_urgent": False,
        "supervision": "",
        "pending_request": "",
        "pending_extension": "",
        "reporter_name": "",
        "contact_phone_encrypted": "",
        "contact_phone_masked": "",
        "rating_comment": "",
        "address": "",
        "idempotency_key": None,
        "duplicate_of_id": None,
        "assigned_user_id": None,
        "handled_by_id": None,
        "stage_started_at": None,
    }


def _write(table: str, columns: list[str], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            adapt = connection.ops.adapt_datetimefield_value
            prepared = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows]
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", prepared)  # noqa: S608


LOADED_TABLES = ("cases_case", "cases_caseevent", "cases_case_involved_departments")


def _drop_indexes() -> list[str]:
    """On SQLite, drop the secondary indexes of the loaded tables (recreated by ``_restore_indexes``)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(LOADED_TABLES))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",  # noqa: S608
            list(LOADED_TABLES),
        )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _restore_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def bulk_load_settings() -> None:
    """On SQLite, a large page cache for this connection: index pages of millions of rows stay in memory."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -4000000")  # 4 GB
            if not connection.in_atomic_block:  # SQLite refuses it inside a transaction (e.g. in tests)
                cursor.execute("PRAGMA temp_store = MEMORY")


def generate_cases(
    count: int, *, seed: int = 2026, now: datetime | None = None, batch: int = 20000, log=print, days: int = SPAN_DAYS
) -> int:
    """Write ``count`` cases with their timelines; returns the number of events written."""
    from wangge.cases.models import Case, CaseEvent
    from wangge.rollups.rollups import department_ids

    bulk_load_settings()

    now = now or timezone.now()
    rng = random.Random(seed)
    clock = _Clock(count, rng, days)
    dropped = _drop_indexes() if count >= 100_000 else []
    world = _World()
    department_ids(refresh=True)
    fields = _case_columns()
    columns = [f.column for f in fields]
    defaults = _defaults()
    next_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_index = Case.objects.count() + 1
    events_written = 0
    started = time.monotonic()
    through = Case.involved_departments.through
    for offset in range(0, count, batch):
        case_rows, event_rows, involved = [], [], []
        for i in range(offset, min(count, offset + batch)):
            case, events, department = _one(first_index + i, now, world, rng, clock)
            case_id = next_id + i
            values = {**defaults, **case}
            case_rows.append(
                (case_id, *(values[f.attname] if f.attname in values else f.get_default() for f in fields))
            )
            for seq, action, actor, from_status, to_status, data, at, stage, due, on_time in events:
                event_rows.append(
                    (case_id, seq, action, actor, from_status, to_status, data, at, stage, due, on_time, "", "", "")
                )
            if department:
                involved.append((case_id, department))
        with transaction.atomic():
            _write(Case._meta.db_table, ["id", *columns], case_rows)
            _write(CaseEvent._meta.db_table, list(EVENT_COLUMNS), event_rows)
            _write(through._meta.db_table, ["case_id", "department_id"], involved)
        events_written += len(event_rows)
        done = min(count, offset + batch)
        if done == count or done % (batch * 10) == 0:
            log(f"  {done:,} cases, {events_written:,} events written ({time.monotonic() - started:.0f} s)")
    if dropped:
        log(f"  recreating {len(dropped)} indexes")
        _restore_indexes(dropped)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Case, CaseEvent):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
                cursor.execute(f"ANALYZE {table}")  # noqa: S608
    return events_written
