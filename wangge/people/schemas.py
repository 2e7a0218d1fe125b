"""Request and response bodies of the ledger API. Personal numbers only ever leave as ``*_masked``.

Responses are read from the model rows (``from_attributes``); what a row does not hold as such (labels
of choices, the address of a person's house, labels the caller may not see) is a ``resolve_*``. Text in
requests goes through the shared guard (``Text``). Lists answer ``Page[…]`` with the
one page convention (``wangge.core.pagination``).
"""

from datetime import date, datetime

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import Text
from wangge.people import permissions, selectors
from wangge.people.records import BUILDING, COMPOUND, FACILITY, HOUSE, HOUSEHOLD, ORGANISATION, PERSON


def _labels_visible(context) -> bool:
    return permissions.can(context["request"].auth, permissions.LABELS)


class RegionRef(Schema):
    code: str
    name: str


# --- persons ---------------------------------------------------------------------------------------


class LabelOut(Schema):
    id: int
    kind: str
    kind_label: str
    details: dict
    since: date | None
    note: str

    @staticmethod
    def resolve_kind_label(label) -> str:
        return str(label.get_kind_display())


class PersonItemOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    age: int
    id_type: str
    id_number_masked: str
    phone_masked: str
    population_type: str
    population_type_label: str
    relation: str
    household_id: int | None
    house_id: int | None
    address: str
    status: str
    region: RegionRef
    labels: list[LabelOut] | None = Field(None, description="Null when your role may not see labels")

    @staticmethod
    def resolve_population_type_label(person) -> str:
        return str(person.get_population_type_display())

    @staticmethod
    def resolve_address(person) -> str:
        return person.house.address if person.house_id else ""

    @staticmethod
    def resolve_labels(person, context) -> list | None:
        return person.shown_labels if _labels_visible(context) else None  # selectors.attach_labels


class PersonOut(PersonItemOut):
    ethnicity: str
    registered_address: str
    political_status: str
    marital_status: str
    education: str
    employer: str
    note: str
    created_at: datetime
    updated_at: datetime


class PersonListQuery(PageQuery):
    region: Text = Field("", max_length=24, description="A region code: persons under it")
    building: int | None = None
    household: int | None = None
    population_type: Text = Field("", max_length=16)
    status: Text = Field("", max_length=16)
    label: Text = Field("", max_length=32, description="Needs people.labels")


class PersonSearchIn(PageQuery):
    """Sent in the body, never in the URL: names and personal numbers stay out of access logs."""

    name: Text = Field("", max_length=60)
    id_number: Text = Field("", max_length=40, description="Exact match through the blind index")
    phone: Text = Field("", max_length=40, description="Exact match through the blind index")
    address: Text = Field("", max_length=100)
    label: Text = Field("", max_length=32)
    region: Text = Field("", max_length=24)
    population_type: Text = Field("", max_length=16)
    status: Text = Field("", max_length=16)


class PersonIn(Schema):
    name: Text = PERSON["name"].schema(...)
    id_type: Text = PERSON["id_type"].schema("resident_id")
    id_number: Text = PERSON["id_number"].schema("")
    gender: Text = PERSON["gender"].schema("", description="Derived from a resident ID number")
    birth_date: date | None = PERSON["birth_date"].schema(None, description="Derived from a resident ID number")
    ethnicity: Text = PERSON["ethnicity"].schema("")
    phone: Text = PERSON["phone"].schema("")
    population_type: Text = PERSON["population_type"].schema("registered")
    registered_address: Text = PERSON["registered_address"].schema("")
    household_id: int | None = None
    relation: Text = PERSON["relation"].schema("")
    house_id: int | None = None
    region: Text = Field("", max_length=24, description="A grid code, for a person without a house")
    political_status: Text = PERSON["political_status"].schema("masses")
    marital_status: Text = PERSON["marital_status"].schema("")
    education: Text = PERSON["education"].schema("")
    employer: Text = PERSON["employer"].schema("")
    status: Text = PERSON["status"].schema("living_here")
    note: Text = PERSON["note"].schema("")


class PersonPatch(Schema):
    name: Text | None = PERSON["name"].schema(None)
    id_type: Text | None = PERSON["id_type"].schema(None)
    id_number: Text | None = PERSON["id_number"].schema(None)
    gender: Text | None = PERSON["gender"].schema(None)
    birth_date: date | None = None
    ethnicity: Text | None = PERSON["ethnicity"].schema(None)
    phone: Text | None = PERSON["phone"].schema(None)
    population_type: Text | None = PERSON["population_type"].schema(None)
    registered_address: Text | None = PERSON["registered_address"].schema(None)
    household_id: int | None = None
    relation: Text | None = PERSON["relation"].schema(None)
    house_id: int | None = None
    political_status: Text | None = PERSON["political_status"].schema(None)
    marital_status: Text | None = PERSON["marital_status"].schema(None)
    education: Text | None = PERSON["education"].schema(None)
    employer: Text | None = PERSON["employer"].schema(None)
    status: Text | None = PERSON["status"].schema(None)
    note: Text | None = PERSON["note"].schema(None)


class RevealIn(Schema):
    field: Text = Field(..., max_length=20, description="id_number or phone (owner_phone for a house)")
    reason: Text = Field(..., max_length=200, description="Why you need the full number; it is audited")


class RevealOut(Schema):
    field: str
    value: str


class LabelIn(Schema):
    kind: Text = Field(..., max_length=32)
    details: dict = {}
    since: date | None = None
    note: Text = Field("", max_length=200)


class LabelPatch(Schema):
    details: dict | None = None
    since: date | None = None
    note: Text | None = Field(None, max_length=200)


class LabelCountOut(Schema):
    kind: str
    label: str
    count: int


# --- households, houses, buildings, compounds -----------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    relation: str
    relation_label: str
    gender: str
    age: int
    id_number_masked: str
    phone_masked: str
    labels: list[LabelOut] | None = None

    @staticmethod
    def resolve_relation_label(person) -> str:
        return str(person.get_relation_display())

    @staticmethod
    def resolve_labels(person, context) -> list | None:
        return person.shown_labels if _labels_visible(context) else None


class HouseholdItemOut(Schema):
    id: int
    number: str
    kind: str
    house_id: int | None
    address: str
    head_id: int | None
    head_name: str
    region: RegionRef

    @staticmethod
    def resolve_address(household) -> str:
        return household.house.address if household.house_id else ""

    @staticmethod
    def resolve_head_name(household) -> str:
        return household.head.name if household.head_id else ""


class HouseholdOut(HouseholdItemOut):
    note: str
    members: list[MemberOut]

    @staticmethod
    def resolve_members(household, context) -> list:
        """The members the caller may see, head first, with the labels they may see."""
        return selectors.household_portrait(context["request"].auth, household).members


class HouseholdListQuery(PageQuery):
    region: Text = Field("", max_length=24)
    house: int | None = None
    building: int | None = None


class HouseholdIn(Schema):
    house_id: int
    number: Text = HOUSEHOLD["number"].schema("")
    kind: Text = HOUSEHOLD["kind"].schema("family")
    note: Text = HOUSEHOLD["note"].schema("")


class HouseholdPatch(Schema):
    house_id: int | None = None
    number: Text | None = HOUSEHOLD["number"].schema(None)
    kind: Text | None = HOUSEHOLD["kind"].schema(None)
    note: Text | None = HOUSEHOLD["note"].schema(None)


class HouseOut(Schema):
    id: int
    building_id: int
    unit: int
    floor: int
    position: int
    room: str
    address: str
    area: float | None
    use: str
    use_label: str
    owner_name: str
    owner_phone_masked: str
    hazards: str
    region: RegionRef

    @staticmethod
    def resolve_use_label(house) -> str:
        return str(house.get_use_display())


class HouseListQuery(PageQuery):
    region: Text = Field("", max_length=24)
    building: int | None = None
    use: Text = Field("", max_length=16)


class HouseIn(Schema):
    building_id: int
    unit: int = HOUSE["unit"].schema(1)
    floor: int = HOUSE["floor"].schema(1)
    position: int = HOUSE["position"].schema(1)
    room: Text = HOUSE["room"].schema("")
    area: float | None = HOUSE["area"].schema(None)
    use: Text = HOUSE["use"].schema("self_occupied")
    owner_name: Text = HOUSE["owner_name"].schema("")
    owner_phone: Text = HOUSE["owner_phone"].schema("")
    hazards: Text = HOUSE["hazards"].schema("")


class HousePatch(Schema):
    unit: int | None = HOUSE["unit"].schema(None)
    floor: int | None = HOUSE["floor"].schema(None)
    position: int | None = HOUSE["position"].schema(None)
    room: Text | None = HOUSE["room"].schema(None)
    area: float | None = HOUSE["area"].schema(None)
    use: Text | None = HOUSE["use"].schema(None)
    owner_name: Text | None = HOUSE["owner_name"].schema(None)
    owner_phone: Text | None = HOUSE["owner_phone"].schema(None)
    hazards: Text | None = HOUSE["hazards"].schema(None)


class BuildingOut(Schema):
    id: int
    name: str
    full_name: str
    compound_id: int | None
    address: str
    use: str
    floors: int
    units: int
    rooms_per_floor: int
    built_year: int | None
    lon: float | None
    lat: float | None
    region: RegionRef


class BuildingListQuery(PageQuery):
    region: Text = Field("", max_length=24)
    compound: int | None = None


class BuildingIn(Schema):
    compound_id: int | None = None
    name: Text = BUILDING["name"].schema(...)
    address: Text = BUILDING["address"].schema("")
    use: Text = BUILDING["use"].schema("residential")
    floors: int = BUILDING["floors"].schema(6)
    units: int = BUILDING["units"].schema(1)
    rooms_per_floor: int = BUILDING["rooms_per_floor"].schema(2)
    built_year: int | None = BUILDING["built_year"].schema(None)
    lon: float | None = BUILDING["lon"].schema(None)
    lat: float | None = BUILDING["lat"].schema(None)
    region: Text = Field("", max_length=24, description="A grid code when no coordinates are given")
    with_houses: bool = True


class BuildingPatch(Schema):
    name: Text | None = BUILDING["name"].schema(None)
    address: Text | None = BUILDING["address"].schema(None)
    use: Text | None = BUILDING["use"].schema(None)
    floors: int | None = BUILDING["floors"].schema(None)
    units: int | None = BUILDING["units"].schema(None)
    rooms_per_floor: int | None = BUILDING["rooms_per_floor"].schema(None)
    built_year: int | None = BUILDING["built_year"].schema(None)
    lon: float | None = BUILDING["lon"].schema(None)
    lat: float | None = BUILDING["lat"].schema(None)


class CellOut(Schema):
    """One ``selectors.Cell`` of the building view."""

    house_id: int | None
    unit: int
    floor: int
    position: int
    room: str
    use: str
    residents: int
    labels: list[str]

    @staticmethod
    def resolve_house_id(cell) -> int | None:
        return cell.house.pk if cell.house else None

    @staticmethod
    def resolve_room(cell) -> str:
        return cell.house.room if cell.house else ""

    @staticmethod
    def resolve_use(cell) -> str:
        return cell.house.use if cell.house else ""

    @staticmethod
    def resolve_labels(cell) -> list[str]:
        return [kind for kind, _mark, _colour in cell.marks]


class BuildingCellsOut(Schema):
    """``selectors.BuildingGrid``: floors from the top down, every cell floor by floor, unit by unit."""

    building: BuildingOut
    floors: list[int]
    units: list[int]
    positions: list[int]
    cells: list[CellOut]
    use_counts: dict[str, int]
    label_counts: dict[str, int] | None
    residents: int

    @staticmethod
    def resolve_floors(grid) -> list[int]:
        return [floor for floor, _cells in grid.rows]

    @staticmethod
    def resolve_cells(grid) -> list:
        return [cell for _floor, cells in grid.rows for cell in cells]

    @staticmethod
    def resolve_label_counts(grid, context) -> dict | None:
        return grid.label_counts if _labels_visible(context) else None


class CompoundOut(Schema):
    id: int
    name: str
    address: str
    property_company_id: int | None
    lon: float | None
    lat: float | None
    region: RegionRef


class CompoundIn(Schema):
    name: Text = COMPOUND["name"].schema(...)
    address: Text = COMPOUND["address"].schema("")
    property_company_id: int | None = None
    lon: float | None = COMPOUND["lon"].schema(None)
    lat: float | None = COMPOUND["lat"].schema(None)
    region: Text = Field("", max_length=24)


class CompoundListQuery(PageQuery):
    region: Text = Field("", max_length=24)


class CompoundPatch(Schema):
    name: Text | None = COMPOUND["name"].schema(None)
    address: Text | None = COMPOUND["address"].schema(None)
    property_company_id: int | None = None


# --- organisations and facilities -----------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    credit_code: str
    legal_person: str
    phone_masked: str
    employees: int | None
    address: str
    building_id: int | None
    business_scope: str
    is_key: bool
    is_active: bool
    lon: float | None
    lat: float | None
    region: RegionRef

    @staticmethod
    def resolve_kind_label(organisation) -> str:
        return str(organisation.get_kind_display())


class OrganisationListQuery(PageQuery):
    region: Text = Field("", max_length=24)
    kind: Text = Field("", max_length=16)
    q: Text = Field("", max_length=60, description="Text in the name or credit code")


class OrganisationIn(Schema):
    kind: Text = ORGANISATION["kind"].schema(...)
    name: Text = ORGANISATION["name"].schema(...)
    credit_code: Text = ORGANISATION["credit_code"].schema("")
    legal_person: Text = ORGANISATION["legal_person"].schema("")
    phone: Text = ORGANISATION["phone"].schema("")
    employees: int | None = ORGANISATION["employees"].schema(None)
    address: Text = ORGANISATION["address"].schema("")
    building_id: int | None = None
    business_scope: Text = ORGANISATION["business_scope"].schema("")
    is_key: bool = False
    is_active: bool = True
    lon: float | None = ORGANISATION["lon"].schema(None)
    lat: float | None = ORGANISATION["lat"].schema(None)


class OrganisationPatch(Schema):
    kind: Text | None = ORGANISATION["kind"].schema(None)
    name: Text | None = ORGANISATION["name"].schema(None)
    credit_code: Text | None = ORGANISATION["credit_code"].schema(None)
    legal_person: Text | None = ORGANISATION["legal_person"].schema(None)
    phone: Text | None = ORGANISATION["phone"].schema(None)
    employees: int | None = ORGANISATION["employees"].schema(None)
    address: Text | None = ORGANISATION["address"].schema(None)
    business_scope: Text | None = ORGANISATION["business_scope"].schema(None)
    is_key: bool | None = None
    is_active: bool | None = None
    lon: float | None = ORGANISATION["lon"].schema(None)
    lat: float | None = ORGANISATION["lat"].schema(None)


class FacilityOut(Schema):
    id: int
    kind: str
    kind_label: str
    code: str
    name: str
    status: str
    status_label: str
    owner: str
    address: str
    installed_on: date | None
    lon: float | None
    lat: float | None
    region: RegionRef

    @staticmethod
    def resolve_kind_label(facility) -> str:
        return str(facility.get_kind_display())

    @staticmethod
    def resolve_status_label(facility) -> str:
        return str(facility.get_status_display())


class FacilityListQuery(PageQuery):
    region: Text = Field("", max_length=24)
    kind: Text = Field("", max_length=16)
    status: Text = Field("", max_length=12)
    code: Text = Field("", max_length=40)


class FacilityIn(Schema):
    kind: Text = FACILITY["kind"].schema(...)
    code: Text = FACILITY["code"].schema(...)
    name: Text = FACILITY["name"].schema("")
    status: Text = FACILITY["status"].schema("normal")
    owner: Text = FACILITY["owner"].schema("")
    address: Text = FACILITY["address"].schema("")
    installed_on: date | None = None
    lon: float = FACILITY["lon"].schema(...)
    lat: float = FACILITY["lat"].schema(...)


class FacilityPatch(Schema):
    kind: Text | None = FACILITY["kind"].schema(None)
    name: Text | None = FACILITY["name"].schema(None)
    status: Text | None = FACILITY["status"].schema(None)
    owner: Text | None = FACILITY["owner"].schema(None)
    address: Text | None = FACILITY["address"].schema(None)
    installed_on: date | None = None
    lon: float | None = FACILITY["lon"].schema(None)
    lat: float | None = FACILITY["lat"].schema(None)


# --- import ----------------------------------------------------------------------------------------


class ProblemOut(Schema):
    row: int
    column: str
    title: str
    message: str


class ImportReportOut(Schema):
    kind: str
    total: int
    dry_run: bool
    ok: bool
    created: int
    updated: int
    problems: list[ProblemOut]


class ExportFiltersIn(Schema):
    region: Text = Field("", max_length=24)
    kind: Text = Field("", max_length=16)
    status: Text = Field("", max_length=12)
    use: Text = Field("", max_length=16)
    building: int | None = None
