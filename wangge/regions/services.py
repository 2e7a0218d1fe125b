"""Every write to the region tree: codes, names, levels and boundaries checked; one transaction each."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from wangge.accounts import audit
from wangge.accounts.scope import scope_for
from wangge.regions import geometry
from wangge.regions.locator import forget_locator
from wangge.regions.models import ALLOWED_CHILD_LEVELS, LEVEL_ORDER, PATH_STEP, BoundaryVersion, Level, Region

# Administrative levels use the 12-digit national code; grids add 3 digits, micro-grids 3 more.
CODE_LENGTHS = {
    Level.CITY: 12,
    Level.DISTRICT: 12,
    Level.STREET: 12,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
    Level.SPECIAL_GRID: 15,
    Level.MICRO_GRID: 18,
}
# How many leading digits of a code are its own (the rest are zeros left for its children).
SIGNIFICANT_DIGITS = {
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
    Level.SPECIAL_GRID: 15,
    Level.MICRO_GRID: 18,
}


@dataclass
class RegionDraft:
    """A region to be written, as it arrives from a form, the API or an import file."""

    code: str
    name: str
    level: str
    parent_code: str | None = None
    boundary: dict | None = None
    special_kind: str = ""
    household_count: int = 0
    population: int = 0
    geom: BaseGeometry | None = field(default=None, repr=False)


def check_code(draft: RegionDraft, parent_code: str | None, parent_level: str | None) -> None:
    expected = CODE_LENGTHS.get(draft.level)
    if expected is None:
        raise ValidationError({"level": _("Unknown level %(level)s.") % {"level": draft.level}})
    if not re.fullmatch(r"\d+", draft.code or ""):
        raise ValidationError({"code": _("The code must contain digits only.")})
    if len(draft.code) != expected:
        raise ValidationError(
            {
                "code": _("A %(level)s code has %(n)d digits; %(code)s has %(got)d.")
                % {"level": Level(draft.level).label, "n": expected, "code": draft.code, "got": len(draft.code)}
            }
        )
    if parent_code and parent_level:
        prefix = parent_code[: SIGNIFICANT_DIGITS[parent_level]]
        if not draft.code.startswith(prefix) or draft.code == parent_code:
            raise ValidationError(
                {
                    "code": _("The code %(code)s must extend its parent's code %(prefix)s.")
                    % {"code": draft.code, "prefix": prefix}
                }
            )


def check_level(level: str, parent_level: str | None) -> None:
    if level not in Level.values:
        raise ValidationError({"level": _("Unknown level %(level)s.") % {"level": level}})
    if level not in ALLOWED_CHILD_LEVELS.get(parent_level, set()):
        parent_label = Level(parent_level).label if parent_level else _("the top of the tree")
        raise ValidationError(
            {
                "level": _("A %(level)s cannot be placed under %(parent)s.")
                % {"level": Level(level).label, "parent": parent_label}
            }
        )


def check_name(name: str) -> None:
    if not name or not name.strip():
        raise ValidationError({"name": _("The name is required.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is longer than 100 characters.")})


def _sibling_shapes(parent: Region | None, exclude_id: int | None = None) -> list[tuple[str, BaseGeometry]]:
    siblings = Region.objects.filter(parent=parent, boundary__isnull=False, is_active=True)
    if exclude_id:
        siblings = siblings.exclude(pk=exclude_id)
    return [(code, geometry.parse_boundary(b)) for code, b in siblings.values_list("code", "boundary")]


def _check_boundary_against_tree(geom, parent: Region | None, siblings) -> None:
    if parent is not None and parent.boundary:
        geometry.check_inside_parent(geom, geometry.parse_boundary(parent.boundary))
    geometry.check_no_sibling_overlap(geom, siblings)


def _place(region: Region, parent: Region | None) -> None:
    region.parent = parent
    region.depth = parent.depth + 1 if parent else 0
    if region.level in (Level.CITY, Level.DISTRICT):
        region.district_code = region.code[:6] if region.level == Level.DISTRICT else ""
    else:
        region.district_code = parent.district_code if parent else ""


def _apply_geometry(region: Region, geom: BaseGeometry | None) -> None:
    if geom is None:
        region.boundary = None
        for name in ("min_lon", "min_lat", "max_lon", "max_lat", "center_lon", "center_lat"):
            setattr(region, name, None)
        return
    region.boundary = geometry.to_geojson(geom)
    for name, value in geometry.box_fields(geom).items():
        setattr(region, name, value)


def _set_path(region: Region) -> None:
    prefix = region.parent.path if region.parent_id else ""
    region.path = f"{prefix}{region.pk:0{PATH_STEP}d}"
    Region.objects.filter(pk=region.pk).update(path=region.path)


def bump_boundary_version() -> None:
    """Tell every process (after commit) that the point-lookup index is stale."""
    updated = BoundaryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        BoundaryVersion.objects.create(pk=1, version=1)
    transaction.on_commit(forget_locator)


def _validate_new(draft: RegionDraft, parent: Region | None) -> BaseGeometry | None:
    check_name(draft.name)
    check_level(draft.level, parent.level if parent else None)
    check_code(draft, parent.code if parent else None, parent.level if parent else None)
    if Region.objects.filter(code=draft.code).exists():
        raise ValidationError({"code": _("A region with the code %(code)s already exists.") % {"code": draft.code}})
    if Region.objects.filter(parent=parent, name=draft.name.strip()).exists():
        raise ValidationError(
            {"name": _("Another region under the same parent is already called %(name)s.") % {"name": draft.name}}
        )
    if draft.boundary is None:
        return None
    geom = geometry.parse_boundary(draft.boundary)
    _check_boundary_against_tree(geom, parent, _sibling_shapes(parent))
    return geom


def _resolve_parent(parent_code: str | None) -> Region | None:
    if not parent_code:
        return None
    parent = Region.objects.filter(code=parent_code).first()
    if parent is None:
        raise ValidationError({"parent_code": _("No region has the code %(code)s.") % {"code": parent_code}})
    return parent


@transaction.atomic
def create_region(*, actor, draft: RegionDraft) -> Region:
    parent = _resolve_parent(draft.parent_code)
    geom = _validate_new(draft, parent)
    region = _write_new(draft, parent, geom)
    audit.record(actor=actor, action="regions.region.create", obj=region)
    if geom is not None:
        bump_boundary_version()
    return region


def _write_new(draft: RegionDraft, parent: Region | None, geom) -> Region:
    region = Region(
        code=draft.code,
        name=draft.name.strip(),
        level=draft.level,
        special_kind=draft.special_kind,
        household_count=draft.household_count,
        population=draft.population,
    )
    _place(region, parent)
    _apply_geometry(region, geom)
    region.path = ""
    region.save()
    _set_path(region)
    return region


@transaction.atomic
def update_region(
    *,
    actor,
    region: Region,
    name: str | None = None,
    boundary: dict | None = None,
    household_count: int | None = None,
    clear_boundary: bool = False,
) -> Region:
    region = Region.objects.select_for_update().get(pk=region.pk)
    changes: dict = {}
    fields: list[str] = []
    if name is not None and name.strip() != region.name:
        check_name(name)
        if Region.objects.filter(parent_id=region.parent_id, name=name.strip()).exclude(pk=region.pk).exists():
            raise ValidationError(
                {"name": _("Another region under the same parent is already called %(name)s.") % {"name": name}}
            )
        changes["name"] = [region.name, name.strip()]
        region.name = name.strip()
        fields.append("name")
    if boundary is not None or clear_boundary:
        geom = None
        if boundary is not None:
            geom = geometry.parse_boundary(boundary)
            _check_boundary_against_tree(geom, region.parent, _sibling_shapes(region.parent, region.pk))
            _check_children_inside(region, geom)
        _apply_geometry(region, geom)
        changes["boundary"] = "changed" if geom is not None else "cleared"
        fields += ["boundary", "min_lon", "min_lat", "max_lon", "max_lat", "center_lon", "center_lat"]
    if household_count is not None and household_count != region.household_count:
        changes["household_count"] = [region.household_count, household_count]
        region.household_count = household_count
        fields.append("household_count")
    if not fields:
        return region
    region.save(update_fields=[*fields, "updated_at"])
    audit.record(actor=actor, action="regions.region.update", obj=region, changes=changes)
    if "boundary" in fields:
        bump_boundary_version()
    return region


def _check_children_inside(region: Region, geom: BaseGeometry) -> None:
    tolerance_errors = []
    for code, boundary in region.children.filter(boundary__isnull=False).values_list("code", "boundary"):
        try:
            geometry.check_inside_parent(geometry.parse_boundary(boundary), geom)
        except ValidationError:
            tolerance_errors.append(code)
    if tolerance_errors:
        raise ValidationError(
            {
                "boundary": _("These child regions would fall outside the new boundary: %(codes)s.")
                % {"codes": ", ".join(tolerance_errors[:10])}
            }
        )


# --- GeoJSON import --------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    index: int
    code: str
    field: str
    message: str


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportFailed(Exception):
    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.problems)} problem(s)")
        self.report = report


def _drafts_from_collection(data, report: ImportReport) -> list[tuple[int, RegionDraft]]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        report.problems.append(ImportProblem(-1, "", "type", _("The file must hold a GeoJSON FeatureCollection.")))
        return []
    features = data.get("features")
    if not isinstance(features, list):
        report.problems.append(ImportProblem(-1, "", "features", _("The FeatureCollection has no features list.")))
        return []
    report.total = len(features)
    drafts = []
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            report.problems.append(ImportProblem(index, "", "properties", _("The feature has no properties.")))
            continue
        missing = [k for k in ("code", "name", "level") if not props.get(k)]
        if missing:
            for key in missing:
                report.problems.append(
                    ImportProblem(
                        index, str(props.get("code", "")), key, _("The property %(key)s is missing.") % {"key": key}
                    )
                )
            continue
        drafts.append(
            (
                index,
                RegionDraft(
                    code=str(props["code"]).strip(),
                    name=str(props["name"]).strip(),
                    level=str(props["level"]).strip(),
                    parent_code=str(props["parent_code"]).strip() if props.get("parent_code") else None,
                    boundary=feature.get("geometry"),
                    special_kind=str(props.get("special_kind", ""))[:40],
                    household_count=_int_or_zero(props.get("households")),
                    population=_int_or_zero(props.get("population")),
                ),
            )
        )
    return drafts


def _int_or_zero(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _problem_from(index: int, code: str, exc: ValidationError) -> list[ImportProblem]:
    if hasattr(exc, "message_dict"):
        return [ImportProblem(index, code, f, m) for f, msgs in exc.message_dict.items() for m in msgs]
    return [ImportProblem(index, code, "", m) for m in exc.messages]


def _order_parents_first(drafts):
    """Parents before children (by level order, then code), so one pass can resolve every parent."""
    return sorted(drafts, key=lambda item: (LEVEL_ORDER.get(item[1].level, 99), item[1].code))


def _validate_collection(
    drafts, report: ImportReport, may_write_under=lambda parent: True
) -> list[tuple[int, RegionDraft]]:
    """Check every feature against the database and against the other features of the same file."""
    seen_codes: dict[str, int] = {}
    in_file: dict[str, RegionDraft] = {}
    sibling_cache: dict[int, list] = {}
    existing_codes = set(Region.objects.filter(code__in=[d.code for _, d in drafts]).values_list("code", flat=True))
    good = []
    for index, draft in _order_parents_first(drafts):
        try:
            if draft.code in seen_codes:
                raise ValidationError(
                    {
                        "code": _("The code %(code)s appears again (first at feature %(first)d).")
                        % {"code": draft.code, "first": seen_codes[draft.code]}
                    }
                )
            seen_codes[draft.code] = index
            if draft.code in existing_codes:
                raise ValidationError(
                    {"code": _("A region with the code %(code)s already exists.") % {"code": draft.code}}
                )
            _validate_draft_in_file(draft, in_file, sibling_cache, may_write_under)
        except ValidationError as exc:
            report.problems.extend(_problem_from(index, draft.code, exc))
            continue
        in_file[draft.code] = draft
        good.append((index, draft))
    _check_overlaps_in_file(good, report)
    return good


def _validate_draft_in_file(
    draft: RegionDraft, in_file: dict[str, RegionDraft], sibling_cache: dict, may_write_under
) -> None:
    check_name(draft.name)
    parent_draft = in_file.get(draft.parent_code or "")
    parent = None if parent_draft or not draft.parent_code else _resolve_parent(draft.parent_code)
    if parent_draft is None and not may_write_under(parent):
        raise ValidationError({"parent_code": _("You may only add regions inside the area you administer.")})
    parent_level = parent_draft.level if parent_draft else (parent.level if parent else None)
    if draft.parent_code and parent_draft is None and parent is None:
        raise ValidationError({"parent_code": _("No region has the code %(code)s.") % {"code": draft.parent_code}})
    check_level(draft.level, parent_level)
    check_code(draft, draft.parent_code, parent_level)
    # A feature with a parent in the database, or none at all (top level), meets stored siblings.
    with_stored_siblings = parent is not None or not draft.parent_code
    if with_stored_siblings and Region.objects.filter(parent=parent, name=draft.name).exists():
        raise ValidationError(
            {"name": _("Another region under the same parent is already called %(name)s.") % {"name": draft.name}}
        )
    if any(d.parent_code == draft.parent_code and d.name == draft.name for d in in_file.values()):
        raise ValidationError(
            {"name": _("Another region under the same parent is already called %(name)s.") % {"name": draft.name}}
        )
    if draft.boundary is None:
        return
    draft.geom = geometry.parse_boundary(draft.boundary)
    parent_geom = (
        parent_draft.geom
        if parent_draft
        else (geometry.parse_boundary(parent.boundary) if parent is not None and parent.boundary else None)
    )
    if parent_geom is not None:
        geometry.check_inside_parent(draft.geom, parent_geom)
    if with_stored_siblings:
        key = parent.pk if parent is not None else None
        if key not in sibling_cache:
            sibling_cache[key] = _sibling_shapes(parent)
        geometry.check_no_sibling_overlap(draft.geom, sibling_cache[key])


def _check_overlaps_in_file(good, report: ImportReport) -> None:
    by_parent: dict[str | None, list[tuple[int, RegionDraft]]] = {}
    for index, draft in good:
        if draft.geom is not None:
            by_parent.setdefault(draft.parent_code, []).append((index, draft))
    for siblings in by_parent.values():
        if len(siblings) < 2:
            continue
        tree = STRtree([d.geom for _, d in siblings])
        for i, (index, draft) in enumerate(siblings):
            candidates = [(siblings[j][1].code, siblings[j][1].geom) for j in tree.query(draft.geom) if j > i]
            clashes = geometry.overlapping_siblings(draft.geom, candidates)
            for code, share in clashes:
                report.problems.append(
                    ImportProblem(
                        index,
                        draft.code,
                        "geometry",
                        _("The boundary overlaps %(other)s by %(share).1f%%.") % {"other": code, "share": share},
                    )
                )


def _reach_of(actor):
    """Who may write where: the command line (no actor) and a superuser anywhere; an administrator only
    under their own regions."""
    if actor is None:
        return lambda parent: True
    scope = scope_for(actor)

    def may_write_under(parent: Region | None) -> bool:
        if scope.is_global:
            return True
        return parent is not None and scope.map_covers_path(parent.path)

    return may_write_under


def import_feature_collection(*, actor, data, dry_run: bool) -> ImportReport:
    """Validate every feature; unless ``dry_run``, write them all or nothing."""
    report = ImportReport(dry_run=dry_run)
    drafts = _drafts_from_collection(data, report)
    good = _validate_collection(drafts, report, _reach_of(actor))
    if dry_run or report.problems:
        if not dry_run:
            raise ImportFailed(report)
        return report
    with transaction.atomic():
        written: dict[str, Region] = {}
        for _index, draft in _order_parents_first(good):
            parent = written.get(draft.parent_code or "") or _resolve_parent(draft.parent_code)
            written[draft.code] = _write_new(draft, parent, draft.geom)
        report.created = len(written)
        audit.record(
            actor=actor,
            action="regions.import",
            object_type="regions.region",
            summary=_("GeoJSON import"),
            changes={"created": report.created},
        )
        bump_boundary_version()
    return report
