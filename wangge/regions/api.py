from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema, Status

from wangge.accounts.roles import has_capability
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.core.text import Text
from wangge.core.validators import INT32_MAX
from wangge.regions import selectors, services
from wangge.regions.models import Level, Region

router = Router(tags=["regions"])


class RegionOut(Schema):
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


class ChainItem(Schema):
    code: str
    name: str
    level: str


class StaffOut(Schema):
    name: str
    role: str
    role_label: str
    title: str
    phone: str = Field(description="Masked")


class RegionDetailOut(RegionOut):
    chain: list[ChainItem]
    counts_by_level: dict[str, int]
    staff: list[StaffOut]
    special_kind: str


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


def region_out(region: Region, parent_code: str | None = None) -> dict:
    has_box = region.min_lon is not None
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "level_label": str(region.get_level_display()),
        "parent_code": parent_code if parent_code is not None else (region.parent.code if region.parent_id else None),
        "depth": region.depth,
        "child_count": getattr(region, "child_count", None),
        "household_count": region.household_count,
        "population": region.population,
        "center": [region.center_lon, region.center_lat] if has_box else None,
        "bbox": [region.min_lon, region.min_lat, region.max_lon, region.max_lat] if has_box else None,
    }


def chain_item(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level}


def _require(request, capability: str) -> None:
    if not has_capability(request.auth, capability):
        raise PermissionDenied(_("Your role may not change the region tree."))


class RegionListQuery(PageQuery):
    parent: str | None = Field(None, max_length=24, description="Parent code")


@router.get("", response=Page[RegionOut])
def list_regions(request, query: Query[RegionListQuery]):
    """Children of ``parent`` by code; without it, the roots of the caller's scope."""
    page = keyset_page(selectors.children_queryset(request.auth, query.parent), query, order=("code", "id"), count=True)
    regions = selectors.with_child_counts(page["items"])
    if query.parent:
        page["items"] = [region_out(r, parent_code=query.parent) for r in regions]
        return page
    parent_ids = {r.parent_id for r in regions if r.parent_id}
    parents = dict(Region.objects.filter(pk__in=parent_ids).values_list("pk", "code")) if parent_ids else {}
    page["items"] = [region_out(r, parent_code=parents.get(r.parent_id)) for r in regions]
    return page


class LocateQuery(Schema):
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)


class NotFoundOut(Schema):
    detail: str
    errors: list[dict] = []


@router.get("/locate", response={200: LocateOut, 404: NotFoundOut})
def locate(request, query: Query[LocateQuery]):
    """The deepest region containing the point, with its ancestor chain (404 outside the caller's scope)."""
    region = selectors.locate_for(request.auth, query.lon, query.lat)
    if region is None:
        message = _("No region contains the point (%(lon)s, %(lat)s).") % {"lon": query.lon, "lat": query.lat}
        return Status(404, {"detail": message, "errors": [{"field": "lon,lat", "message": message}]})
    return Status(
        200,
        {
            "point": [query.lon, query.lat],
            "region": chain_item(region),
            "chain": [chain_item(a) for a in region.ancestors()],
        },
    )


# Declared before /{code}: that pattern would take "import" as a code and answer 405 to a POST.
@router.post("/import", response={200: RegionImportReportOut, 400: RegionImportReportOut})
def import_regions(request, payload: Body[dict], dry_run: bool = True):
    """Import a GeoJSON FeatureCollection (the request body): a dry run reports every bad feature; a real run
    writes all or nothing."""
    _require(request, "regions.change")
    try:
        report = services.import_feature_collection(actor=request.auth, data=payload, dry_run=dry_run)
    except services.ImportFailed as failed:
        return Status(400, _report_out(failed.report))
    return Status(200, _report_out(report))


@router.get("/{code}", response=RegionDetailOut)
def region_detail(request, code: str):
    region = selectors.get_region_for(request.auth, code)
    card = selectors.region_card(region)
    data = region_out(region)
    data.update(
        chain=[chain_item(a) for a in card.chain],
        counts_by_level=card.counts_by_level,
        staff=[
            {
                "name": m.user.display_name or m.user.username,
                "role": m.role,
                "role_label": str(m.get_role_display()),
                "title": m.title,
                "phone": m.user.phone_masked,
            }
            for m in card.staff
        ],
        special_kind=region.special_kind,
        household_count=card.households,
        population=card.population,
        child_count=sum(n for lvl, n in card.counts_by_level.items()),
    )
    return data


class BBoxQuery(Schema):
    bbox: Text | None = Field(None, description="west,south,east,north", max_length=100)


def _parse_bbox(raw: str | None):
    if not raw:
        return None
    from django.core.exceptions import ValidationError

    try:
        west, south, east, north = (float(v) for v in raw.split(","))
    except ValueError as exc:
        raise ValidationError({"bbox": _("Give four numbers: west,south,east,north.")}) from exc
    return west, south, east, north


@router.get("/{code}/children.geojson")
def children_geojson(request, code: str, query: Query[BBoxQuery]):
    """A FeatureCollection of the region's children (optionally only those meeting ``bbox``)."""
    parent = selectors.get_region_for(request.auth, code)
    children = selectors.with_child_counts(
        list(selectors.regions_in_box(request.auth, parent, _parse_bbox(query.bbox)))
    )
    return {
        "type": "FeatureCollection",
        "parent": _feature(parent, None),
        "features": [_feature(c, parent.code) for c in children if c.boundary],
    }


class ExportQuery(Schema):
    depth: int | None = Field(None, ge=0, le=5, description="Levels below the region (all when absent)")


@router.get("/{code}/export.geojson")
def export_geojson(request, code: str, query: Query[ExportQuery]):
    """The region and its descendants as a FeatureCollection in the format ``POST /regions/import`` reads."""
    root = selectors.get_region_for(request.auth, code)
    return selectors.export_feature_collection(root, query.depth)


def _feature(region: Region, parent_code: str | None) -> dict:
    props = region_out(region, parent_code=parent_code or (region.parent.code if region.parent_id else ""))
    props.pop("bbox")
    props.pop("center")
    return {"type": "Feature", "id": region.code, "properties": props, "geometry": region.boundary}


@router.post("", response={201: RegionOut})
def create_region(request, payload: RegionIn):
    _require(request, "regions.change")
    if payload.parent_code:
        selectors.get_region_for(request.auth, payload.parent_code)
    draft = services.RegionDraft(**payload.dict())
    region = services.create_region(actor=request.auth, draft=draft)
    return Status(201, region_out(region))


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
    return region_out(region)


def _report_out(report) -> dict:
    return {
        "total": report.total,
        "created": report.created,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "problems": [vars(p) for p in report.problems],
    }
