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
    name: Text = Field(..., max_length=60)
    id_type: Text = Field("resident_id", max_length=20)
    id_number: Text = Field("", max_length=40)
    gender: Text = Field("", max_length=8, description="Derived from a resident ID number")
    birth_date: date | None = Field(None, description="Derived from a resident ID number")
    ethnicity: Text = Field("", max_length=20)
    phone: Text = Field("", max_length=40)
    population_type: Text = Field("registered", max_length=16)
    registered_address: Text = Field("", max_length=200)
    household_id: int | None = None
    relation: Text = Field("", max_length=16)
    house_id: int | None = None
    region: Text = Field("", max_length=24, description="A grid code, for a person without a house")
    political_status: Text = Field("masses", max_length=20)
    marital_status: Text = Field("", max_length=12)
    education: Text = Field("", max_length=16)
    employer: Text = Field("", max_length=100)
    status: Text = Field("living_here", max_length=16)
    note: Text = Field("", max_length=200)


class PersonPatch(Schema):
    name: Text | None = Field(None, max_length=60)
    id_type: Text | None = Field(None, max_length=20)
    id_number: Text | None = Field(None, max_length=40)
    gender: Text | None = Field(None, max_length=8)
    birth_date: date | None = None
    ethnicity: Text | None = Field(None, max_length=20)
    phone: Text | None = Field(None, max_length=40)
    population_type: Text | None = Field(None, max_length=16)
    registered_address: Text | None = Field(None, max_length=200)
    household_id: int | None = None
    relation: Text | None = Field(None, max_length=16)
    house_id: int | None = None
    political_status: Text | None = Field(None, max_length=20)
    marital_status: Text | None = Field(None, max_length=12)
    education: Text | None = Field(None, max_length=16)
    employer: Text | None = Field(None, max_length=100)
    status: Text | None = Field(None, max_length=16)
    note: Text | None = Field(None, max_length=200)


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
    number: Text = Field("", max_length=30)
    kind: Text = Field("family", max_length=16)
    note: Text = Field("", max_length=200)


class HouseholdPatch(Schema):
    house_id: int | None = None
    number: Text | None = Field(None, max_length=30)
    kind: Text | None = Field(None, max_length=16)
    note: Text | None = Field(None, max_length=200)


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
    unit: int = Field(1, ge=1, le=30)
    floor: int = Field(1, ge=-5, le=120)
    position: int = Field(1, ge=1, le=40)
    room: Text = Field("", max_length=12)
    area: float | None = Field(None, ge=0, le=999999)
    use: Text = Field("self_occupied", max_length=16)
    owner_name: Text = Field("", max_length=60)
    owner_phone: Text = Field("", max_length=40)
    hazards: Text = Field("", max_length=200)


class HousePatch(Schema):
    unit: int | None = Field(None, ge=1, le=30)
    floor: int | None = Field(None, ge=-5, le=120)
    position: int | None = Field(None, ge=1, le=40)
    room: Text | None = Field(None, max_length=12)
    area: float | None = Field(None, ge=0, le=999999)
    use: Text | None = Field(None, max_length=16)
    owner_name: Text | None = Field(None, max_length=60)
    owner_phone: Text | None = Field(None, max_length=40)
    hazards: Text | None = Field(None, max_length=200)


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
    name: Text = Field(..., max_length=60)
    address: Text = Field("", max_length=200)
    use: Text = Field("residential", max_length=16)
    floors: int = Field(6, ge=1, le=120)
    units: int = Field(1, ge=1, le=30)
    rooms_per_floor: int = Field(2, ge=1, le=40)
    built_year: int | None = Field(None, ge=1800, le=2100)
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    region: Text = Field("", max_length=24, description="A grid code when no coordinates are given")
    with_houses: bool = True


class BuildingPatch(Schema):
    name: Text | None = Field(None, max_length=60)
    address: Text | None = Field(None, max_length=200)
    use: Text | None = Field(None, max_length=16)
    floors: int | None = Field(None, ge=1, le=120)
    units: int | None = Field(None, ge=1, le=30)
    rooms_per_floor: int | None = Field(None, ge=1, le=40)
    built_year: int | None = Field(None, ge=1800, le=2100)
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)


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
    name: Text = Field(..., max_length=100)
    address: Text = Field("", max_length=200)
    property_company_id: int | None = None
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    region: Text = Field("", max_length=24)


class CompoundListQuery(PageQuery):
    region: Text = Field("", max_length=24)


class CompoundPatch(Schema):
    name: Text | None = Field(None, max_length=100)
    address: Text | None = Field(None, max_length=200)
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
    kind: Text = Field(..., max_length=16)
    name: Text = Field(..., max_length=120)
    credit_code: Text = Field("", max_length=30)
    legal_person: Text = Field("", max_length=60)
    phone: Text = Field("", max_length=40)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    address: Text = Field("", max_length=200)
    building_id: int | None = None
    business_scope: Text = Field("", max_length=200)
    is_key: bool = False
    is_active: bool = True
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)


class OrganisationPatch(Schema):
    kind: Text | None = Field(None, max_length=16)
    name: Text | None = Field(None, max_length=120)
    credit_code: Text | None = Field(None, max_length=30)
    legal_person: Text | None = Field(None, max_length=60)
    phone: Text | None = Field(None, max_length=40)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    address: Text | None = Field(None, max_length=200)
    business_scope: Text | None = Field(None, max_length=200)
    is_key: bool | None = None
    is_active: bool | None = None
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)


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
    kind: Text = Field(..., max_length=16)
    code: Text = Field(..., max_length=40)
    name: Text = Field("", max_length=100)
    status: Text = Field("normal", max_length=12)
    owner: Text = Field("", max_length=100)
    address: Text = Field("", max_length=200)
    installed_on: date | None = None
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)


class FacilityPatch(Schema):
    kind: Text | None = Field(None, max_length=16)
    name: Text | None = Field(None, max_length=100)
    status: Text | None = Field(None, max_length=12)
    owner: Text | None = Field(None, max_length=100)
    address: Text | None = Field(None, max_length=200)
    installed_on: date | None = None
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)


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
