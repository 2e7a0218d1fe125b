"""Request and response bodies of the ledger API. Personal numbers only ever leave as ``*_masked``."""

from datetime import date, datetime

from ninja import Field, Schema


class RegionRef(Schema):
    code: str
    name: str


class Page(Schema):
    count: int
    page: int
    page_size: int


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


# --- persons ---------------------------------------------------------------------------------------


class LabelOut(Schema):
    id: int
    kind: str
    kind_label: str
    details: dict
    since: date | None
    note: str


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


class PersonPageOut(Page):
    items: list[PersonItemOut]


class PersonListQuery(PageQuery):
    region: str = Field("", max_length=24, description="A region code: persons under it")
    building: int | None = None
    household: int | None = None
    population_type: str = Field("", max_length=16)
    status: str = Field("", max_length=16)
    label: str = Field("", max_length=32, description="Needs people.labels")


class PersonSearchIn(Schema):
    """Sent in the body, never in the URL: names and personal numbers stay out of access logs."""

    name: str = Field("", max_length=60)
    id_number: str = Field("", max_length=40, description="Exact match through the blind index")
    phone: str = Field("", max_length=40, description="Exact match through the blind index")
    address: str = Field("", max_length=100)
    label: str = Field("", max_length=32)
    region: str = Field("", max_length=24)
    population_type: str = Field("", max_length=16)
    status: str = Field("", max_length=16)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class PersonIn(Schema):
    name: str = Field(..., max_length=60)
    id_type: str = Field("resident_id", max_length=20)
    id_number: str = Field("", max_length=40)
    gender: str = Field("", max_length=8, description="Derived from a resident ID number")
    birth_date: date | None = Field(None, description="Derived from a resident ID number")
    ethnicity: str = Field("", max_length=20)
    phone: str = Field("", max_length=40)
    population_type: str = Field("registered", max_length=16)
    registered_address: str = Field("", max_length=200)
    household_id: int | None = None
    relation: str = Field("", max_length=16)
    house_id: int | None = None
    region: str = Field("", max_length=24, description="A grid code, for a person without a house")
    political_status: str = Field("masses", max_length=20)
    marital_status: str = Field("", max_length=12)
    education: str = Field("", max_length=16)
    employer: str = Field("", max_length=100)
    status: str = Field("living_here", max_length=16)
    note: str = Field("", max_length=200)


class PersonPatch(Schema):
    name: str | None = Field(None, max_length=60)
    id_type: str | None = Field(None, max_length=20)
    id_number: str | None = Field(None, max_length=40)
    gender: str | None = Field(None, max_length=8)
    birth_date: date | None = None
    ethnicity: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=40)
    population_type: str | None = Field(None, max_length=16)
    registered_address: str | None = Field(None, max_length=200)
    household_id: int | None = None
    relation: str | None = Field(None, max_length=16)
    house_id: int | None = None
    political_status: str | None = Field(None, max_length=20)
    marital_status: str | None = Field(None, max_length=12)
    education: str | None = Field(None, max_length=16)
    employer: str | None = Field(None, max_length=100)
    status: str | None = Field(None, max_length=16)
    note: str | None = Field(None, max_length=200)


class RevealIn(Schema):
    field: str = Field(..., max_length=20, description="id_number or phone (owner_phone for a house)")
    reason: str = Field(..., max_length=200, description="Why you need the full number; it is audited")


class RevealOut(Schema):
    field: str
    value: str


class LabelIn(Schema):
    kind: str = Field(..., max_length=32)
    details: dict = {}
    since: date | None = None
    note: str = Field("", max_length=200)


class LabelPatch(Schema):
    details: dict | None = None
    since: date | None = None
    note: str | None = Field(None, max_length=200)


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


class HouseholdItemOut(Schema):
    id: int
    number: str
    kind: str
    house_id: int | None
    address: str
    head_id: int | None
    head_name: str
    region: RegionRef


class HouseholdOut(HouseholdItemOut):
    note: str
    members: list[MemberOut]


class HouseholdPageOut(Page):
    items: list[HouseholdItemOut]


class HouseholdListQuery(PageQuery):
    region: str = Field("", max_length=24)
    house: int | None = None
    building: int | None = None


class HouseholdIn(Schema):
    house_id: int
    number: str = Field("", max_length=30)
    kind: str = Field("family", max_length=16)
    note: str = Field("", max_length=200)


class HouseholdPatch(Schema):
    house_id: int | None = None
    number: str | None = Field(None, max_length=30)
    kind: str | None = Field(None, max_length=16)
    note: str | None = Field(None, max_length=200)


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


class HousePageOut(Page):
    items: list[HouseOut]


class HouseListQuery(PageQuery):
    region: str = Field("", max_length=24)
    building: int | None = None
    use: str = Field("", max_length=16)


class HouseIn(Schema):
    building_id: int
    unit: int = Field(1, ge=1, le=30)
    floor: int = Field(1, ge=-5, le=120)
    position: int = Field(1, ge=1, le=40)
    room: str = Field("", max_length=12)
    area: float | None = Field(None, ge=0, le=999999)
    use: str = Field("self_occupied", max_length=16)
    owner_name: str = Field("", max_length=60)
    owner_phone: str = Field("", max_length=40)
    hazards: str = Field("", max_length=200)


class HousePatch(Schema):
    unit: int | None = Field(None, ge=1, le=30)
    floor: int | None = Field(None, ge=-5, le=120)
    position: int | None = Field(None, ge=1, le=40)
    room: str | None = Field(None, max_length=12)
    area: float | None = Field(None, ge=0, le=999999)
    use: str | None = Field(None, max_length=16)
    owner_name: str | None = Field(None, max_length=60)
    owner_phone: str | None = Field(None, max_length=40)
    hazards: str | None = Field(None, max_length=200)


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


class BuildingPageOut(Page):
    items: list[BuildingOut]


class BuildingListQuery(PageQuery):
    region: str = Field("", max_length=24)
    compound: int | None = None


class BuildingIn(Schema):
    compound_id: int | None = None
    name: str = Field(..., max_length=60)
    address: str = Field("", max_length=200)
    use: str = Field("residential", max_length=16)
    floors: int = Field(6, ge=1, le=120)
    units: int = Field(1, ge=1, le=30)
    rooms_per_floor: int = Field(2, ge=1, le=40)
    built_year: int | None = Field(None, ge=1800, le=2100)
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    region: str = Field("", max_length=24, description="A grid code when no coordinates are given")
    with_houses: bool = True


class BuildingPatch(Schema):
    name: str | None = Field(None, max_length=60)
    address: str | None = Field(None, max_length=200)
    use: str | None = Field(None, max_length=16)
    floors: int | None = Field(None, ge=1, le=120)
    units: int | None = Field(None, ge=1, le=30)
    rooms_per_floor: int | None = Field(None, ge=1, le=40)
    built_year: int | None = Field(None, ge=1800, le=2100)
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)


class CellOut(Schema):
    house_id: int | None
    unit: int
    floor: int
    position: int
    room: str
    use: str
    residents: int
    labels: list[str]


class BuildingCellsOut(Schema):
    building: BuildingOut
    floors: list[int]
    units: list[int]
    positions: list[int]
    cells: list[CellOut]
    use_counts: dict[str, int]
    label_counts: dict[str, int] | None
    residents: int


class CompoundOut(Schema):
    id: int
    name: str
    address: str
    property_company_id: int | None
    lon: float | None
    lat: float | None
    region: RegionRef


class CompoundPageOut(Page):
    items: list[CompoundOut]


class CompoundIn(Schema):
    name: str = Field(..., max_length=100)
    address: str = Field("", max_length=200)
    property_company_id: int | None = None
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    region: str = Field("", max_length=24)


class CompoundPatch(Schema):
    name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
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


class OrganisationPageOut(Page):
    items: list[OrganisationOut]


class OrganisationListQuery(PageQuery):
    region: str = Field("", max_length=24)
    kind: str = Field("", max_length=16)
    q: str = Field("", max_length=60, description="Text in the name or credit code")


class OrganisationIn(Schema):
    kind: str = Field(..., max_length=16)
    name: str = Field(..., max_length=120)
    credit_code: str = Field("", max_length=30)
    legal_person: str = Field("", max_length=60)
    phone: str = Field("", max_length=40)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    address: str = Field("", max_length=200)
    building_id: int | None = None
    business_scope: str = Field("", max_length=200)
    is_key: bool = False
    is_active: bool = True
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)


class OrganisationPatch(Schema):
    kind: str | None = Field(None, max_length=16)
    name: str | None = Field(None, max_length=120)
    credit_code: str | None = Field(None, max_length=30)
    legal_person: str | None = Field(None, max_length=60)
    phone: str | None = Field(None, max_length=40)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    address: str | None = Field(None, max_length=200)
    business_scope: str | None = Field(None, max_length=200)
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


class FacilityPageOut(Page):
    items: list[FacilityOut]


class FacilityListQuery(PageQuery):
    region: str = Field("", max_length=24)
    kind: str = Field("", max_length=16)
    status: str = Field("", max_length=12)
    code: str = Field("", max_length=40)


class FacilityIn(Schema):
    kind: str = Field(..., max_length=16)
    code: str = Field(..., max_length=40)
    name: str = Field("", max_length=100)
    status: str = Field("normal", max_length=12)
    owner: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    installed_on: date | None = None
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)


class FacilityPatch(Schema):
    kind: str | None = Field(None, max_length=16)
    name: str | None = Field(None, max_length=100)
    status: str | None = Field(None, max_length=12)
    owner: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
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
    region: str = Field("", max_length=24)
    kind: str = Field("", max_length=16)
    status: str = Field("", max_length=12)
    use: str = Field("", max_length=16)
    building: int | None = None
