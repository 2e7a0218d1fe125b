"""Excel import of 10,000 persons: a workbook as a community would upload it (name, ID number, phone,
population type, compound, building, unit, room, household, relation), read by ``people.excel.read_ledger``
and written by ``people.services.import_ledger`` (every cell checked, ID numbers encrypted and
blind-indexed, households and heads set, one transaction), against reading the same file with
openpyxl alone (the floor for any importer), in the same run.

Runs inside a transaction that is rolled back: the run's data is unchanged. When the bench town has
no houses yet (it has no people ledger), a small demo ledger is written first inside that transaction.
"""

import io
import random
import time
from datetime import date, timedelta

from django.db import transaction

from bench.measure import Row

NAME = "excel"
ROWS = 10_000
HEAD = ["姓名", "证件号码", "联系电话", "人口类型", "小区", "楼栋", "单元", "房号", "户号", "与户主关系"]


class _Rollback(Exception):
    pass


def workbook(houses, rows: int = ROWS, seed: int = 2026) -> bytes:
    """``rows`` new persons in households of one to four, spread over ``houses``."""
    from openpyxl import Workbook

    from wangge.people.demo import HOME_PREFIX, _Numbers

    rng = random.Random(seed)
    numbers = _Numbers(rng)
    seen: set[str] = set()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人口")
    sheet.append(HEAD)
    written, household = 0, 0
    while written < rows:
        household += 1
        compound, building, unit, room = rng.choice(houses)
        for member in range(min(rng.randint(1, 4), rows - written)):
            male = rng.random() < 0.5
            birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
            number = numbers.id_number(HOME_PREFIX, birth, male)
            while number in seen:
                number = numbers.id_number(HOME_PREFIX, birth, male)
            seen.add(number)
            relation = "户主" if member == 0 else rng.choice(["配偶", "子", "女", "父亲", "母亲"])
            phone = f"139{rng.randrange(10**8):08d}" if member == 0 else ""
            kind = rng.choice(["户籍", "户籍", "流动"])
            sheet.append(
                [
                    f"测试{household}-{member}",
                    number,
                    phone,
                    kind,
                    compound,
                    building,
                    unit,
                    room,
                    f"BENCH{household:06d}",
                    relation,
                ]
            )
            written += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _houses() -> list[tuple]:
    """(compound, building, unit, room) of houses whose compound and building names point to one building."""
    from collections import Counter

    from wangge.people.models import Building, House

    names = Counter(Building.objects.filter(compound__isnull=False).values_list("compound__name", "name"))
    houses = (
        House.objects.filter(building__compound__isnull=False)
        .values_list("building__compound__name", "building__name", "unit", "room")
        .order_by("pk")[:20000]
    )
    return [h for h in houses if names[(h[0], h[1])] == 1][:3000]


def measure(rows: int = ROWS) -> list[Row]:
    from openpyxl import load_workbook

    from wangge.accounts.models import User
    from wangge.people import excel, services
    from wangge.people.demo import create_demo_people

    out: list[Row] = []
    try:
        with transaction.atomic():
            houses = _houses()
            if not houses:
                create_demo_people(persons=2000, seed=7)
                houses = _houses()
            content = workbook(houses, rows)
            admin = User.objects.filter(is_superuser=True).order_by("pk").first()

            started = time.perf_counter()
            book = load_workbook(io.BytesIO(content), read_only=True)
            raw_rows = sum(1 for _ in book.active.iter_rows(values_only=True)) - 1
            raw_s = time.perf_counter() - started

            started = time.perf_counter()
            sheet = excel.read_ledger("persons", content)
            read_s = time.perf_counter() - started
            started = time.perf_counter()
            report = services.import_ledger(actor=admin, kind="persons", sheet=sheet, dry_run=False)
            write_s = time.perf_counter() - started
            if not report.ok:
                first = report.problems[0]
                raise RuntimeError(
                    f"{len(report.problems)} problems, e.g. row {first.row} {first.column}: {first.message}"
                )
            total = read_s + write_s
            out = [
                Row(
                    f"Excel import of {rows:,} persons (read, check, encrypt, write; {report.created:,} created)",
                    f"{rows / total:,.0f} rows/s ({total:.1f} s: read {read_s:.1f} s, check and write {write_s:.1f} s)",
                    f"{raw_rows / raw_s:,.0f} rows/s openpyxl read-only alone",
                    f"{(rows / total) / (raw_rows / raw_s):.2f}×",
                ),
            ]
            raise _Rollback
    except _Rollback:
        pass
    return out


def run(ctx) -> list[Row]:
    return measure()
