"""Reads of the ledger, always restricted to the user's data reach (``scope.restrict`` on
``region_path``). A row outside the reach answers 404 exactly like an absent one (``get_*_for``).

Without ``people.view`` every queryset is empty; labels also need ``people.labels``. Exact look-up
by ID number or phone compares blind indexes: nothing is decrypted to search.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.scope import paths_filter, restrict, scope_for
from wangge.core import pii
from wangge.core.geo import box_around, metres_between
from wangge.people import permissions
from wangge.people.labels import LABEL_MARKS, LabelKind
from wangge.people.models import (
    Building,
    Compound,
    Facility,
    House,
    Household,
    HouseUse,
    Organisation,
    Person,
    PersonLabel,
)
from wangge.people.validators import normalise_id, validate_phone
from wangge.regions.figures import Figure
from wangge.regions.models import GRID_LEVELS, Level, Region


def _scoped(queryset: QuerySet, user, capability: str = permissions.VIEW) -> QuerySet:
    if not permissions.can(user, capability):
        return queryset.none()
    return restrict(queryset, user, field="region_path")


@dataclass
class NearBuilding:
    name: str
    address: str
    distance_m: float


def nearest_building(lon: float, lat: float, within_m: float = 150) -> NearBuilding | None:
    """The ledger building nearest to the point within ``within_m`` (those with coordinates), as its
    name and address only. Not scoped to a user: a report's address is prefilled with it for anyone who
    may report (residents, callers without an account), and a building's address is what its gate shows,
    not ledger data about anyone; nothing else of the record leaves here."""
    lon_range, lat_range = box_around(lon, lat, within_m)
    rows = Building.objects.filter(lon__range=lon_range, lat__range=lat_range).values_list(
        "name", "address", "compound__name", "compound__address", "lon", "lat"
    )[:500]
    best = None
    for name, address, compound, compound_address, b_lon, b_lat in rows:
        distance = metres_between(lon, lat, b_lon, b_lat)
        if distance <= within_m and (best is None or distance < best.distance_m):
            label = f"{compound} {name}" if compound else name
            best = NearBuilding(label, address or " ".join(p for p in (compound_address, label) if p), distance)
    return best


def persons_for(user) -> QuerySet[Person]:
    return _scoped(Person.objects.all(), user)


def households_for(user) -> QuerySet[Household]:
    return _scoped(Household.objects.all(), user)


def houses_for(user) -> QuerySet[House]:
    return _scoped(House.objects.all(), user)


def buildings_for(user) -> QuerySet[Building]:
    return _scoped(Building.objects.all(), user)


def compounds_for(user) -> QuerySet[Compound]:
    return _scoped(Compound.objects.all(), user)


def organisations_for(user) -> QuerySet[Organisation]:
    return _scoped(Organisation.objects.all(), user)


def facilities_for(user) -> QuerySet[Facility]:
    return _scoped(Facility.objects.all(), user)


def labels_for(user) -> QuerySet[PersonLabel]:
    if not permissions.can(user, permissions.VIEW):
        return PersonLabel.objects.none()
    return _scoped(PersonLabel.objects.all(), user, permissions.LABELS)


def grids_for(user) -> list[Region]:
    """Grids and micro-grids in the user's data reach (for the pickers of the forms)."""
    scope = scope_for(user)
    if not permissions.can(user, permissions.VIEW) or scope.is_empty:
        return []
    queryset = Region.objects.filter(level__in=(*GRID_LEVELS, Level.MICRO_GRID), is_active=True)
    if not scope.is_global:
        queryset = queryset.filter(paths_filter(scope.paths, "path"))
    return list(queryset.order_by("code")[:2000])


def _get(queryset: QuerySet, pk, what: str):
    try:
        obj = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise Http404(what)
    return obj


def get_person_for(user, pk) -> Person:
    return _get(persons_for(user).select_related("household", "house__building__compound", "region"), pk, "person")


def get_household_for(user, pk) -> Household:
    return _get(households_for(user).select_related("house__building__compound", "head", "region"), pk, "household")


def get_house_for(user, pk) -> House:
    return _get(houses_for(user).select_related("building__compound", "region"), pk, "house")


def get_building_for(user, pk) -> Building:
    return _get(buildings_for(user).select_related("compound", "region"), pk, "building")


def get_compound_for(user, pk) -> Compound:
    return _get(compounds_for(user).select_related("property_company", "region"), pk, "compound")


def get_organisation_for(user, pk) -> Organisation:
    return _get(organisations_for(user).select_related("building", "region"), pk, "organisation")


def get_facility_for(user, pk) -> Facility:
    return _get(facilities_for(user).select_related("region"), pk, "facility")


def get_label_for(user, pk) -> PersonLabel:
    return _get(labels_for(user).select_related("person"), pk, "label")


def region_in_reach(user, code: str) -> Region | None:
    """The region with this code if it lies in the user's data reach (or contains part of it)."""
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None:
        return None
    scope = scope_for(user)
    if scope.covers_path(region.path) or any(p.startswith(region.path) for p in scope.paths):
        return region
    return None


def under_region(queryset: QuerySet, user, code: str) -> QuerySet:
    if not code:
        return queryset
    region = region_in_reach(user, code)
    if region is None:
        return queryset.none()
    return queryset.filter(region_path__startswith=region.path)


# --- persons: filters and exact look-up -----------------------------------------------------------


@dataclass
class PersonFilters:
    name: str = ""
    id_number: str = ""  # exact, through the blind index
    phone: str = ""  # exact, through the blind index
    address: str = ""
    label: str = ""
    region: str = ""
    population_type: str = ""
    status: str = ""
    building: int | None = None
    household: int | None = None

    def audit_summary(self) -> dict:
        """The filters as they may be written down: personal numbers masked."""
        shown = {k: v for k, v in vars(self).items() if v not in ("", None)}
        if self.id_number:
            shown["id_number"] = pii.mask_id_number(normalise_id(self.id_number))
        if self.phone:
            shown["phone"] = pii.mask_phone(self.phone.strip())
        return shown


def search_persons(user, filters: PersonFilters) -> QuerySet[Person]:
    queryset = persons_for(user)
    if filters.name:
        queryset = queryset.filter(name__icontains=filters.name.strip())
    if filters.id_number:
        indexes = pii.blind_indexes(normalise_id(filters.id_number), kind="id_number")
        queryset = queryset.filter(id_number_index__in=indexes)
    if filters.phone:
        try:
            phone = validate_phone(filters.phone)
        except ValidationError:
            phone = filters.phone.strip()
        queryset = queryset.filter(phone_index__in=pii.blind_indexes(phone, kind="phone"))
    if filters.address:
        words = filters.address.strip()
        queryset = queryset.filter(Q(house__address__icontains=words) | Q(registered_address__icontains=words))
    if filters.label:
        if not permissions.can(user, permissions.LABELS):
            raise PermissionDenied(str(permissions.REFUSALS[permissions.LABELS]))
        if filters.label not in LabelKind.values:
            raise ValidationError({"label": _("Unknown label %(kind)s.") % {"kind": filters.label}})
        queryset = queryset.filter(Exists(PersonLabel.objects.filter(person_id=OuterRef("pk"), kind=filters.label)))
    if filters.population_type:
        queryset = queryset.filter(population_type=filters.population_type)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.building:
        queryset = queryset.filter(house__building_id=filters.building)
    if filters.household:
        queryset = queryset.filter(household_id=filters.household)
    queryset = under_region(queryset, user, filters.region)
    return queryset.select_related("house__building__compound", "household", "region").order_by("name", "id")


def attach_labels(user, persons: list[Person]) -> list[Person]:
    """Give each person ``shown_labels`` (empty without ``people.labels``), in one query."""
    by_person: dict[int, list[PersonLabel]] = {}
    if permissions.can(user, permissions.LABELS) and persons:
        for label in labels_for(user).filter(person__in=persons).order_by("kind"):
            by_person.setdefault(label.person_id, []).append(label)
    for person in persons:
        person.shown_labels = _marked(by_person.get(person.pk, []))
    return persons


def _marked(labels: list[PersonLabel]) -> list[PersonLabel]:
    """Give each label its short ``mark`` and ``colour`` for badges."""
    for label in labels:
        label.mark, label.colour = LABEL_MARKS[label.kind]
    return labels


def label_counts(user, region_code: str = "") -> list[tuple[str, str, int]]:
    """(kind, label, count) for every kind under the region (or the whole reach)."""
    permissions.require(user, permissions.VIEW, permissions.LABELS)
    queryset = under_region(labels_for(user), user, region_code)
    counts = dict(queryset.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return [(kind.value, str(kind.label), counts.get(kind.value, 0)) for kind in LabelKind]


def ledger_counts(user, region_code: str = "") -> dict[str, int]:
    return {
        name: under_region(queryset, user, region_code).count()
        for name, queryset in (
            ("persons", persons_for(user)),
            ("households", households_for(user)),
            ("houses", houses_for(user)),
            ("buildings", buildings_for(user)),
            ("organisations", organisations_for(user)),
            ("facilities", facilities_for(user)),
        )
    }


def ledger_figures(user, region: Region) -> list[Figure]:
    """The ledger's households and persons under a region, for its card (a provider of
    ``regions.figures``, called with a region the user may see); nothing for a user who may not read
    the ledger. The querysets are scoped already, so the region is not looked up again."""
    if not permissions.can(user, permissions.VIEW):
        return []
    note = _("Records in the basic data, counted now")
    return [
        Figure(
            "ledger-households",
            _("Households in the ledger"),
            households_for(user).filter(region_path__startswith=region.path).count(),
            note,
        ),
        Figure(
            "ledger-persons",
            _("Persons in the ledger"),
            persons_for(user).filter(region_path__startswith=region.path).count(),
            note,
        ),
    ]


def organisations_filtered(user, *, region: str = "", kind: str = "", q: str = "") -> QuerySet[Organisation]:
    queryset = under_region(organisations_for(user), user, region)
    if kind:
        queryset = queryset.filter(kind=kind)
    if q:
        queryset = queryset.filter(Q(name__icontains=q.strip()) | Q(credit_code=q.strip().upper()))
    return queryset.select_related("region").order_by("name", "id")


def facilities_filtered(
    user, *, region: str = "", kind: str = "", status: str = "", code: str = ""
) -> QuerySet[Facility]:
    queryset = under_region(facilities_for(user), user, region)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if code:
        queryset = queryset.filter(code__icontains=code.strip())
    return queryset.select_related("region").order_by("code")


# --- the building view (作战图) ------------------------------------------------------------------


@dataclass
class Cell:
    house: House | None
    unit: int
    floor: int
    position: int
    residents: int = 0
    marks: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, mark, colour)
    dimmed: bool = False


@dataclass
class BuildingGrid:
    building: Building
    units: list[int]
    positions: list[int]
    rows: list[tuple[int, list[Cell]]]  # (floor, cells unit by unit) from the top floor down
    use_counts: dict[str, int]
    label_counts: dict[str, int]
    residents: int

    @property
    def per_unit(self) -> int:
        return len(self.positions)


def building_grid(user, building: Building, *, use: str = "", label: str = "") -> BuildingGrid:
    """Floors × units × rooms as cells, each with its house's use, residents and label marks.

    ``use`` and ``label`` dim the cells that do not match. Five queries whatever the size.
    """
    houses = list(House.objects.filter(building=building).order_by("unit", "floor", "position"))
    resident_counts = dict(
        Person.objects.filter(house__building=building, status="living_here")
        .values("house_id")
        .annotate(n=Count("id"))
        .values_list("house_id", "n")
    )
    marks_by_house: dict[int, list[str]] = {}
    if permissions.can(user, permissions.LABELS):
        for house_id, kind in (
            labels_for(user)
            .filter(person__house__building=building, person__status="living_here")
            .values_list("person__house_id", "kind")
            .distinct()
        ):
            marks_by_house.setdefault(house_id, []).append(kind)
    by_cell = {(h.unit, h.floor, h.position): h for h in houses}
    floors = sorted({h.floor for h in houses} | set(range(1, building.floors + 1)), reverse=True)
    units = list(range(1, max([building.units, *[h.unit for h in houses]]) + 1))
    positions = list(range(1, max([building.rooms_per_floor, *[h.position for h in houses]]) + 1))
    rows = []
    use_counts = {u: 0 for u in HouseUse.values}
    label_totals = {k: 0 for k in LabelKind.values}
    for floor in floors:
        cells = []
        for unit in units:
            for position in positions:
                house = by_cell.get((unit, floor, position))
                cell = Cell(house, unit, floor, position)
                if house is not None:
                    use_counts[house.use] += 1
                    cell.residents = resident_counts.get(house.pk, 0)
                    kinds = sorted(marks_by_house.get(house.pk, []), key=LabelKind.values.index)
                    for kind in kinds:
                        label_totals[kind] += 1
                    cell.marks = [(k, str(LABEL_MARKS[k][0]), LABEL_MARKS[k][1]) for k in kinds]
                    cell.dimmed = bool((use and house.use != use) or (label and label not in kinds))
                else:
                    cell.dimmed = bool(use or label)
                cells.append(cell)
        rows.append((floor, cells))
    return BuildingGrid(
        building=building,
        units=units,
        positions=positions,
        rows=rows,
        use_counts=use_counts,
        label_counts=label_totals,
        residents=sum(resident_counts.values()),
    )


def buildings_overview(user, region_code: str = "", compound: int | None = None) -> list[Building]:
    """Buildings with house, occupancy and resident totals (three queries), for the grid at a glance."""
    queryset = under_region(buildings_for(user), user, region_code).select_related("compound", "region")
    if compound:
        queryset = queryset.filter(compound_id=compound)
    buildings = list(
        queryset.annotate(
            house_total=Count("houses", distinct=True),
            vacant_total=Count("houses", filter=Q(houses__use=HouseUse.VACANT), distinct=True),
            rented_total=Count("houses", filter=Q(houses__use=HouseUse.RENTED), distinct=True),
        ).order_by("compound__name", "name", "id")
    )
    residents = dict(
        Person.objects.filter(house__building__in=buildings, status="living_here")
        .values("house__building_id")
        .annotate(n=Count("id"))
        .values_list("house__building_id", "n")
    )
    for building in buildings:
        building.resident_total = residents.get(building.pk, 0)
    return buildings


# --- the household portrait -----------------------------------------------------------------------


@dataclass
class Portrait:
    household: Household
    members: list[Person]
    labels_visible: bool
    other_households: list[Household]


def household_portrait(user, household: Household) -> Portrait:
    members = list(
        persons_for(user)
        .filter(household=household)
        .prefetch_related(Prefetch("labels", queryset=labels_for(user).order_by("kind")))
        .order_by("relation", "birth_date")
    )
    relation_order = ["head", "spouse", "son", "daughter", "child_in_law", "grandchild", "parent", "parent_in_law"]
    members.sort(key=lambda p: (relation_order.index(p.relation) if p.relation in relation_order else 99, p.birth_date))
    others = []
    if household.house_id:
        others = list(households_for(user).filter(house_id=household.house_id).exclude(pk=household.pk))
    for person in members:
        person.shown_labels = _marked(list(person.labels.all())) if permissions.can(user, permissions.LABELS) else []
    return Portrait(household, members, permissions.can(user, permissions.LABELS), others)
