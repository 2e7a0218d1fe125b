"""Every write to the ledger: one function per use case, atomic, with a keyword-only ``actor``,
``full_clean`` and an audit record. Reveals and exports are audited here too.

Personal numbers arrive in plain, are checked (``validators``) and leave this module only as the
three stored columns (encrypted, blind index, masked); audit records carry the masked form.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from wangge.accounts import audit
from wangge.accounts.scope import scope_for
from wangge.core import pii
from wangge.core.text import check_text
from wangge.core.validators import validate_lon_lat
from wangge.people import importing, permissions, rules
from wangge.people import labels as label_specs
from wangge.people.id_numbers import check_id_number
from wangge.people.models import (
    Building,
    Compound,
    Facility,
    House,
    Household,
    HouseUse,
    IdType,
    Organisation,
    OrganisationKind,
    Person,
    PersonLabel,
    Relation,
    house_address,
    room_number,
)
from wangge.people.records import BUILDING, COMPOUND, FACILITY, HOUSE, HOUSEHOLD, ORGANISATION, PERSON, SINCE
from wangge.people.validators import (
    validate_credit_code,
    validate_phone,
)
from wangge.regions.locator import get_locator
from wangge.regions.models import GRID_LEVELS, Level, Region

PLACEABLE_LEVELS = (*GRID_LEVELS, Level.MICRO_GRID, Level.COMMUNITY)
MIN_REASON = 4
MAX_REASON = 200


# --- placement: every row sits in a region of the actor's reach ----------------------------------


def region_for_point(actor, lon, lat, *, field: str = "lon") -> Region:
    """The deepest region containing the point, which must lie in the actor's reach."""
    lon, lat = validate_lon_lat(lon, lat)
    region_id = get_locator().locate(lon, lat)
    region = Region.objects.filter(pk=region_id, is_active=True).first() if region_id else None
    if region is None:
        raise ValidationError({field: _("No grid contains this point: check the longitude and latitude.")})
    if not scope_for(actor).covers_path(region.path):
        raise ValidationError({field: _("This point lies outside the grids you serve.")})
    return region


def region_by_code(actor, code: str, *, field: str = "region") -> Region:
    region = Region.objects.filter(code=(code or "").strip(), is_active=True).first()
    if region is None or not scope_for(actor).covers_path(region.path):
        raise ValidationError({field: _("Choose a grid you serve.")})
    if region.level not in PLACEABLE_LEVELS:
        raise ValidationError({field: _("Choose a community, a grid or a micro-grid.")})
    return region


def _place(actor, data: dict, *, required: bool = True) -> Region | None:
    """From ``lon``/``lat`` when given, else from ``region`` (a code)."""
    if data.get("lon") not in (None, "") or data.get("lat") not in (None, ""):
        return region_for_point(actor, data.get("lon"), data.get("lat"))
    if data.get("region"):
        return region_by_code(actor, data["region"])
    if required:
        raise ValidationError({"lon": _("Give the longitude and latitude, or choose a grid.")})
    return None


def _check_reach(actor, obj) -> None:
    if not scope_for(actor).covers_path(obj.region_path):
        raise PermissionDenied(_("This record lies outside the grids you serve."))


# --- small helpers ---------------------------------------------------------------------------------


def _collect(*checks) -> None:
    """Run every check and raise one ValidationError holding all their messages."""
    errors: dict[str, list[str]] = {}
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _diff(obj, before: dict, names) -> dict:
    return {n: [before[n], _shown(getattr(obj, n))] for n in names if before[n] != _shown(getattr(obj, n))}


def _shown(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def _snapshot(obj, names) -> dict:
    return {n: _shown(getattr(obj, n)) for n in names}


# --- persons ---------------------------------------------------------------------------------------

# Filled in on save from the encrypted numbers, so ``full_clean`` leaves them out.
PERSON_INDEXES = ("id_number_index", "phone_index")

PERSON_FIELDS = (
    "name",
    "id_type",
    "id_number_masked",
    "gender",
    "birth_date",
    "ethnicity",
    "phone_masked",
    "population_type",
    "registered_address",
    "household",
    "relation",
    "house",
    "political_status",
    "marital_status",
    "education",
    "employer",
    "status",
    "note",
    "region",
)


def _apply_person_numbers(person: Person, data: dict, *, creating: bool) -> None:
    """ID number (with the birth date and gender it holds) and phone; mismatches are errors."""
    errors: dict[str, str] = {}
    touched = creating or any(k in data for k in ("id_number", "id_type", "birth_date", "gender"))
    if touched:
        plain = data.get("id_number")
        if plain in (None, "") and not creating:
            plain = person.reveal_pii("id_number")
        try:
            checked = check_id_number(person.id_type, plain or "")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            checked = None
        if checked is not None:
            person.set_pii("id_number", checked.id_number)
            if checked.birth_date:
                given = PERSON.parse(data, "birth_date")
                if given is not None and given != checked.birth_date:
                    errors["birth_date"] = _("The birth date differs from the one the ID number holds.")
                if data.get("gender") not in (None, "") and data["gender"] != checked.gender:
                    errors["gender"] = _("The gender differs from the one the ID number holds.")
                person.birth_date = checked.birth_date
                person.gender = checked.gender
            if checked.id_number:
                indexes = pii.blind_indexes(checked.id_number, kind="id_number")
                clash = Person.objects.filter(id_number_index__in=indexes).exclude(pk=person.pk)
                if clash.exists():
                    errors["id_number"] = _("A person with this ID number is already in the ledger.")
    if "phone" in data:
        plain_phone = PERSON.parse(data, "phone")
        try:
            person.set_pii("phone", validate_phone(plain_phone) if plain_phone else "")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)


PERSON_CHOICES = (
    "id_type",
    "gender",
    "population_type",
    "relation",
    "status",
    "political_status",
    "marital_status",
    "education",
)


def _apply_person_fields(actor, person: Person, data: dict, *, creating: bool) -> None:
    if "name" in data or creating:
        person.name = PERSON.parse(data, "name")
        if not person.name:
            raise ValidationError({"name": _("Enter the name.")})
    for name in PERSON_CHOICES:
        if name in data:
            setattr(person, name, PERSON.parse(data, name))
    for name in ("ethnicity", "registered_address", "employer", "note"):
        if name in data:
            setattr(person, name, PERSON.parse(data, name))
    if person.id_type != IdType.RESIDENT_ID and "birth_date" in data:
        person.birth_date = PERSON.parse(data, "birth_date")
    _apply_person_numbers(person, data, creating=creating)
    if person.birth_date is None:
        raise ValidationError({"birth_date": _("Enter the birth date.")})
    if not person.gender:
        raise ValidationError({"gender": _("Choose the gender.")})
    _apply_person_home(actor, person, data, creating=creating)


def _apply_person_home(actor, person: Person, data: dict, *, creating: bool) -> None:
    """Household, house and region: the household's house wins; a person without a home needs a grid."""
    if "household" in data:
        household = data["household"]
        if household is not None and not isinstance(household, Household):
            household = Household.objects.filter(pk=household).first()
            if household is None or not scope_for(actor).covers_path(household.region_path):
                raise ValidationError({"household": _("Choose a household in the grids you serve.")})
        person.household = household
    if "house" in data:
        house = data["house"]
        if house is not None and not isinstance(house, House):
            house = House.objects.filter(pk=house).first()
            if house is None or not scope_for(actor).covers_path(house.region_path):
                raise ValidationError({"house": _("Choose a house in the grids you serve.")})
        person.house = house
    if person.household_id and person.household.house_id:
        if "house" in data and person.house_id and person.house_id != person.household.house_id:
            raise ValidationError({"house": _("The household lives in another house.")})
        person.house = person.household.house
    if person.household_id and not person.relation:
        raise ValidationError({"relation": _("Give the relation to the head of the household.")})
    if person.household_id is None and person.relation == Relation.HEAD:
        raise ValidationError({"relation": _("Only a member of a household can be its head.")})
    if person.house_id:
        person.place_in(person.house.region)
    elif person.household_id:
        person.place_in(person.household.region)
    elif data.get("region") or data.get("lon") not in (None, ""):
        person.place_in(_place(actor, data))
    elif creating:
        raise ValidationError({"house": _("Choose the house the person lives in, or a grid.")})


def _sync_head(actor, person: Person, previous_household_id: int | None) -> None:
    """Refuse a second head; then the households the person left and joined follow the relations."""
    if person.household_id and person.relation == Relation.HEAD:
        household = Household.objects.select_for_update().get(pk=person.household_id)
        if household.head_id and household.head_id != person.pk:
            raise ValidationError({"relation": _("The household already has a head: change their relation first.")})
    rules.heads_follow_relations({previous_household_id, person.household_id})


@sensitive_variables("data")
@transaction.atomic
def create_person(*, actor, data: dict) -> Person:
    return _save_new(
        actor,
        Person(),
        _apply_person_fields,
        data,
        PERSON_FIELDS,
        exclude=PERSON_INDEXES,
        after_save=lambda person: _sync_head(actor, person, None),
    )


@sensitive_variables("data")
@transaction.atomic
def update_person(*, actor, person: Person, data: dict) -> Person:
    permissions.require(actor, permissions.CHANGE)
    person = Person.objects.select_for_update(of=("self",)).select_related("household", "house").get(pk=person.pk)
    previous_household = person.household_id

    def follow_household(person: Person, _changes: dict) -> None:
        _sync_head(actor, person, previous_household)
        rules.labels_follow_persons([person.pk])

    _save_changes(
        actor, person, _apply_person_fields, data, PERSON_FIELDS, exclude=PERSON_INDEXES, after_save=follow_household
    )
    return person


# --- reveal: one full number, a reason, an audit record ------------------------------------------

REVEALABLE = {
    Person: ("id_number", "phone"),
    House: ("owner_phone",),
    Organisation: ("phone",),
}


def reveal(*, actor, obj, field: str, reason: str) -> str:
    """The plain value of one personal number. Needs ``people.reveal`` and a reason; always audited."""
    permissions.require(actor, permissions.REVEAL)
    if field not in REVEALABLE.get(type(obj), ()):
        raise ValidationError({"field": _("This number cannot be revealed.")})
    reason = (reason or "").strip()
    check_text(reason, field="reason")  # four zero-width spaces are not a reason
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": _("Give the reason for seeing the full number (at least %(n)d characters).") % {"n": MIN_REASON}}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason is longer than %(n)d characters.") % {"n": MAX_REASON}})
    _check_reach(actor, obj)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=f"{obj._meta.label_lower}.reveal",
            obj=obj,
            changes={"field": field, "reason": reason, "masked": getattr(obj, f"{field}_masked")},
        )
    return obj.reveal_pii(field)


# --- households ------------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = ("house", "number", "kind", "head", "note", "region")


def _apply_household(actor, household: Household, data: dict, *, creating: bool) -> None:
    if "house" in data or creating:
        house = data.get("house")
        if house is not None and not isinstance(house, House):
            house = House.objects.filter(pk=house).first()
        if house is None or not scope_for(actor).covers_path(house.region_path):
            raise ValidationError({"house": _("Choose a house in the grids you serve.")})
        household.house = house
        household.place_in(house.region)
    if "number" in data:
        household.number = HOUSEHOLD.parse(data, "number")
    if "kind" in data:
        household.kind = HOUSEHOLD.parse(data, "kind")
    if "note" in data:
        household.note = HOUSEHOLD.parse(data, "note")


@transaction.atomic
def create_household(*, actor, data: dict) -> Household:
    return _save_new(actor, Household(), _apply_household, data, HOUSEHOLD_FIELDS, after_save=_occupy_house)


def _occupy_house(household: Household) -> None:
    rules.occupy([household.house_id])
    household.house.refresh_from_db(fields=["use", "updated_at"])


@transaction.atomic
def update_household(*, actor, household: Household, data: dict) -> Household:
    permissions.require(actor, permissions.CHANGE)
    household = Household.objects.select_for_update().get(pk=household.pk)
    _save_changes(actor, household, _apply_household, data, HOUSEHOLD_FIELDS, after_save=_move_members)
    return household


def _move_members(household: Household, changes: dict) -> None:
    """Members (and their labels) follow their household to its new house."""
    if "house" not in changes:
        return
    members = list(Person.objects.filter(household=household))
    for member in members:
        member.house = household.house
        member.place_in(household.region)
    Person.objects.bulk_update(members, ["house", "region", "region_path"])
    rules.labels_follow_persons(member.pk for member in members)


# --- compounds, buildings, houses ----------------------------------------------------------------

COMPOUND_FIELDS = ("name", "address", "lon", "lat", "property_company", "region")


def _apply_compound(actor, compound: Compound, data: dict, *, creating: bool) -> None:
    if "name" in data or creating:
        compound.name = COMPOUND.parse(data, "name")
        if not compound.name:
            raise ValidationError({"name": _("Enter the name.")})
    if "address" in data:
        compound.address = COMPOUND.parse(data, "address")
    if creating or any(k in data for k in ("lon", "lat", "region")):
        region = _place(actor, data)
        compound.place_in(region)
        compound.lon, compound.lat = _lon_lat(data)
    if "property_company" in data:
        company = data["property_company"]
        if company not in (None, "") and not isinstance(company, Organisation):
            company = Organisation.objects.filter(pk=company, kind=OrganisationKind.PROPERTY).first()
            if company is None:
                raise ValidationError({"property_company": _("Choose a property management company.")})
        compound.property_company = company or None
    clash = Compound.objects.filter(region=compound.region, name=compound.name).exclude(pk=compound.pk)
    if clash.exists():
        raise ValidationError({"name": _("This grid already has a compound with this name.")})


def _lon_lat(data: dict) -> tuple[float | None, float | None]:
    if data.get("lon") in (None, "") and data.get("lat") in (None, ""):
        return None, None
    return validate_lon_lat(data.get("lon"), data.get("lat"))


def _save_new(actor, obj, apply, data: dict, fields, *, exclude=(), after_save=None):
    """The shape every create shares: fill in, check, save, audit with a snapshot.

    ``after_save(obj)`` does what the model needs besides; what it returns joins the audit record.
    """
    permissions.require(actor, permissions.CHANGE)
    apply(actor, obj, data, creating=True)
    obj.full_clean(exclude=list(exclude))
    obj.save()
    extra = (after_save(obj) if after_save else None) or {}
    changes = {**_snapshot(obj, fields), **extra}
    audit.record(actor=actor, action=f"people.{obj._meta.model_name}.create", obj=obj, changes=changes)
    return obj


def _save_changes(actor, locked, apply, data: dict, fields, *, exclude=(), after_save=None) -> dict:
    """The shape every update shares, on a row already locked: the changes, saved and audited.

    ``after_save(obj, changes)`` runs only when something changed; what it returns joins the audit
    record. It may still refuse with a ValidationError: the caller's atomic block undoes the save.
    """
    _check_reach(actor, locked)
    before = _snapshot(locked, fields)
    apply(actor, locked, data, creating=False)
    locked.full_clean(exclude=list(exclude))
    changes = _diff(locked, before, fields)
    if changes:
        locked.save()
        extra = (after_save(locked, changes) if after_save else None) or {}
        action = f"people.{locked._meta.model_name}.update"
        audit.record(actor=actor, action=action, obj=locked, changes={**changes, **extra})
    return changes


@transaction.atomic
def create_compound(*, actor, data: dict) -> Compound:
    return _save_new(actor, Compound(), _apply_compound, data, COMPOUND_FIELDS)


@transaction.atomic
def update_compound(*, actor, compound: Compound, data: dict) -> Compound:
    permissions.require(actor, permissions.CHANGE)
    compound = Compound.objects.select_for_update().get(pk=compound.pk)
    _save_changes(actor, compound, _apply_compound, data, COMPOUND_FIELDS)
    return compound


BUILDING_FIELDS = (
    "compound",
    "name",
    "address",
    "use",
    "floors",
    "units",
    "rooms_per_floor",
    "built_year",
    "lon",
    "lat",
    "region",
)


def _apply_building(actor, building: Building, data: dict, *, creating: bool) -> None:
    if "compound" in data:
        compound = data["compound"]
        if compound not in (None, "") and not isinstance(compound, Compound):
            compound = Compound.objects.filter(pk=compound).first()
            if compound is None or not scope_for(actor).covers_path(compound.region_path):
                raise ValidationError({"compound": _("Choose a compound in the grids you serve.")})
        building.compound = compound or None
    if "name" in data or creating:
        building.name = BUILDING.parse(data, "name")
        if not building.name:
            raise ValidationError({"name": _("Enter the building's name, e.g. 3幢.")})
    if "address" in data:
        building.address = BUILDING.parse(data, "address")
    if "use" in data:
        building.use = BUILDING.parse(data, "use")
    for name in ("floors", "units", "rooms_per_floor"):
        setattr(building, name, BUILDING.parse(data, name, default=getattr(building, name)))
    if "built_year" in data:
        building.built_year = BUILDING.parse(data, "built_year")
    if creating or any(k in data for k in ("lon", "lat", "region")):
        region = _place(actor, data, required=building.compound_id is None)
        if region is None:
            region = building.compound.region
        building.place_in(region)
        building.lon, building.lat = _lon_lat(data)
    clash = Building.objects.filter(name=building.name).exclude(pk=building.pk)
    clash = (
        clash.filter(compound=building.compound)
        if building.compound_id
        else clash.filter(compound=None, region=building.region)
    )
    if clash.exists():
        raise ValidationError({"name": _("A building with this name already exists there.")})


def _cells(building: Building):
    for unit in range(1, building.units + 1):
        for floor in range(1, building.floors + 1):
            for position in range(1, building.rooms_per_floor + 1):
                yield unit, floor, position


def new_house(building: Building, unit: int, floor: int, position: int, use: str = HouseUse.VACANT) -> House:
    room = room_number(floor, position)
    house = House(
        building=building,
        unit=unit,
        floor=floor,
        position=position,
        room=room,
        address=house_address(building, unit, room),
        use=use,
    )
    house.place_in(building.region)
    return house


def _fill_houses(building: Building) -> int:
    taken = set(House.objects.filter(building=building).values_list("unit", "floor", "position"))
    missing = [new_house(building, *cell) for cell in _cells(building) if cell not in taken]
    House.objects.bulk_create(missing, batch_size=1000)
    return len(missing)


@transaction.atomic
def create_building(*, actor, data: dict, with_houses: bool = True) -> Building:
    """A building, and (by default) a vacant house in every cell of floors × units × rooms."""

    def houses_created(building: Building) -> dict:
        return {"houses_created": _fill_houses(building) if with_houses else 0}

    return _save_new(actor, Building(), _apply_building, data, BUILDING_FIELDS, after_save=houses_created)


@transaction.atomic
def update_building(*, actor, building: Building, data: dict) -> Building:
    """Edit a building. Growing adds vacant houses; shrinking removes empty ones and refuses lived-in ones."""
    permissions.require(actor, permissions.CHANGE)
    building = Building.objects.select_for_update().get(pk=building.pk)
    _save_changes(actor, building, _apply_building, data, BUILDING_FIELDS, after_save=_refit_houses)
    return building


def _refit_houses(building: Building, changes: dict) -> dict:
    """Houses follow the building's new size, region and name; lived-in houses outside it refuse the change."""
    outside = House.objects.filter(building=building).filter(
        Q(unit__gt=building.units) | Q(floor__gt=building.floors) | Q(position__gt=building.rooms_per_floor)
    )
    if outside.filter(households__isnull=False).exists() or outside.filter(residents__isnull=False).exists():
        raise ValidationError({"floors": _("Households live in houses outside the new size: move them first.")})
    removed = outside.count()
    outside.delete()
    added = _fill_houses(building)
    if "region" in changes or "name" in changes or "units" in changes:
        _move_contents(building)
    return {"houses_added": added, "houses_removed": removed}


def _move_contents(building: Building) -> None:
    """A building's houses, households, residents and their labels follow its region and name."""
    houses = list(House.objects.filter(building=building))
    for house in houses:
        house.place_in(building.region)
        house.address = house_address(building, house.unit, house.room)
    House.objects.bulk_update(houses, ["region", "region_path", "address"], batch_size=1000)
    Household.objects.filter(house__building=building).update(region=building.region, region_path=building.region.path)
    Person.objects.filter(house__building=building).update(region=building.region, region_path=building.region.path)
    PersonLabel.objects.filter(person__house__building=building).update(region_path=building.region.path)


HOUSE_FIELDS = ("unit", "floor", "position", "room", "area", "use", "owner_name", "owner_phone_masked", "hazards")


@sensitive_variables("data")
def _apply_house(actor, house: House, data: dict, *, creating: bool) -> None:
    if creating:
        building = data.get("building")
        if building is not None and not isinstance(building, Building):
            building = Building.objects.filter(pk=building).first()
        if building is None or not scope_for(actor).covers_path(building.region_path):
            raise ValidationError({"building": _("Choose a building in the grids you serve.")})
        house.building = building
        house.place_in(building.region)
    building = house.building
    house.unit = HOUSE.parse(data, "unit", default=house.unit, maximum=building.units)
    house.floor = HOUSE.parse(data, "floor", default=house.floor, maximum=building.floors)
    house.position = HOUSE.parse(data, "position", default=house.position, maximum=building.rooms_per_floor)
    if house.floor == 0:
        raise ValidationError({"floor": _("There is no floor 0: basements are -1, -2 …")})
    house.room = HOUSE.parse(data, "room") or room_number(house.floor, house.position)
    house.address = house_address(building, house.unit, house.room)
    if "area" in data:
        house.area = HOUSE.parse(data, "area")
    if "use" in data:
        house.use = HOUSE.parse(data, "use")
    if "owner_name" in data:
        house.owner_name = HOUSE.parse(data, "owner_name")
    if "owner_phone" in data:
        plain = HOUSE.parse(data, "owner_phone")
        house.set_pii("owner_phone", validate_phone(plain, field="owner_phone") if plain else "")
    if "hazards" in data:
        house.hazards = HOUSE.parse(data, "hazards")
    same_cell = House.objects.filter(building=building, unit=house.unit).exclude(pk=house.pk)
    if (
        same_cell.filter(floor=house.floor, position=house.position).exists()
        or same_cell.filter(room=house.room).exists()
    ):
        raise ValidationError({"room": _("This building already has this house.")})


@sensitive_variables("data")
@transaction.atomic
def create_house(*, actor, data: dict) -> House:
    return _save_new(actor, House(), _apply_house, data, HOUSE_FIELDS, exclude=["owner_phone_index"])


@sensitive_variables("data")
@transaction.atomic
def update_house(*, actor, house: House, data: dict) -> House:
    permissions.require(actor, permissions.CHANGE)
    house = House.objects.select_for_update(of=("self",)).select_related("building").get(pk=house.pk)
    if _save_changes(actor, house, _apply_house, data, HOUSE_FIELDS, exclude=["owner_phone_index"]):
        Household.objects.filter(house=house).update(updated_at=house.updated_at)
    return house


# --- labels ----------------------------------------------------------------------------------------


def _audit_label(actor, verb: str, label: PersonLabel) -> None:
    """One audit record per label change: which person, which label."""
    audit.record(
        actor=actor,
        action=f"people.label.{verb}",
        obj=label,
        summary=f"{label.person_id}:{label.kind}",
        changes={"person": label.person_id, "kind": label.kind},
    )


@transaction.atomic
def add_label(
    *, actor, person: Person, kind: str, details: dict | None = None, since=None, note: str = ""
) -> PersonLabel:
    permissions.require(actor, permissions.CHANGE, permissions.LABELS)
    _check_reach(actor, person)
    if kind not in label_specs.LabelKind.values:
        raise ValidationError({"kind": _("Unknown label %(kind)s.") % {"kind": kind}})
    if PersonLabel.objects.filter(person=person, kind=kind).exists():
        raise ValidationError({"kind": _("The person already carries this label.")})
    label = PersonLabel(
        person=person,
        kind=kind,
        details=label_specs.clean_details(kind, details),
        since=SINCE.parse(since),
        note=check_text((note or "").strip(), field="note"),
        region_path=person.region_path,
    )
    label.full_clean()
    label.save()
    _audit_label(actor, "add", label)
    return label


@transaction.atomic
def update_label(
    *, actor, label: PersonLabel, details: dict | None = None, since=None, note: str | None = None
) -> PersonLabel:
    permissions.require(actor, permissions.CHANGE, permissions.LABELS)
    label = PersonLabel.objects.select_for_update().get(pk=label.pk)
    _check_reach(actor, label)
    if details is not None:
        label.details = label_specs.clean_details(label.kind, details)
    if since is not None:
        label.since = SINCE.parse(since)
    if note is not None:
        label.note = check_text(note.strip(), field="note")
    label.full_clean()
    label.save()
    _audit_label(actor, "update", label)
    return label


@transaction.atomic
def remove_label(*, actor, label: PersonLabel) -> None:
    permissions.require(actor, permissions.CHANGE, permissions.LABELS)
    _check_reach(actor, label)
    _audit_label(actor, "remove", label)
    label.delete()


# --- organisations and facilities -----------------------------------------------------------------

ORGANISATION_FIELDS = (
    "kind",
    "name",
    "credit_code",
    "legal_person",
    "phone_masked",
    "employees",
    "address",
    "building",
    "business_scope",
    "is_key",
    "is_active",
    "lon",
    "lat",
    "region",
)


@sensitive_variables("data")
def _apply_organisation(actor, org: Organisation, data: dict, *, creating: bool) -> None:
    if "kind" in data or creating:
        org.kind = ORGANISATION.parse(data, "kind")
        if not org.kind:
            raise ValidationError({"kind": _("Choose the kind of organisation.")})
    if "name" in data or creating:
        org.name = ORGANISATION.parse(data, "name")
        if not org.name:
            raise ValidationError({"name": _("Enter the name.")})
    if "credit_code" in data:
        code = ORGANISATION.parse(data, "credit_code")
        org.credit_code = validate_credit_code(code) if code else ""
        if org.credit_code and Organisation.objects.filter(credit_code=org.credit_code).exclude(pk=org.pk).exists():
            raise ValidationError({"credit_code": _("An organisation with this credit code is already in the ledger.")})
    for name in ("legal_person", "address", "business_scope"):
        if name in data:
            setattr(org, name, ORGANISATION.parse(data, name))
    if "phone" in data:
        plain = ORGANISATION.parse(data, "phone")
        org.set_pii("phone", validate_phone(plain) if plain else "")
    if "employees" in data:
        org.employees = ORGANISATION.parse(data, "employees")
    for name in ("is_key", "is_active"):
        if name in data:
            setattr(org, name, ORGANISATION.parse(data, name))
    if "building" in data:
        building = data["building"]
        if building not in (None, "") and not isinstance(building, Building):
            building = Building.objects.filter(pk=building).first()
            if building is None or not scope_for(actor).covers_path(building.region_path):
                raise ValidationError({"building": _("Choose a building in the grids you serve.")})
        org.building = building or None
    if creating or any(k in data for k in ("lon", "lat", "region", "building")):
        region = _place(actor, data, required=org.building_id is None)
        org.place_in(region if region is not None else org.building.region)
        org.lon, org.lat = _lon_lat(data)
        if org.lon is None and org.building_id:
            org.lon, org.lat = org.building.lon, org.building.lat


@sensitive_variables("data")
@transaction.atomic
def create_organisation(*, actor, data: dict) -> Organisation:
    return _save_new(actor, Organisation(), _apply_organisation, data, ORGANISATION_FIELDS, exclude=["phone_index"])


@sensitive_variables("data")
@transaction.atomic
def update_organisation(*, actor, organisation: Organisation, data: dict) -> Organisation:
    permissions.require(actor, permissions.CHANGE)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _save_changes(actor, org, _apply_organisation, data, ORGANISATION_FIELDS, exclude=["phone_index"])
    return org


FACILITY_FIELDS = ("kind", "code", "name", "status", "owner", "address", "installed_on", "lon", "lat", "region")


def _apply_facility(actor, facility: Facility, data: dict, *, creating: bool) -> None:
    if "kind" in data or creating:
        facility.kind = FACILITY.parse(data, "kind")
        if not facility.kind:
            raise ValidationError({"kind": _("Choose the kind of facility.")})
    if "code" in data or creating:
        facility.code = FACILITY.parse(data, "code").upper()
        if not facility.code:
            raise ValidationError({"code": _("Enter the facility code.")})
        if Facility.objects.filter(code=facility.code).exclude(pk=facility.pk).exists():
            raise ValidationError({"code": _("A facility with this code is already in the ledger.")})
    if "status" in data:
        facility.status = FACILITY.parse(data, "status")
    for name in ("name", "owner", "address"):
        if name in data:
            setattr(facility, name, FACILITY.parse(data, name))
    if "installed_on" in data:
        facility.installed_on = FACILITY.parse(data, "installed_on")
    if creating or any(k in data for k in ("lon", "lat")):
        if data.get("lon") in (None, "") or data.get("lat") in (None, ""):
            raise ValidationError({"lon": _("A facility is placed by its longitude and latitude.")})
        facility.place_in(region_for_point(actor, data.get("lon"), data.get("lat")))
        facility.lon, facility.lat = _lon_lat(data)


@transaction.atomic
def create_facility(*, actor, data: dict) -> Facility:
    return _save_new(actor, Facility(), _apply_facility, data, FACILITY_FIELDS)


@transaction.atomic
def update_facility(*, actor, facility: Facility, data: dict) -> Facility:
    permissions.require(actor, permissions.CHANGE)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _save_changes(actor, facility, _apply_facility, data, FACILITY_FIELDS)
    return facility


# --- export and import -----------------------------------------------------------------------------


@transaction.atomic
def record_export(*, actor, kind: str, count: int, filters: dict) -> None:
    """Every export is audited: who, which list, how many rows, with which (masked) filters."""
    permissions.require(actor, permissions.EXPORT)
    audit.record(
        actor=actor,
        action="people.export",
        object_type=f"people.{kind}",
        summary=_("%(n)d rows") % {"n": count},
        changes={"kind": kind, "rows": count, "filters": filters},
    )


def import_ledger(*, actor, kind: str, sheet, dry_run: bool, on_duplicate: str = "update"):
    """Check every row of a parsed ledger (``excel.read_ledger``); unless ``dry_run``, write all rows
    in one transaction, or none when any cell is wrong. Returns an ``importing.ImportReport``."""
    permissions.require(actor, permissions.CHANGE)
    return importing.run(actor=actor, kind=kind, sheet=sheet, dry_run=dry_run, on_duplicate=on_duplicate)
