"""A fictional district for demos and benchmarks: streets, communities, grids and micro-grids whose
boundaries are Voronoi cells clipped to their parent. Deterministic for a given seed."""

import math
import random
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.core.management.color import no_style
from django.db import connection, transaction
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

from wangge.regions import geometry
from wangge.regions.models import PATH_STEP, Level, Region
from wangge.regions.services import bump_boundary_version

CITY_CODE = "329900000000"
DISTRICT_CODE = "329901000000"
CENTER = (120.9, 31.4)
STREETS = [  # name, code digits 7-9, kind of communities below it
    ("湖滨街道", "001", "community"),
    ("青枫街道", "002", "community"),
    ("云溪镇", "100", "village"),
]
COMMUNITIES_PER_STREET = (9, 8, 8)
GRIDS_PER_COMMUNITY = 12
MICRO_GRIDS_PER_GRID = 5
NAME_CHARS = "青枫桃柳荷梅竹兰清和安康宁华锦秀湖溪泉云星月阳春金玉翠嘉瑞福祥泰丰永新翔鹤凤龙德善文雅盛景悦怡晨曦"
SPECIAL_KINDS = [
    ("产业园", "industrial park"),
    ("农贸市场", "market"),
    ("实验学校", "school"),
    ("商业街区", "business district"),
]


@dataclass
class Node:
    code: str
    name: str
    level: str
    geom: BaseGeometry
    parent: "Node | None" = None
    special_kind: str = ""
    households: int = 0
    children: list["Node"] = field(default_factory=list)


def _district_shape(rng: random.Random) -> Polygon:
    phase = rng.uniform(0, math.tau)
    points = []
    for i in range(48):
        angle = math.tau * i / 48
        radius = 1 + 0.12 * math.sin(3 * angle + phase) + 0.05 * math.sin(7 * angle + 2 * phase)
        points.append((CENTER[0] + 0.16 * radius * math.cos(angle), CENTER[1] + 0.11 * radius * math.sin(angle)))
    return Polygon(points)


def _seeds_in(poly: BaseGeometry, count: int, rng: random.Random) -> list[tuple[float, float]]:
    """``count`` well-spread points inside ``poly``: random draws relaxed twice (Lloyd)."""
    min_x, min_y, max_x, max_y = poly.bounds
    seeds: list[tuple[float, float]] = []
    attempts = 0
    while len(seeds) < count and attempts < count * 200:
        attempts += 1
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if poly.contains(shapely.Point(x, y)):
            seeds.append((x, y))
    for _ in range(2):
        cells = _cells(poly, seeds)
        seeds = [(c.centroid.x, c.centroid.y) for c in cells if not c.is_empty] or seeds
    return seeds


def _cells(poly: BaseGeometry, seeds) -> list[BaseGeometry]:
    if len(seeds) == 1:
        return [poly]
    regions = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=poly)
    cells = [cell.intersection(poly) for cell in regions.geoms]
    # voronoi_polygons does not keep the input order: sort cells back to their seeds.
    ordered = []
    for x, y in seeds:
        point = shapely.Point(x, y)
        ordered.append(next((c for c in cells if c.covers(point)), None))
    return [_clean(c) for c in ordered if c is not None]


def _clean(geom: BaseGeometry) -> BaseGeometry:
    geom = shapely.set_precision(geom, 10**-geometry.COORDINATE_DECIMALS)
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(polys)
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    return geom


def _split(parent: Node, count: int, rng: random.Random) -> list[BaseGeometry]:
    cells = _cells(parent.geom, _seeds_in(parent.geom, count, rng))
    cells = [c for c in cells if not c.is_empty and c.area > 0]
    cells.sort(key=lambda c: (-round(c.centroid.y, 4), round(c.centroid.x, 4)))  # north-west first
    return cells


def _unique_name(rng: random.Random, used: set[str], suffix: str) -> str:
    while True:
        name = rng.choice(NAME_CHARS) + rng.choice(NAME_CHARS) + suffix
        if name not in used and name[0] != name[1]:
            used.add(name)
            return name


def build_tree(seed: int = 2026, scale: int = 1) -> Node:
    rng = random.Random(seed)
    district_geom = _clean(_district_shape(rng))
    city = Node(CITY_CODE, "云州市", Level.CITY, district_geom.buffer(0.02, quad_segs=4))
    district = Node(DISTRICT_CODE, "云湖区", Level.DISTRICT, district_geom, parent=city)
    city.children.append(district)
    street_cells = _split(district, len(STREETS), rng)
    specials_left = 4 * scale
    for (street_name, digits, kind), cell, n_comm in zip(STREETS, street_cells, COMMUNITIES_PER_STREET, strict=True):
        street = Node(f"{DISTRICT_CODE[:6]}{digits}000", street_name, Level.STREET, cell, parent=district)
        district.children.append(street)
        used: set[str] = set()
        for c_index, c_cell in enumerate(_split(street, n_comm * scale, rng), start=1):
            seq = c_index + (199 if kind == "village" else 0)
            suffix = "村" if kind == "village" else "社区"
            community = Node(
                f"{street.code[:9]}{seq:03d}", _unique_name(rng, used, suffix), Level.COMMUNITY, c_cell, parent=street
            )
            street.children.append(community)
            grid_cells = _split(community, GRIDS_PER_COMMUNITY, rng)
            special_at = len(grid_cells) - 1 if specials_left > 0 and c_index % 3 == 1 else -1
            for g_index, g_cell in enumerate(grid_cells, start=1):
                if g_index - 1 == special_at:
                    specials_left -= 1
                    label, kind_en = SPECIAL_KINDS[specials_left % len(SPECIAL_KINDS)]
                    grid = Node(
                        f"{community.code}{900 + g_index:03d}",
                        f"{community.name[:2]}{label}专属网格",
                        Level.SPECIAL_GRID,
                        g_cell,
                        parent=community,
                        special_kind=kind_en,
                    )
                else:
                    grid = Node(
                        f"{community.code}{g_index:03d}",
                        f"{community.name}第{g_index}网格",
                        Level.GRID,
                        g_cell,
                        parent=community,
                    )
                community.children.append(grid)
                for m_index, m_cell in enumerate(_split(grid, MICRO_GRIDS_PER_GRID, rng), start=1):
                    households = rng.randint(30, 110)
                    micro = Node(
                        f"{grid.code}{m_index:03d}",
                        f"第{m_index}微网格",
                        Level.MICRO_GRID,
                        m_cell,
                        parent=grid,
                        households=households,
                    )
                    grid.children.append(micro)
                    grid.households += households
    return city


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


@transaction.atomic
def write_tree(root: Node, rng_seed: int = 2026) -> dict[str, Region]:
    """Bulk-insert the tree with ids and paths computed up front (two statements per 1,000 rows)."""
    rng = np.random.default_rng(rng_seed)
    next_id = (Region.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    rows: list[Region] = []
    paths: dict[str, str] = {}
    depths: dict[str, int] = {}
    for node in _walk(root):
        region_id = next_id
        next_id += 1
        parent_path = paths[node.parent.code] if node.parent else ""
        paths[node.code] = f"{parent_path}{region_id:0{PATH_STEP}d}"
        depths[node.code] = depths[node.parent.code] + 1 if node.parent else 0
        households = node.households
        rows.append(
            Region(
                id=region_id,
                code=node.code,
                name=node.name,
                level=node.level,
                parent_id=int(paths[node.parent.code][-PATH_STEP:]) if node.parent else None,
                path=paths[node.code],
                depth=depths[node.code],
                district_code=DISTRICT_CODE[:6] if node.level != Level.CITY else "",
                special_kind=node.special_kind,
                boundary=geometry.to_geojson(node.geom),
                household_count=households,
                population=int(households * rng.uniform(2.4, 2.9)),
                **geometry.box_fields(node.geom),
            )
        )
    Region.objects.bulk_create(rows, batch_size=1000)
    _reset_sequences()
    bump_boundary_version()
    return {r.code: r for r in rows}


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [Region])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
