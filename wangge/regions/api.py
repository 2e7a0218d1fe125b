from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema, Status

from wangge.accounts.roles import has_capability
from wangge.core.api_errors import ApiErrorOut
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.core.text import Text
from wangge.core.validators import INT32_MAX
from wangge.regions import selectors, services
from wangge.regions.models import Level

router = Router(tags=["regions"])


class RegionOut(Schema):
    """Read from a ``Region``; a list gives ``parent_code`` (annotated, or set when known) and
    ``child_count`` (``selectors.with_child_counts``) without a query per row."""

    code: str
    name: str
    level: str
    level_label: str
    parent_code: str | None
    depth: int
    child_count: int | None = None
    household_count: int
    population: int
    center: list[float] | None
    bbox: list[float] | None

    @staticmethod
    def resolve_level_label(region) -> str:
        return str(region.get_level_display())

    @staticmethod
    def resolve_parent_code(region) -> str | None:
        if hasattr(region, "parent_code"):
            return region.parent_code
        return region.parent.code if region.parent_id else None

    @staticmethod
    def resolve_child_count(region) -> int | None:
        return getattr(region, "child_count", None)

    @staticmethod
    def resolve_center(region) -> list[float] | None:
        return [region.center_lon, region.center_lat] if region.min_lon is not None else None

    @staticmethod
    def resolve_bbox(region) -> list[float] | None:
        if region.min_lon is None:
            return None
        return [region.min_lon, region.min_lat, region.max_lon, region.max_lat]


class ChainItem(Schema):
    code: str
    name: str
    level: str


class StaffOut(Schema):
    """Read from a ``Membership`` with its user."""

    name: str
    role: str
    role_label: str
    title: str
    phone: str = Field(description="Masked")

    @staticmethod
    def resolve_name(membership) -> str:
        return membership.user.display_name or membership.user.username

    @staticmethod
    def resolve_role_label(membership) -> str:
        return str(membership.get_role_display())

    @staticmethod
    def resolve_phone(membership) -> str:
        return membership.user.phone_masked


class RegionDetailOut(RegionOut):
    """Read from a ``Region`` carrying its ``selectors.RegionCard`` as ``card``: the sizes are the card's,
    summed over the grids below."""

    chain: list[ChainItem]
    counts_by_level: dict[str, int]
    staff: list[StaffOut]
    special_kind: str

    @staticmethod
    def resolve_chain(region) -> list:
        return region.card.chain

    @staticmethod
    def resolve_counts_by_level(region) -> dict[str, int]:
        return region.card.counts_by_level

    @staticmethod
    def resolve_staff(region) -> list:
        return region.card.staff

    @staticmethod
    def resolve_household_count(region) -> int:
        return region.card.households

    @staticmethod
    def resolve_population(region) -> int:
        return region.card.population

    @staticmethod
    def resolve_child_count(region) -> int:
        return sum(region.card.counts_by_level.values())


class LocateOut(Schema):
    point: list[float]
    region: ChainItem
    chain: list[ChainItem]


class RegionIn(Schema):
    code: Text = Field(..., max_length=24)
    name: Text = Field(..., max_length=100)
    level: Level
    parent_code: Text | None = Field(None, max_length=24)
    boundary: dict | None = None
    special_kind: Text = Field("", max_length=40)
    household_count: int = Field(0, ge=0, le=INT32_MAX)


class RegionPatch(Schema):
    name: Text | None = Field(None, max_length=100)
    boundary: dict | None = None
    household_count: int | None = Field(None, ge=0, le=INT32_MAX)


class ImportProblemOut(Schema):
    index: int
    code: str
    field: str
    message: str


class RegionImportReportOut(Schema):
    total: int
    created: int
    dry_run: bool
    ok: bool
    problems: list[ImportProblemOut]


def _require(request, capability: str) -> None:
    if not has_capability(request.auth, capability):
        raise PermissionDenied(_("Your role may not change the region tree."))


class RegionListQuery(PageQuery):
    parent: str | None = Field(None, max_length=24, description="Parent code")


@router.get("", response=Page[RegionOut])
def list_regions(request, query: Query[RegionListQuery]):
    """Children of ``parent`` by code; without it, the roots of the caller's scope."""
    rows = selectors.children_queryset(request.auth, query.parent).annotate(parent_code=F("parent__code"))
    page = keyset_page(rows, query, order=("code", "id"), count=True)
    selectors.with_child_counts(page["items"])
    return page


class LocateQuery(Schema):
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)


@router.get("/locate", response={200: LocateOut, 404: ApiErrorOut})
def locate(request, query: Query[LocateQuery]):
    """The deepest region containing the point, with its ancestor chain (404 outside the caller's scope)."""
    region = selectors.locate_for(request.auth, query.lon, query.lat)
    if region is None:
        message = _("No region contains the point (%(lon)s, %(lat)s).") % {"lon": query.lon, "lat": query.lat}
        return Status(404, {"detail": message, "errors": [{"field": "lon,lat", "message": message}]})
    return Status(200, {"point": [query.lon, query.lat], "region": region, "chain": region.ancestors()})


# Declared before /{code}: that pattern would take "import" as a code and answer 405 to a POST.
@router.post("/import", response={200: RegionImportReportOut, 400: RegionImportReportOut})
def import_regions(request, payload: Body[dict], dry_run: bool = True):
    """Import a GeoJSON FeatureCollection (the request body): a dry run reports every bad feature; a real run
    writes all or nothing."""
    _require(request, "regions.change")
    try:
        report = services.import_feature_collection(actor=request.auth, data=payload, dry_run=dry_run)
    except services.ImportFailed as failed:
        return Status(400, failed.report)
    return Status(200, report)


@router.get("/{code}", response=RegionDetailOut)
def region_detail(request, code: str):
    region = selectors.get_region_for(request.auth, code)
    region.card = selectors.region_card(region)
    return region


class BBoxQuery(Schema):
    bbox: Text | None = Field(None, description="west,south,east,north", max_length=100)


def _parse_bbox(raw: str | None):
    if not raw:
        return None
    try:
        west, south, east, north = (float(v) for v in raw.split(","))
    except ValueError as exc:
        raise ValidationError({"bbox": _("Give four numbers: west,south,east,north.")}) from exc
    return west, south, east, north


class RegionFeaturePropertiesOut(Schema):
    """Read from a ``Region`` like ``RegionOut`` (without ``center`` and ``bbox``); a GeoJSON property is a
    string, so a root's ``parent_code`` is ""."""

    code: str
    name: str
    level: str
    level_label: str
    parent_code: str
    depth: int
    child_count: int | None
    household_count: int
    population: int

    @staticmethod
    def resolve_level_label(region) -> str:
        return RegionOut.resolve_level_label(region)

    @staticmethod
    def resolve_parent_code(region) -> str:
        return RegionOut.resolve_parent_code(region) or ""

    @staticmethod
    def resolve_child_count(region) -> int | None:
        return RegionOut.resolve_child_count(region)


class RegionFeatureOut(Schema):
    """Read from a ``Region``: a GeoJSON Feature, its boundary the geometry."""

    type: Literal["Feature"]
    id: str = Field(description="The region's code")
    properties: RegionFeaturePropertiesOut
    geometry: dict | None = Field(description="GeoJSON Polygon or MultiPolygon (null: no boundary drawn)")

    @staticmethod
    def resolve_type(region) -> str:
        return "Feature"

    @staticmethod
    def resolve_id(region) -> str:
        return region.code

    @staticmethod
    def resolve_properties(region):
        return region

    @staticmethod
    def resolve_geometry(region) -> dict | None:
        return region.boundary


class RegionChildrenOut(Schema):
    """GeoJSON FeatureCollection of the children that have a boundary, the region itself as ``parent``."""

    type: Literal["FeatureCollection"]
    parent: RegionFeatureOut
    features: list[RegionFeatureOut]


@router.get("/{code}/children.geojson", response=RegionChildrenOut)
def children_geojson(request, code: str, query: Query[BBoxQuery]):
    """A FeatureCollection of the region's children (optionally only those meeting ``bbox``)."""
    parent = selectors.get_region_for(request.auth, code)
    children = list(selectors.regions_in_box(request.auth, parent, _parse_bbox(query.bbox)))
    for child in children:
        child.parent_code = parent.code
    features = [c for c in selectors.with_child_counts(children) if c.boundary]
    return {"type": "FeatureCollection", "parent": parent, "features": features}


class ExportQuery(Schema):
    depth: int | None = Field(None, ge=0, le=5, description="Levels below the region (all when absent)")


class RegionExportPropertiesOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(description="null for the top of the file's tree when it has no parent")
    households: int
    population: int
    special_kind: str


class RegionExportFeatureOut(Schema):
    type: Literal["Feature"]
    id: str
    properties: RegionExportPropertiesOut
    geometry: dict | None = Field(description="GeoJSON Polygon or MultiPolygon")


class RegionExportOut(Schema):
    """The FeatureCollection ``POST /regions/import`` reads (parents before children)."""

    type: Literal["FeatureCollection"]
    features: list[RegionExportFeatureOut]


@router.get("/{code}/export.geojson", response=RegionExportOut)
def export_geojson(request, code: str, query: Query[ExportQuery]):
    """The region and its descendants as a FeatureCollection in the format ``POST /regions/import`` reads."""
    root = selectors.get_region_for(request.auth, code)
    return selectors.export_feature_collection(root, query.depth)


@router.post("", response={201: RegionOut})
def create_region(request, payload: RegionIn):
    _require(request, "regions.change")
    if payload.parent_code:
        selectors.get_region_for(request.auth, payload.parent_code)
    draft = services.RegionDraft(**payload.dict())
    region = services.create_region(actor=request.auth, draft=draft)
    return Status(201, region)


@router.patch("/{code}", response=RegionOut)
def update_region(request, code: str, payload: RegionPatch):
    _require(request, "regions.change")
    region = selectors.get_region_for(request.auth, code)
    region = services.update_region(
        actor=request.auth,
        region=region,
        name=payload.name,
        boundary=payload.boundary,
        household_count=payload.household_count,
    )
    return region
