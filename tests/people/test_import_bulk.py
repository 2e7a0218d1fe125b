"""A large ledger imports in one run: bulk writes, blind indexes computed in Python, one transaction;
the file is read in read-only (streaming) mode. How fast (10,000 persons against openpyxl reading the
same file) is the bench figure ``excel`` (``make bench``), not a test."""

import io
from datetime import date, timedelta

from openpyxl import Workbook

from tests.people.conftest import GRID_1, id_number, point_in
from wangge.people import excel, services
from wangge.people.models import Household, Person

ROWS = 3_000


def big_ledger(houses: list[str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人口")
    sheet.append(["姓名", "证件号码", "联系电话", "小区", "楼栋", "单元", "房号", "户号", "与户主关系"])
    for n in range(ROWS):
        unit, room = houses[n // 3]
        birth = date(1950, 1, 1) + timedelta(days=n)
        relation = ("户主", "配偶", "子")[n % 3]
        sheet.append(
            [
                f"居民{n}",
                id_number(birth, male=n % 2 == 0, seq=1 + n % 400),
                f"139{n:08d}",
                "速度花园",
                "1幢",
                unit,
                room,
                f"S{n // 3}",
                relation,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_large_ledger_is_checked_then_imported_in_one_run(ledger):
    lon, lat = point_in(GRID_1)
    compound = services.create_compound(actor=ledger.worker1, data={"name": "速度花园", "lon": lon, "lat": lat})
    building = services.create_building(
        actor=ledger.worker1,
        data={
            "compound": compound,
            "name": "1幢",
            "floors": 30,
            "units": 10,
            "rooms_per_floor": 4,
            "lon": lon,
            "lat": lat,
        },
    )
    houses = list(building.houses.order_by("unit", "floor", "position").values_list("unit", "room"))
    content = big_ledger(houses)
    persons_before = Person.objects.count()

    sheet = excel.read_ledger("persons", content)
    dry = services.import_ledger(actor=ledger.worker1, kind="persons", sheet=sheet, dry_run=True)
    assert dry.ok, dry.problems[:3]
    assert Person.objects.count() == persons_before  # the dry run wrote nothing
    report = services.import_ledger(
        actor=ledger.worker1, kind="persons", sheet=excel.read_ledger("persons", content), dry_run=False
    )

    assert (report.ok, report.created, report.updated) == (True, ROWS, 0)
    assert Person.objects.count() == persons_before + ROWS
    assert Household.objects.filter(house__building=building).count() == (ROWS + 2) // 3
