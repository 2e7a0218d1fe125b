"""The demo town's ledger: compounds, buildings, houses, households and persons with realistic label
rates, organisations and public facilities, spread over every grid in proportion to its households.

Deterministic for a seed (only the encryption nonces differ); fictional ID numbers with correct
GB 11643 check digits under fictional prefixes; names drawn from Faker's zh_CN tables. Written with
bulk statements: about 50,000 persons in a few seconds.
"""

import itertools
import json
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import shapely
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker.providers.person.zh_CN import Provider as NameProvider

from wangge.core import pii
from wangge.people.labels import LabelKind
from wangge.people.models import (
    Building,
    BuildingUse,
    Compound,
    Facility,
    FacilityKind,
    FacilityStatus,
    House,
    Household,
    HouseUse,
    MaritalStatus,
    Organisation,
    OrganisationKind,
    Person,
    PersonLabel,
    PoliticalStatus,
    PopulationType,
    Relation,
    mask,
    room_number,
)
from wangge.people.validators import credit_check_char, id_check_char
from wangge.regions.models import GRID_LEVELS, Level, Region

DEFAULT_PERSONS = 50_000
HOME_PREFIX = "329901"  # the demo district (fictional "3299" city)
# Where floating residents come from: real province digits, fictional city and county digits.
ORIGIN_PREFIXES = ["349901", "419902", "519903", "369904", "429905", "509906", "439907", "329912"]
COMPOUND_SUFFIXES = ["花园", "苑", "小区", "新村", "家园", "公寓", "雅居"]
COMPOUND_CHARS = "锦绣华庭金桂碧水翠竹兰亭枫林春晓星河悦澜景瑞和园嘉禾青松云溪明月清风"
SHOP_WORDS = [
    "便利店",
    "面馆",
    "理发店",
    "药房",
    "水果店",
    "五金店",
    "快递驿站",
    "早餐店",
    "洗衣店",
    "烟酒店",
    "花店",
    "诊所",
]
ENTERPRISE_WORDS = ["科技有限公司", "电子有限公司", "贸易有限公司", "机械制造有限公司", "物流有限公司", "食品有限公司"]
ETHNICITIES = ["汉族"] * 97 + ["回族", "满族", "苗族"]
EDUCATION = ["primary", "junior", "junior", "senior", "senior", "college", "bachelor", "bachelor", "postgraduate"]
BASE_DATE = date(2026, 11, 1)
FACILITY_MIX = [
    (FacilityKind.MANHOLE, 8),
    (FacilityKind.STREET_LAMP, 6),
    (FacilityKind.HYDRANT, 2),
    (FacilityKind.CAMERA, 3),
    (FacilityKind.TRASH_BIN, 4),
    (FacilityKind.SIGN, 1),
    (FacilityKind.BENCH, 1),
    (FacilityKind.FITNESS, 1),
    (FacilityKind.CHARGER, 1),
]
FACILITY_CLASS = {  # GB/T 30428.2-style big class + sub-class digits for the facility code
    FacilityKind.MANHOLE: "0101",
    FacilityKind.STREET_LAMP: "0205",
    FacilityKind.HYDRANT: "0108",
    FacilityKind.CAMERA: "0311",
    FacilityKind.TRASH_BIN: "0402",
    FacilityKind.SIGN: "0214",
    FacilityKind.BENCH: "0510",
    FacilityKind.FITNESS: "0508",
    FacilityKind.CHARGER: "0612",
    FacilityKind.BUS_STOP: "0203",
    FacilityKind.OTHER: "0999",
}
HOUSEHOLD_SIZES = [(1, 18), (2, 30), (3, 28), (4, 14), (5, 7), (6, 3)]


@dataclass
class DemoSummary:
    persons: int
    households: int
    houses: int
    buildings: int
    compounds: int
    organisations: int
    facilities: int
    labels: int
    seconds: float

    def __str__(self) -> str:
        return _(
            "Ledger: %(persons)d persons in %(households)d households, %(houses)d houses in %(buildings)d "
            "buildings (%(compounds)d compounds), %(labels)d person labels, %(organisations)d organisations, "
            "%(facilities)d public facilities, in %(s).1f s."
        ) % {**vars(self), "s": self.seconds}


class _Numbers:
    """Unique fictional ID numbers, phones and credit codes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sequences: dict[str, int] = {}
        self.phones: set[str] = set()
        self.codes: set[str] = set()

    def id_number(self, prefix: str, birth: date, male: bool) -> str:
        """Sequence digits odd for men and even for women, never repeated for a prefix and birth date."""
        stem = f"{prefix}{birth:%Y%m%d}"
        seq = self.sequences.get(stem, self.rng.randrange(0, 300))
        if (seq % 2 == 1) != male:
            seq += 1
        self.sequences[stem] = seq + 1
        first17 = f"{stem}{seq:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(["138", "139", "137", "150", "151", "158", "177", "186", "188", "199"]) + (
                f"{self.rng.randrange(10**8):08d}"
            )
            if number not in self.phones:
                self.phones.add(number)
                return number

    def credit_code(self) -> str:
        chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        while True:
            first17 = "91" + HOME_PREFIX + "".join(self.rng.choice(chars) for _ in range(9))
            code = first17 + credit_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        surnames = list(NameProvider.last_names.items())[:200]
        self.surnames = [s for s, _w in surnames]
        self.weights = list(itertools.accumulate(w for _s, w in surnames))
        self.male = list(NameProvider.first_names_male)
        self.female = list(NameProvider.first_names_female)

    def surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.weights)[0]

    def given(self, male: bool) -> str:
        pool = self.male if male else self.female
        given = self.rng.choice(pool)
        if len(given) == 1 and self.rng.random() < 0.45:
            given += self.rng.choice(pool)[0]
        return given


def _birth(rng: random.Random, age_from: int, age_to: int) -> date:
    age_days = rng.randint(age_from * 365 + 1, age_to * 365 + 300)
    return BASE_DATE - timedelta(days=age_days)


def _age(birth: date) -> int:
    return BASE_DATE.year - birth.year - ((BASE_DATE.month, BASE_DATE.day) < (birth.month, birth.day))


def _inner(region: Region):
    """The region's polygon shrunk by about 2 m, prepared: points drawn from it never sit on an edge."""
    geom = shapely.from_geojson(json.dumps(region.boundary)).buffer(-2e-5)
    if geom.is_empty:
        geom = shapely.from_geojson(json.dumps(region.boundary))
    shapely.prepare(geom)
    return geom


def _point_in(geom, rng: random.Random) -> tuple[float, float]:
    min_x, min_y, max_x, max_y = geom.bounds
    for _attempt in range(20):
        xs = [rng.uniform(min_x, max_x) for _i in range(8)]
        ys = [rng.uniform(min_y, max_y) for _i in range(8)]
        inside = shapely.contains_xy(geom, xs, ys)
        for x, y, ok in zip(xs, ys, inside, strict=True):
            if ok:
                return round(x, 7), round(y, 7)
    centre = geom.representative_point()
    return round(centre.x, 7), round(centre.y, 7)


class _Ids:
    """Primary keys handed out up front, so rows can point at each other before any is written."""

    def __init__(self, model):
        self.next = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _place(row: dict, region: Region) -> dict:
    row["region_id"] = region.pk
    row["region_path"] = region.path
    return row


def _pii(row: dict, name: str, kind: str, plain: str) -> None:
    row[f"{name}_encrypted"] = pii.encrypt(plain)
    row[f"{name}_index"] = pii.blind_index(plain, kind=kind)
    row[f"{name}_masked"] = mask(kind, plain)


class _Town:
    """Accumulates rows (dicts keyed by column attribute) grid by grid, then writes them kind by kind."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.numbers = _Numbers(self.rng)
        self.names = _Names(self.rng)
        self.ids = {
            model: _Ids(model)
            for model in (Compound, Building, House, Household, Person, PersonLabel, Organisation, Facility)
        }
        self.rows: dict[type, list[dict]] = {model: [] for model in self.ids}
        self.property_companies: dict[int, int] = {}
        self.facility_seq = 0
        self.size_values = [s for s, _w in HOUSEHOLD_SIZES]
        self.size_weights = list(itertools.accumulate(w for _s, w in HOUSEHOLD_SIZES))

    def add(self, model, row: dict) -> dict:
        row["id"] = self.ids[model].take()
        self.rows[model].append(row)
        return row

    # -- places ---------------------------------------------------------------------------------

    def grid(self, grid: Region, micros: list[Region], persons: int, community: Region) -> int:
        """Houses, households and ``persons`` people in one grid; returns how many were housed."""
        rng = self.rng
        village = community.name.endswith("村")
        households_needed = max(1, round(persons / 2.6))
        shapes = [(m, _inner(m)) for m in (micros or [grid]) if m.boundary]
        if not shapes:
            return 0
        if village:
            houses = self._village_houses(grid, shapes, households_needed)
        else:
            houses = self._compound_houses(shapes, households_needed, community)
        occupied = [h for h in houses if h["use"] in (HouseUse.SELF_OCCUPIED, HouseUse.RENTED)]
        rng.shuffle(occupied)
        # Vacant houses come last: they take the people the lived-in ones could not.
        occupied += [h for h in houses if h["use"] == HouseUse.VACANT]
        left = persons
        for house in occupied:
            if left <= 0:
                house["use"] = HouseUse.VACANT
                continue
            if house["use"] == HouseUse.VACANT:
                house["use"] = HouseUse.SELF_OCCUPIED
            size = min(left, rng.choices(self.size_values, cum_weights=self.size_weights)[0])
            self._household(house, size, rented=house["use"] == HouseUse.RENTED, village=village)
            left -= size
        self._organisations(grid, shapes, village)
        self._facilities(grid, shapes)
        return persons - max(left, 0)

    def _compound_houses(self, shapes, households_needed: int, community: Region) -> list[dict]:
        rng = self.rng
        name = rng.choice(COMPOUND_CHARS) + rng.choice(COMPOUND_CHARS) + rng.choice(COMPOUND_SUFFIXES)
        micro, geom = shapes[0]
        lon, lat = _point_in(geom, rng)
        compound = self.add(
            Compound,
            _place(
                {
                    "name": name,
                    "address": f"{community.name[:2]}路{rng.randint(1, 300)}号",
                    "lon": lon,
                    "lat": lat,
                    "property_company_id": self._property_company(community, shapes),
                },
                micro,
            ),
        )
        houses: list[dict] = []
        homes = 0
        number = 0
        while homes * 0.9 < households_needed:
            number += 1
            micro, geom = shapes[(number - 1) % len(shapes)]
            lon, lat = _point_in(geom, rng)
            floors = rng.choice([5, 6, 6, 6, 7, 11, 11, 18])
            mixed = number == 1 and rng.random() < 0.5
            building = self.add(
                Building,
                _place(
                    {
                        "compound_id": compound["id"],
                        "name": f"{number}幢",
                        "use": BuildingUse.MIXED if mixed else BuildingUse.RESIDENTIAL,
                        "floors": floors,
                        "units": rng.choice([1, 2, 2, 3]) if floors < 11 else rng.choice([1, 2]),
                        "rooms_per_floor": 2 if floors < 11 else rng.choice([2, 3, 4]),
                        "built_year": rng.randint(1992, 2021),
                        "lon": lon,
                        "lat": lat,
                    },
                    micro,
                ),
            )
            prefix = f"{name}{number}幢"
            for unit in range(1, building["units"] + 1):
                for floor in range(1, floors + 1):
                    for position in range(1, building["rooms_per_floor"] + 1):
                        roll = rng.random()
                        if mixed and floor == 1:
                            use = HouseUse.COMMERCIAL
                        elif roll < 0.08:
                            use = HouseUse.VACANT
                        elif roll < 0.24:
                            use = HouseUse.RENTED
                        else:
                            use = HouseUse.SELF_OCCUPIED
                        homes += use != HouseUse.COMMERCIAL
                        room = room_number(floor, position)
                        address = f"{prefix}{unit}单元{room}室" if building["units"] > 1 else f"{prefix}{room}室"
                        houses.append(self._house(building, micro, unit, floor, position, room, address, use))
        return houses

    def _village_houses(self, grid: Region, shapes, households_needed: int) -> list[dict]:
        rng = self.rng
        houses = []
        group = int(grid.code[-2:]) if grid.code[-2:].isdigit() else 1
        for number in range(1, round(households_needed * 1.08) + 1):
            micro, geom = shapes[(number - 1) % len(shapes)]
            lon, lat = _point_in(geom, rng)
            name = f"{group}组{number}号"
            building = self.add(
                Building,
                _place(
                    {
                        "compound_id": None,
                        "name": name,
                        "use": BuildingUse.VILLAGE,
                        "floors": 1,
                        "units": 1,
                        "rooms_per_floor": 1,
                        "built_year": rng.randint(1985, 2020),
                        "lon": lon,
                        "lat": lat,
                    },
                    micro,
                ),
            )
            roll = rng.random()
            use = HouseUse.VACANT if roll < 0.07 else HouseUse.RENTED if roll < 0.13 else HouseUse.SELF_OCCUPIED
            house = self._house(building, micro, 1, 1, 1, "101", f"{name}101室", use)
            house["area"] = Decimal(f"{rng.uniform(120, 260):.2f}")
            houses.append(house)
        return houses

    def _house(self, building: dict, micro, unit, floor, position, room, address, use) -> dict:
        rng = self.rng
        house = _place(
            {
                "building_id": building["id"],
                "unit": unit,
                "floor": floor,
                "position": position,
                "room": room,
                "address": address,
                "use": use,
                "area": Decimal(f"{rng.uniform(48, 140):.2f}"),
            },
            micro,
        )
        house["_region"] = micro
        if use != HouseUse.VACANT and rng.random() < 0.3:
            house["owner_name"] = self.names.surname() + self.names.given(rng.random() < 0.5)
            _pii(house, "owner_phone", "phone", self.numbers.phone())
        if rng.random() < 0.02:
            house["hazards"] = rng.choice(["电动车入户充电", "私拉电线", "堆放杂物堵塞楼道", "燃气软管老化"])
        return self.add(House, house)

    # -- people ---------------------------------------------------------------------------------

    def _household(self, house: dict, size: int, *, rented: bool, village: bool) -> None:
        rng = self.rng
        region = house["_region"]
        household = self.add(Household, _place({"house_id": house["id"]}, region))
        household["number"] = f"{region.code[-6:]}{len(self.rows[Household]):05d}"
        floating = rented and rng.random() < 0.7
        prefix = rng.choice(ORIGIN_PREFIXES) if floating else HOME_PREFIX
        surname = self.names.surname()
        head_male = rng.random() < 0.78 if size > 1 else rng.random() < 0.45
        if size == 1:
            head_ages = rng.choice([(20, 35), (36, 64), (65, 92), (65, 92)])
        elif size == 2:
            head_ages = rng.choice([(24, 40), (55, 85), (55, 85)])
        else:
            head_ages = (28, 58)
        head_birth = _birth(rng, *head_ages)
        plan = [(surname, head_male, head_birth, Relation.HEAD)]
        if size >= 2:
            plan.append(
                (
                    self.names.surname(),
                    not head_male,
                    head_birth + timedelta(days=rng.randint(-1500, 1500)),
                    Relation.SPOUSE,
                )
            )
        head_age = _age(head_birth)
        children = size - len(plan) - (1 if size >= 5 else 0)
        for _child in range(max(0, children)):
            male = rng.random() < 0.52
            youngest = max(0, head_age - 45)
            oldest = max(youngest, min(head_age - 20, 40))
            plan.append((surname, male, _birth(rng, youngest, oldest), Relation.SON if male else Relation.DAUGHTER))
        if size >= 5:
            elder = _birth(rng, min(head_age + 22, 95), min(head_age + 35, 100))
            plan.append((surname, rng.random() < 0.4, elder, Relation.PARENT))
        for index, (family_name, male, birth, relation) in enumerate(plan):
            person = self._person(family_name, male, birth, prefix, floating, house, household, relation)
            if index == 0:
                household["head_id"] = person["id"]
            self._labels(person, birth, male, size, village)

    def _person(self, surname, male, birth, prefix, floating, house, household, relation) -> dict:
        rng = self.rng
        age = _age(birth)
        if age >= 18 and rng.random() < 0.09:
            political = PoliticalStatus.PARTY_MEMBER
        elif 14 <= age <= 28 and rng.random() < 0.3:
            political = PoliticalStatus.LEAGUE_MEMBER
        else:
            political = PoliticalStatus.MASSES
        if age < 20:
            marital = ""
        elif relation in (Relation.HEAD, Relation.SPOUSE) and age > 24:
            marital = MaritalStatus.MARRIED
        else:
            marital = MaritalStatus.UNMARRIED
        person = _place(
            {
                "name": surname + self.names.given(male),
                "gender": "male" if male else "female",
                "birth_date": birth,
                "ethnicity": rng.choice(ETHNICITIES),
                "population_type": PopulationType.FLOATING if floating else PopulationType.REGISTERED,
                "registered_address": "户籍地（外省市）" if floating else "",
                "household_id": household["id"],
                "relation": relation,
                "house_id": house["id"],
                "political_status": political,
                "marital_status": marital,
                "education": rng.choice(EDUCATION) if age >= 16 else "",
            },
            house["_region"],
        )
        _pii(person, "id_number", "id_number", self.numbers.id_number(prefix, birth, male))
        if age >= 16 and rng.random() < 0.85:
            _pii(person, "phone", "phone", self.numbers.phone())
        return self.add(Person, person)

    def _label(self, person: dict, kind: str, details: dict) -> None:
        self.add(
            PersonLabel,
            {"person_id": person["id"], "kind": kind, "details": details, "region_path": person["region_path"]},
        )

    def _labels(self, person: dict, birth: date, male: bool, household_size: int, village: bool) -> None:
        rng = self.rng
        age = _age(birth)
        roll = rng.random
        if household_size == 1 and age >= 65 and roll() < 0.55:
            self._label(
                person,
                LabelKind.ELDERLY_ALONE,
                {"care_frequency": rng.choice(["daily", "weekly"]), "smoke_detector": roll() < 0.6},
            )
        if roll() < 0.022 + (0.04 if age >= 70 else 0):
            category = rng.choice(["physical", "physical", "visual", "hearing", "intellectual", "mental", "speech"])
            self._label(person, LabelKind.DISABILITY, {"category": category, "level": rng.choice([1, 2, 3, 3, 4, 4])})
        if roll() < 0.012:
            scheme = "wubao" if age >= 60 and roll() < 0.15 else "dibao"
            self._label(
                person,
                LabelKind.SUBSISTENCE,
                {"scheme": scheme, "monthly_amount": str(rng.choice([860, 920, 1050, 1200]))},
            )
        if male and age >= 22 and roll() < 0.035:
            self._label(person, LabelKind.VETERAN, {"discharged_year": min(2026, birth.year + rng.randint(20, 26))})
        if village and age <= 15 and roll() < 0.06:
            self._label(
                person,
                LabelKind.LEFT_BEHIND_CHILD,
                {"parents_work_place": rng.choice(["苏州", "上海", "杭州", "深圳"])},
            )
        if 20 <= age <= 59 and roll() < 0.02:
            self._label(person, LabelKind.UNEMPLOYED, {"registered": roll() < 0.7})
        if 18 <= age <= 60:
            if roll() < 0.0006:
                self._label(
                    person,
                    LabelKind.COMMUNITY_CORRECTION,
                    {"correction_type": rng.choice(["probation", "parole", "control"])},
                )
            if roll() < 0.0012:
                self._label(person, LabelKind.RELEASED_PRISONER, {"resettled": roll() < 0.8})
            if roll() < 0.0005:
                self._label(
                    person, LabelKind.KEY_PETITIONER, {"topic": rng.choice(["拆迁补偿", "劳资纠纷", "邻里纠纷"])}
                )
        if age >= 15 and roll() < 0.004:
            self._label(person, LabelKind.SEVERE_MENTAL_DISORDER, {"risk_level": rng.choice([0, 0, 1, 1, 2, 3])})
        if 12 <= age <= 25 and roll() < 0.003:
            self._label(person, LabelKind.KEY_YOUTH, {"category": rng.choice(["dropout", "idle", "runaway"])})

    # -- organisations and facilities -------------------------------------------------------------

    def _property_company(self, community: Region, shapes) -> int:
        if community.pk not in self.property_companies:
            micro, geom = shapes[0]
            lon, lat = _point_in(geom, self.rng)
            company = self._organisation(
                OrganisationKind.PROPERTY,
                f"{community.name[:2]}物业服务有限公司",
                micro,
                lon,
                lat,
                self.rng.randint(12, 60),
            )
            self.property_companies[community.pk] = company["id"]
        return self.property_companies[community.pk]

    def _organisation(self, kind, name, region, lon, lat, employees) -> dict:
        rng = self.rng
        org = _place(
            {
                "kind": kind,
                "name": name,
                "credit_code": self.numbers.credit_code() if kind != OrganisationKind.VOLUNTEER else "",
                "legal_person": self.names.surname() + self.names.given(rng.random() < 0.6),
                "employees": employees,
                "address": region.name,
                "lon": lon,
                "lat": lat,
                "is_key": kind == OrganisationKind.ENTERPRISE and rng.random() < 0.2,
            },
            region,
        )
        _pii(org, "phone", "phone", self.numbers.phone())
        return self.add(Organisation, org)

    def _organisations(self, grid: Region, shapes, village: bool) -> None:
        rng = self.rng
        shops = rng.randint(2, 7)
        enterprises = rng.randint(3, 8) if grid.level == Level.SPECIAL_GRID else rng.randint(0, 3 if village else 2)
        for _n in range(shops):
            micro, geom = rng.choice(shapes)
            lon, lat = _point_in(geom, rng)
            name = self.names.surname() + "记" + rng.choice(SHOP_WORDS)
            self._organisation(OrganisationKind.SHOP, name, micro, lon, lat, rng.randint(1, 8))
        for _n in range(enterprises):
            micro, geom = rng.choice(shapes)
            lon, lat = _point_in(geom, rng)
            name = "云州" + rng.choice(COMPOUND_CHARS) + rng.choice(COMPOUND_CHARS) + rng.choice(ENTERPRISE_WORDS)
            self._organisation(OrganisationKind.ENTERPRISE, name, micro, lon, lat, rng.randint(10, 400))
        if rng.random() < 0.25:
            micro, geom = shapes[0]
            lon, lat = _point_in(geom, rng)
            self._organisation(
                OrganisationKind.VOLUNTEER, f"{grid.name}志愿服务队", micro, lon, lat, rng.randint(8, 40)
            )

    def _facilities(self, grid: Region, shapes) -> None:
        rng = self.rng
        kinds = [k for k, n in FACILITY_MIX for _i in range(n)]
        for _n in range(rng.randint(12, 24)):
            kind = rng.choice(kinds)
            micro, geom = rng.choice(shapes)
            lon, lat = _point_in(geom, rng)
            self.facility_seq += 1
            self.add(
                Facility,
                _place(
                    {
                        "kind": kind,
                        "code": f"{HOME_PREFIX}{FACILITY_CLASS[kind]}{self.facility_seq:06d}",
                        "status": FacilityStatus.DAMAGED if rng.random() < 0.04 else FacilityStatus.NORMAL,
                        "owner": rng.choice(["区城市管理局", "区水务局", "供电所", "公安分局", "区消防救援大队"]),
                        "address": grid.name,
                        "installed_on": BASE_DATE - timedelta(days=rng.randint(200, 5000)),
                        "lon": lon,
                        "lat": lat,
                    },
                    micro,
                ),
            )

    # -- writing ---------------------------------------------------------------------------------

    def write(self) -> None:
        order = (Organisation, Compound, Building, House, Household, Person, PersonLabel, Facility)
        for model in order:
            insert_rows(model, self.rows[model])
        statements = connection.ops.sequence_reset_sql(no_style(), list(order))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _adapter(field):
    """How a Python value of this column is handed to the driver (what the ORM's bulk_create does per value)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if isinstance(field, models.JSONField):
        return lambda v: ops.adapt_json_value(v, field.encoder)
    return None


def insert_rows(model, rows: list[dict], batch: int = 5000) -> None:
    """Insert rows (dicts keyed by attribute name; missing ones take the field's default) with
    ``executemany`` (SQLite) or ``COPY`` (PostgreSQL): the ORM's ``bulk_create`` spends most of its
    time preparing each value and building model instances, ten times what the database needs."""
    if not rows:
        return
    now = timezone.now()
    columns = []
    for field in model._meta.concrete_fields:
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        default = now if stamped else field.get_default()
        adapt = _adapter(field)
        if adapt is not None and default is not None:
            default = adapt(default)
        columns.append((field.attname, connection.ops.quote_name(field.column), default, adapt))
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(c[1] for c in columns)
    one_row = f"({', '.join(['%s'] * len(columns))})"
    values = []
    for row in rows:
        record = []
        for attname, _column, default, adapt in columns:
            if attname in row:
                value = row[attname]
                record.append(adapt(value) if adapt is not None and value is not None else value)
            else:
                record.append(default)
        values.append(tuple(record))
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":  # SQLite: one prepared statement run per row is fastest
            sql = f"INSERT INTO {table} ({names}) VALUES {one_row}"  # noqa: S608 (names from the model)
            for start in range(0, len(values), batch):
                cursor.executemany(sql, values[start : start + batch])
            return
        # PostgreSQL: COPY, an order of magnitude faster than INSERT for this many rows.
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for record in values:
                copy.write_row(record)


@transaction.atomic
def create_demo_people(*, persons: int = DEFAULT_PERSONS, seed: int = 2026) -> DemoSummary:
    """Fill every grid's ledger; ``persons`` spread over the grids by their household counts."""
    started = time.monotonic()
    grids = list(Region.objects.filter(level__in=GRID_LEVELS, is_active=True).order_by("code"))
    micros: dict[int, list[Region]] = {}
    for micro in Region.objects.filter(level=Level.MICRO_GRID, is_active=True).order_by("code"):
        micros.setdefault(micro.parent_id, []).append(micro)
    communities = Region.objects.in_bulk({g.parent_id for g in grids})
    weights = [max(1, g.household_count) for g in grids]
    total_weight = sum(weights)
    town = _Town(seed)
    placed = 0
    cumulative = 0
    for grid, weight in zip(grids, weights, strict=True):
        cumulative += weight
        share = round(persons * cumulative / total_weight) - placed  # what earlier grids could not house moves on
        if share > 0:
            placed += town.grid(grid, micros.get(grid.pk, []), share, communities[grid.parent_id])
    town.write()
    rows = town.rows
    return DemoSummary(
        persons=len(rows[Person]),
        households=len(rows[Household]),
        houses=len(rows[House]),
        buildings=len(rows[Building]),
        compounds=len(rows[Compound]),
        organisations=len(rows[Organisation]),
        facilities=len(rows[Facility]),
        labels=len(rows[PersonLabel]),
        seconds=time.monotonic() - started,
    )


def demo_id_number(seed: int = 7, male: bool = True, birth: date = date(1980, 5, 1)) -> str:
    """A fictional resident ID number with a correct check digit (tests use it)."""
    return _Numbers(random.Random(seed)).id_number(HOME_PREFIX, birth, male)
