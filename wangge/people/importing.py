"""Importing a ledger read by ``excel.read_ledger``: every cell checked, then all rows written in one
transaction, or none.

Each kind has a ``Plan``: ``check()`` turns raw cells into unsaved rows and per-cell problems (row,
column, reason) with a handful of queries for the whole file; ``write()`` stores them with bulk
statements. A person whose ID number is already in the ledger is merged (``on_duplicate="update"``)
or reported (``"report"``), never doubled; the same number twice in one file is a problem.
Messages never repeat a personal number; the preview shows them masked.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.scope import paths_filter, scope_for
from wangge.core import pii
from wangge.people import records, rules
from wangge.people.excel import LEDGERS, LedgerSheet, Problem
from wangge.people.id_numbers import check_id_number
from wangge.people.models import (
    Building,
    BuildingUse,
    Facility,
    House,
    Household,
    Organisation,
    Person,
    Relation,
    house_address,
    mask,
)
from wangge.people.validators import validate_credit_code, validate_phone
from wangge.regions.locator import get_locator
from wangge.regions.models import Region

DUPLICATE_CHOICES = ("update", "report")
PREVIEW_GOOD_ROWS = 10
PREVIEW_BAD_ROWS = 200
SENSITIVE = {"id_number": "id_number", "phone": "phone", "owner_phone": "phone"}
CHUNK = 500


@dataclass
class PreviewRow:
    row: int
    cells: list[tuple[str, str]]  # (shown value, problem message or "") per column
    ok: bool


@dataclass
class ImportReport:
    kind: str
    total: int
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (key, title, letter)
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportFailed(Exception):
    def __init__(self, report: ImportReport):
        super().__init__(report.problems[0].message if report.problems else "import failed")
        self.report = report


def run(*, actor, kind: str, sheet: LedgerSheet, dry_run: bool, on_duplicate: str) -> ImportReport:
    if on_duplicate not in DUPLICATE_CHOICES:
        raise ValidationError({"on_duplicate": _("Choose update or report.")})
    report = ImportReport(kind=kind, total=len(sheet.rows), dry_run=dry_run, problems=list(sheet.problems))
    report.columns = [(c.key, str(c.title), sheet.letter(c.key)) for c in LEDGERS[kind] if c.key in sheet.columns]
    if any(p.row in (0, sheet.header_row) and not p.column for p in sheet.problems):
        return report  # the file or its title row is unusable: no row is worth checking
    plan = PLANS[kind](actor, sheet, on_duplicate)
    plan.check()
    report.problems = sorted(report.problems + plan.problems, key=lambda p: (p.row, p.column))
    report.preview = _preview(sheet, report)
    if not report.ok:
        if dry_run:
            return report
        raise ImportFailed(report)
    report.created, report.updated = plan.counts()
    if dry_run:
        return report
    try:
        with transaction.atomic():
            plan.write()
            audit.record(
                actor=actor,
                action="people.import",
                object_type=f"people.{kind}",
                summary=_("%(n)d rows imported") % {"n": report.total},
                changes={"kind": kind, "rows": report.total, "created": report.created, "updated": report.updated},
            )
    except IntegrityError:
        report.problems = [
            Problem(0, "", "", _("Someone changed the same records while the file was imported: check the file again."))
        ]
        raise ImportFailed(report) from None
    return report


def _preview(sheet: LedgerSheet, report: ImportReport) -> list[PreviewRow]:
    by_row: dict[int, dict[str, str]] = {}
    for problem in report.problems:
        by_row.setdefault(problem.row, {})
        by_row[problem.row].setdefault(problem.column or "*", problem.message)
    rows = []
    good = bad = 0
    for row_number, values in sheet.rows:
        messages = by_row.get(row_number, {})
        if messages and bad < PREVIEW_BAD_ROWS:
            bad += 1
        elif not messages and good < PREVIEW_GOOD_ROWS:
            good += 1
        else:
            continue
        cells = []
        for key, _title, letter in report.columns:
            cells.append((_shown(key, values.get(key)), messages.get(letter, "")))
        rows.append(PreviewRow(row_number, cells, not messages))
    return rows


def _shown(key: str, value) -> str:
    if value is None:
        return ""
    text = records.as_text(value)
    if key in SENSITIVE:
        return mask(SENSITIVE[key], text) if text else ""
    return text[:60]


class CellError(Exception):
    pass


class Plan:
    """Check a sheet's rows for one kind, then write them."""

    def __init__(self, actor, sheet: LedgerSheet, on_duplicate: str):
        self.actor = actor
        self.sheet = sheet
        self.on_duplicate = on_duplicate
        self.scope = scope_for(actor)
        self.problems: list[Problem] = []
        self.fields = {f.key: f for f in LEDGERS[sheet.kind]}
        self._bad_rows: set[int] = {p.row for p in sheet.problems}

    # -- cells --------------------------------------------------------------------------------

    def problem(self, row: int, key: str, message: str) -> None:
        self.problems.append(Problem(row, self.sheet.letter(key), self.sheet.title(key), message))
        self._bad_rows.add(row)

    def read(self, values: dict, key: str, *, required: bool | None = None, default=records.MISSING):
        """The cell converted by its ledger field (``records``); an empty required cell is a problem."""
        field = self.fields[key]
        value = values.get(key)
        if (field.required if required is None else required) and records.is_empty(value):
            raise CellError(_("This cell must be filled in."))
        return field.parse(value, default=default)

    def readers(self, keys, **special) -> dict:
        """``read`` for each of ``keys``, or the reader ``special`` gives for a key."""
        return {key: special.get(key) or (lambda values, key=key: self.read(values, key)) for key in keys}

    def cells(self, row: int, values: dict, readers: dict) -> dict:
        """Run ``readers`` (key → function of the values); every failing cell becomes a problem."""
        parsed = {}
        for key, reader in readers.items():
            try:
                parsed[key] = reader(values)
            except CellError as exc:
                self.problem(row, key, str(exc))
            except ValidationError as exc:
                self.problem(row, key, exc.messages[0])
        return parsed

    # -- places -------------------------------------------------------------------------------

    def locate_rows(self, points: dict[int, tuple[float, float]], key: str = "lon") -> dict[int, Region]:
        """Rows' points → regions in one pass; outside the actor's grids is a problem."""
        if not points:
            return {}
        rows = list(points)
        ids = get_locator().locate_many([points[r][0] for r in rows], [points[r][1] for r in rows])
        regions = Region.objects.in_bulk([int(i) for i in set(ids.tolist()) if i > 0])
        placed = {}
        for row, region_id in zip(rows, ids.tolist(), strict=True):
            region = regions.get(region_id)
            if region is None:
                self.problem(row, key, _("No grid contains this point: check the longitude and latitude."))
            elif not self.scope.covers_path(region.path):
                self.problem(row, key, _("This point lies outside the grids you serve."))
            else:
                placed[row] = region
        return placed

    def buildings_by_name(self, names: set[str]) -> dict[tuple[str, str], list[Building]]:
        """(compound name, building name) → buildings in reach; also ("", name) for any compound."""
        found: dict[tuple[str, str], list[Building]] = {}
        queryset = Building.objects.filter(name__in=names).select_related("compound", "region")
        if not self.scope.is_global:
            queryset = queryset.filter(paths_filter(self.scope.paths, "region_path"))
        for building in queryset:
            compound = building.compound.name if building.compound_id else ""
            found.setdefault((compound, building.name), []).append(building)
            if compound:
                found.setdefault(("", building.name), []).append(building)
        return found

    def pick_building(self, found, row: int, compound: str, name: str, key: str = "building") -> Building | None:
        matches = found.get((compound, name), [])
        if len(matches) > 1:
            self.problem(row, key, _("Several buildings in your grids have this name: fill in the compound."))
            return None
        return matches[0] if matches else None

    def clean(self, row: int, obj, exclude: list[str]) -> bool:
        """``full_clean`` without per-row queries (relations and uniqueness are checked per file)."""
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.problem(row, name if name in self.sheet.columns else next(iter(self.sheet.columns)), messages[0])
            return False
        return True

    def counts(self) -> tuple[int, int]:
        raise NotImplementedError

    def check(self) -> None:
        raise NotImplementedError

    def write(self) -> None:
        raise NotImplementedError


# --- persons ---------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    row: int
    person: Person
    existing: bool
    household_key: tuple[int, str] | None
    is_head: bool


class PersonPlan(Plan):
    def check(self) -> None:
        rows = self.sheet.rows
        names = {records.as_text(v["building"]) for _r, v in rows if v.get("building") is not None}
        found = self.buildings_by_name(names)
        houses = self._houses([b for bs in found.values() for b in bs])
        parsed = []
        for row, values in rows:
            data = self.cells(
                row,
                values,
                self.readers(
                    self.fields,
                    id_number=lambda v: self.read(v, "id_number", required=False),
                    building=lambda v: self.read(v, "building", required=True),
                    phone=lambda v: self._phone(v, "phone"),
                ),
            )
            parsed.append((row, data))
        self._check_numbers(parsed)
        self._place(parsed, found, houses)
        self._merge_existing(parsed)
        self._households(parsed)

    def _phone(self, values: dict, key: str) -> str:
        text = self.read(values, key)
        return validate_phone(text, field=key) if text else ""

    def _houses(self, buildings: list[Building]) -> dict[tuple[int, int, str], House]:
        houses = House.objects.filter(building__in=buildings).only(
            "id", "building_id", "unit", "room", "region_id", "region_path", "use"
        )
        return {(h.building_id, h.unit, h.room): h for h in houses}

    def _check_numbers(self, parsed) -> None:
        first_row: dict[str, int] = {}
        for row, data in parsed:
            if "id_number" not in data or "id_type" not in data:
                continue
            try:
                checked = check_id_number(data["id_type"], data["id_number"])
            except ValidationError as exc:
                self.problem(row, "id_number", exc.messages[0])
                data.pop("id_number")
                continue
            data["id_number"] = checked.id_number
            if checked.birth_date:
                if data.get("birth_date") and data["birth_date"] != checked.birth_date:
                    self.problem(row, "birth_date", _("The birth date differs from the one the ID number holds."))
                if data.get("gender") and data["gender"] != checked.gender:
                    self.problem(row, "gender", _("The gender differs from the one the ID number holds."))
                data["birth_date"], data["gender"] = checked.birth_date, checked.gender
            else:
                if not data.get("birth_date"):
                    self.problem(row, "birth_date", _("Enter the birth date (it cannot be read from this document)."))
                if not data.get("gender"):
                    self.problem(row, "gender", _("Choose the gender (it cannot be read from this document)."))
            if not checked.id_number:
                continue
            index = pii.blind_index(checked.id_number, kind="id_number")
            data["id_index"] = index
            data["id_lookups"] = pii.blind_indexes(checked.id_number, kind="id_number")  # every key: a rotation
            if index in first_row:
                self.problem(
                    row,
                    "id_number",
                    _("The same ID number as row %(row)d: a person appears once per file.") % {"row": first_row[index]},
                )
            else:
                first_row[index] = row

    def _place(self, parsed, found, houses) -> None:
        for row, data in parsed:
            if "building" not in data or "room" not in data or "unit" not in data:
                continue
            building = self.pick_building(found, row, data.get("compound", ""), data["building"])
            if building is None:
                if not any(p.row == row and p.column == self.sheet.letter("building") for p in self.problems):
                    self.problem(
                        row, "building", _("No such building in the grids you serve: import the houses ledger first.")
                    )
                continue
            house = houses.get((building.pk, data["unit"], data["room"]))
            if house is None:
                self.problem(row, "room", _("No such house in this building: import the houses ledger first."))
                continue
            data["house"] = house

    def _merge_existing(self, parsed) -> None:
        indexes = [index for _r, d in parsed for index in d.get("id_lookups", ())]
        existing: dict[str, Person] = {}
        for start in range(0, len(indexes), CHUNK):
            for person in Person.objects.filter(id_number_index__in=indexes[start : start + CHUNK]):
                existing[person.id_number_index] = person
        self.rows: list[PersonRow] = []
        for row, data in parsed:
            person = next((existing[i] for i in data.get("id_lookups", ()) if i in existing), None)
            if person is not None:
                if not self.scope.covers_path(person.region_path):
                    self.problem(
                        row,
                        "id_number",
                        _("This person is registered outside the grids you serve: ask their community to move them."),
                    )
                    continue
                if self.on_duplicate == "report":
                    self.problem(
                        row, "id_number", _("This person is already in the ledger (you chose to report duplicates).")
                    )
                    continue
            if row in self._bad_rows:
                continue
            target = person or Person()
            self._fill(target, data)
            if not self.clean(row, target, ["region", "house", "household", "id_number_index", "phone_index"]):
                continue
            key = (data["house"].pk, data.get("household_number", ""))
            self.rows.append(PersonRow(row, target, person is not None, key, data.get("relation") == Relation.HEAD))
            target._import_relation = data.get("relation", "")

    def _fill(self, person: Person, data: dict) -> None:
        for name in ("name", "id_type", "gender", "birth_date", "population_type", "political_status"):
            setattr(person, name, data[name])
        for name in ("ethnicity", "registered_address", "marital_status", "education", "employer", "note"):
            if data.get(name) or not person.pk:
                setattr(person, name, data.get(name, "") or ("汉族" if name == "ethnicity" else ""))
        number = data.get("id_number", "")
        person.id_number_encrypted = pii.encrypt(number)
        person.id_number_index = data.get("id_index", "")
        person.id_number_masked = mask("id_number", number)
        if data.get("phone") or not person.pk:
            person.set_pii("phone", data.get("phone", ""))
        house = data["house"]
        person._import_old_path = person.region_path
        person._import_old_household = person.household_id
        person.house_id = house.pk
        person.region_id, person.region_path = house.region_id, house.region_path

    def _households(self, parsed) -> None:
        groups: dict[tuple[int, str], list[PersonRow]] = {}
        for item in self.rows:
            groups.setdefault(item.household_key, []).append(item)
        house_ids = {k[0] for k in groups}
        existing: dict[tuple[int, str], Household] = {}
        for household in Household.objects.filter(house_id__in=house_ids).order_by("id"):
            existing.setdefault((household.house_id, household.number), household)
        self.households = existing
        self.groups = groups
        for key, members in groups.items():
            heads = [m for m in members if m.is_head]
            for extra in heads[1:]:
                self.problem(
                    extra.row,
                    "relation",
                    _("A household has one head: row %(row)d is already its head.") % {"row": heads[0].row},
                )
            for member in members:
                if not member.person._import_relation:
                    if len(members) == 1 and key not in existing:
                        member.person._import_relation = Relation.HEAD
                        member.is_head = True
                    else:
                        self.problem(member.row, "relation", _("Give the relation to the head of the household."))
            household = existing.get(key)
            if household is not None and household.head_id and heads and heads[0].person.pk != household.head_id:
                self.problem(heads[0].row, "relation", _("This household already has another head in the ledger."))

    def counts(self) -> tuple[int, int]:
        updated = sum(1 for r in self.rows if r.existing)
        return len(self.rows) - updated, updated

    def write(self) -> None:
        new_households = []
        for key in self.groups:
            if key not in self.households:
                first = self.groups[key][0].person
                household = Household(
                    house_id=key[0], number=key[1], region_id=first.region_id, region_path=first.region_path
                )
                self.households[key] = household
                new_households.append(household)
        Household.objects.bulk_create(new_households, batch_size=1000)
        new, changed = [], []
        for key, members in self.groups.items():
            for member in members:
                person = member.person
                person.household_id = self.households[key].pk
                person.relation = person._import_relation
                (changed if member.existing else new).append(person)
        Person.objects.bulk_create(new, batch_size=1000)
        fields = [
            "name", "id_type", "gender", "birth_date", "population_type", "political_status", "ethnicity",
            "registered_address", "marital_status", "education", "employer", "note", "id_number_encrypted",
            "id_number_index", "id_number_masked", "phone_encrypted", "phone_index", "phone_masked", "house",
            "region", "region_path", "household", "relation", "updated_at",
        ]  # fmt: skip
        now = timezone.now()
        for person in changed:
            person.updated_at = now
        Person.objects.bulk_update(changed, fields, batch_size=1000)
        # The same rules as a single save, once for the whole file.
        rules.heads_follow_relations({h.pk for h in self.households.values()} | self.left_households(changed))
        rules.labels_follow_persons(p.pk for p in changed if p._import_old_path != p.region_path)
        rules.occupy(key[0] for key in self.groups)

    def left_households(self, changed: list[Person]) -> set[int]:
        """Households that merged persons moved out of (their head may have gone with them)."""
        return {p._import_old_household for p in changed if p._import_old_household not in (None, p.household_id)}


# --- houses ----------------------------------------------------------------------------------------


class HousePlan(Plan):
    def check(self) -> None:
        rows = self.sheet.rows
        names = {records.as_text(v["building"]) for _r, v in rows if v.get("building") is not None}
        found = self.buildings_by_name(names)
        existing = {
            (h.building_id, h.unit, h.room): h
            for h in House.objects.filter(building__in=[b for bs in found.values() for b in bs])
        }
        parsed = []
        for row, values in rows:
            data = self.cells(
                row,
                values,
                self.readers(self.fields, owner_phone=lambda v: self._phone(v)),
            )
            if data.get("floor") == 0:
                self.problem(row, "floor", _("There is no floor 0: basements are -1, -2 …"))
            parsed.append((row, data))
        new_buildings: dict[tuple[str, str], dict] = {}
        points = {}
        for row, data in parsed:
            if row in self._bad_rows:
                continue
            building = self.pick_building(found, row, data["compound"], data["building"])
            if building is None and row not in self._bad_rows:
                key = (data["compound"], data["building"])
                if key not in new_buildings:
                    if data.get("lon") is None or data.get("lat") is None:
                        self.problem(
                            row,
                            "building",
                            _("No such building in the grids you serve: give its longitude and latitude to create it."),
                        )
                        continue
                    if data["compound"]:
                        self.problem(
                            row, "compound", _("No such compound in the grids you serve: create the compound first.")
                        )
                        continue
                    new_buildings[key] = {"row": row, "lon": data["lon"], "lat": data["lat"], "rows": []}
                    points[row] = (data["lon"], data["lat"])
                new_buildings[key]["rows"].append(row)
            data["building_obj"] = building
        regions = self.locate_rows(points)
        self.new_buildings: dict[tuple[str, str], Building] = {}
        for key, info in new_buildings.items():
            region = regions.get(info["row"])
            if region is None:
                for row in info["rows"]:
                    self._bad_rows.add(row)
                continue
            building = Building(
                name=key[1],
                use=BuildingUse.RESIDENTIAL,
                lon=info["lon"],
                lat=info["lat"],
                floors=1,
                units=1,
                rooms_per_floor=1,
            )
            building.place_in(region)
            self.new_buildings[key] = building
        seen: dict[tuple, int] = {}
        self.rows: list[tuple[int, House, bool]] = []
        for row, data in parsed:
            if row in self._bad_rows:
                continue
            building = data["building_obj"] or self.new_buildings[(data["compound"], data["building"])]
            position = _position(data["room"], data["floor"])
            cell_key = (id(building), data["unit"], data["room"])
            if cell_key in seen:
                self.problem(row, "room", _("The same house as row %(row)d.") % {"row": seen[cell_key]})
                continue
            seen[cell_key] = row
            house = existing.get((building.pk, data["unit"], data["room"])) if building.pk else None
            if house is not None and self.on_duplicate == "report":
                self.problem(row, "room", _("This house is already in the ledger (you chose to report duplicates)."))
                continue
            is_new = house is None
            if is_new:
                house = House(
                    building=building, unit=data["unit"], floor=data["floor"], room=data["room"], position=position or 0
                )
                house.place_in(building.region)
            house.floor = data["floor"]
            house.area = data["area"] if data.get("area") is not None else house.area
            house.use = data["use"]
            if data.get("owner_name"):
                house.owner_name = data["owner_name"]
            if data.get("owner_phone"):
                house.set_pii("owner_phone", data["owner_phone"])
            if data.get("hazards"):
                house.hazards = data["hazards"]
            if self.clean(row, house, ["building", "region", "owner_phone_index", "position", "address"]):
                self.rows.append((row, house, not is_new))
        self._positions()

    def _phone(self, values: dict) -> str:
        text = self.read(values, "owner_phone")
        return validate_phone(text, field="owner_phone") if text else ""

    def _positions(self) -> None:
        """Rooms like 501 sit at position 1 of floor 5; other names take the next free position."""
        taken: dict[tuple, set[int]] = {}
        for house in House.objects.filter(
            building__in=[h.building for _r, h, _e in self.rows if h.building.pk]
        ).values_list("building_id", "unit", "floor", "position"):
            taken.setdefault(house[:3], set()).add(house[3])
        for _row, house, existing in self.rows:
            key = (house.building.pk or id(house.building), house.unit, house.floor)
            used = taken.setdefault(key, set())
            if existing:
                continue
            if not house.position or house.position in used:
                house.position = max(used | {0}) + 1
            used.add(house.position)

    def counts(self) -> tuple[int, int]:
        updated = sum(1 for _r, _h, existing in self.rows if existing)
        return len(self.rows) - updated, updated

    def write(self) -> None:
        for building in self.new_buildings.values():
            building.save()
        grown = {}
        for _row, house, _existing in self.rows:
            building = house.building
            house.building_id = building.pk
            size = (
                max(building.units, house.unit),
                max(building.floors, house.floor),
                max(building.rooms_per_floor, house.position),
            )
            if size != (building.units, building.floors, building.rooms_per_floor):
                building.units, building.floors, building.rooms_per_floor = size
                grown[building.pk] = building
            house.address = house_address(building, house.unit, house.room)
        Building.objects.bulk_update(list(grown.values()), ["units", "floors", "rooms_per_floor"])
        new = [h for _r, h, existing in self.rows if not existing]
        changed = [h for _r, h, existing in self.rows if existing]
        House.objects.bulk_create(new, batch_size=1000)
        House.objects.bulk_update(
            changed,
            [
                "floor",
                "area",
                "use",
                "owner_name",
                "owner_phone_encrypted",
                "owner_phone_index",
                "owner_phone_masked",
                "hazards",
                "address",
            ],
            batch_size=1000,
        )


def _position(room: str, floor: int) -> int | None:
    prefix = str(floor) if floor > 0 else f"B{-floor}"
    if room.upper().startswith(prefix) and room[len(prefix) :].isdigit() and len(room) > len(prefix):
        return int(room[len(prefix) :]) or None
    return None


# --- organisations ---------------------------------------------------------------------------------


class OrganisationPlan(Plan):
    def check(self) -> None:
        rows = self.sheet.rows
        names = {records.as_text(v["building"]) for _r, v in rows if v.get("building") is not None}
        found = self.buildings_by_name(names)
        parsed = []
        for row, values in rows:
            data = self.cells(
                row,
                values,
                self.readers(
                    self.fields,
                    credit_code=lambda v: self._credit(v),
                    phone=lambda v: self._phone(v),
                    employees=lambda v: self.read(v, "employees", default=-1),  # empty: keep the ledger's
                ),
            )
            parsed.append((row, data))
        points = {}
        for row, data in parsed:
            if row in self._bad_rows:
                continue
            data["building_obj"] = None
            if data.get("building"):
                data["building_obj"] = self.pick_building(found, row, data["compound"], data["building"])
                if data["building_obj"] is None and row not in self._bad_rows:
                    self.problem(row, "building", _("No such building in the grids you serve."))
            if data.get("lon") is not None and data.get("lat") is not None:
                points[row] = (data["lon"], data["lat"])
            elif data["building_obj"] is None and row not in self._bad_rows:
                self.problem(row, "lon", _("Give the longitude and latitude, or the building."))
        regions = self.locate_rows(points)
        codes = [d["credit_code"] for _r, d in parsed if d.get("credit_code")]
        existing = {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes)}
        first_row: dict[str, int] = {}
        self.rows: list[tuple[int, Organisation, bool]] = []
        for row, data in parsed:
            code = data.get("credit_code")
            if code:
                if code in first_row:
                    self.problem(
                        row, "credit_code", _("The same credit code as row %(row)d.") % {"row": first_row[code]}
                    )
                    continue
                first_row[code] = row
            if row in self._bad_rows:
                continue
            org = existing.get(code) if code else None
            if org is not None:
                if not self.scope.covers_path(org.region_path):
                    self.problem(row, "credit_code", _("This organisation is registered outside the grids you serve."))
                    continue
                if self.on_duplicate == "report":
                    self.problem(
                        row,
                        "credit_code",
                        _("This organisation is already in the ledger (you chose to report duplicates)."),
                    )
                    continue
            is_new = org is None
            org = org or Organisation()
            for name in ("name", "kind", "legal_person", "address", "business_scope", "is_key"):
                setattr(org, name, data[name])
            org.credit_code = code or org.credit_code
            if data["employees"] >= 0:
                org.employees = data["employees"]
            if data.get("phone"):
                org.set_pii("phone", data["phone"])
            building = data["building_obj"]
            org.building = building
            region = regions.get(row) or (building.region if building else None)
            org.place_in(region)
            org.lon = data.get("lon") if data.get("lon") is not None else (building.lon if building else None)
            org.lat = data.get("lat") if data.get("lat") is not None else (building.lat if building else None)
            if self.clean(row, org, ["building", "region", "phone_index"]):
                self.rows.append((row, org, not is_new))

    def _credit(self, values: dict) -> str:
        text = self.read(values, "credit_code")
        return validate_credit_code(text) if text else ""

    def _phone(self, values: dict) -> str:
        text = self.read(values, "phone")
        return validate_phone(text) if text else ""

    def counts(self) -> tuple[int, int]:
        updated = sum(1 for _r, _o, existing in self.rows if existing)
        return len(self.rows) - updated, updated

    def write(self) -> None:
        Organisation.objects.bulk_create([o for _r, o, e in self.rows if not e], batch_size=1000)
        Organisation.objects.bulk_update(
            [o for _r, o, e in self.rows if e],
            [
                "name",
                "kind",
                "legal_person",
                "address",
                "business_scope",
                "is_key",
                "credit_code",
                "employees",
                "phone_encrypted",
                "phone_index",
                "phone_masked",
                "building",
                "region",
                "region_path",
                "lon",
                "lat",
            ],  # fmt: skip
            batch_size=1000,
        )


# --- facilities ------------------------------------------------------------------------------------


class FacilityPlan(Plan):
    def check(self) -> None:
        parsed = []
        for row, values in self.sheet.rows:
            data = self.cells(
                row,
                values,
                self.readers(self.fields, code=lambda v: self.read(v, "code").upper()),
            )
            parsed.append((row, data))
        points = {r: (d["lon"], d["lat"]) for r, d in parsed if r not in self._bad_rows}
        regions = self.locate_rows(points)
        codes = [d["code"] for _r, d in parsed if d.get("code")]
        existing = {}
        for start in range(0, len(codes), CHUNK):
            existing.update({f.code: f for f in Facility.objects.filter(code__in=codes[start : start + CHUNK])})
        first_row: dict[str, int] = {}
        self.rows: list[tuple[int, Facility, bool]] = []
        for row, data in parsed:
            code = data.get("code")
            if code:
                if code in first_row:
                    self.problem(row, "code", _("The same facility code as row %(row)d.") % {"row": first_row[code]})
                    continue
                first_row[code] = row
            if row in self._bad_rows:
                continue
            facility = existing.get(code)
            if facility is not None:
                if not self.scope.covers_path(facility.region_path):
                    self.problem(row, "code", _("This facility is registered outside the grids you serve."))
                    continue
                if self.on_duplicate == "report":
                    self.problem(
                        row, "code", _("This facility is already in the ledger (you chose to report duplicates).")
                    )
                    continue
            is_new = facility is None
            facility = facility or Facility(code=code)
            for name in ("kind", "name", "status", "owner", "address", "installed_on", "lon", "lat"):
                setattr(facility, name, data[name])
            facility.place_in(regions[row])
            if self.clean(row, facility, ["region"]):
                self.rows.append((row, facility, not is_new))

    def counts(self) -> tuple[int, int]:
        updated = sum(1 for _r, _f, existing in self.rows if existing)
        return len(self.rows) - updated, updated

    def write(self) -> None:
        Facility.objects.bulk_create([f for _r, f, e in self.rows if not e], batch_size=1000)
        Facility.objects.bulk_update(
            [f for _r, f, e in self.rows if e],
            ["kind", "name", "status", "owner", "address", "installed_on", "lon", "lat", "region", "region_path"],
            batch_size=1000,
        )


PLANS = {"persons": PersonPlan, "houses": HousePlan, "organisations": OrganisationPlan, "facilities": FacilityPlan}
