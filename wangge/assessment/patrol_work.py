"""Patrols and visits in assessment: their indicators (``Subject.PATROLS``, formulas over
``patrols.counters.PATROL_COUNTERS``) for a region and the areas below, and each grid worker's patrol time,
distance and visits. Assessment stands above patrols: it reads patrols' selectors; patrols imports nothing of
assessment."""

from datetime import date

from wangge.assessment.models import Subject
from wangge.assessment.selectors import Row, _row, indicators
from wangge.patrols import selectors as patrol_selectors
from wangge.regions.models import Region
from wangge.rollups.selectors import Node, region_node


def region_rows(region: Region, start: date, end: date, items=None) -> tuple[Row, list[Row]]:
    """The patrol indicators of ``region`` (its row) and of each active area below it (counts only: the
    caller has scoped the region)."""
    items = items if items is not None else indicators(Subject.PATROLS)
    children = list(Region.objects.defer("boundary").filter(parent=region, is_active=True).order_by("code"))
    total, counters = patrol_selectors.work_counters(region, start, end, children)
    node = region_node(region)
    own = _row("region", node.key, region.code, region.name, total, items, node=node)
    rows = [_row("region", c.path, c.code, c.name, counters[c.code], items, node=region_node(c)) for c in children]
    return own, rows


def node_rows(node: Node, start: date, end: date) -> tuple[Row | None, list[Row]]:
    """As ``region_rows`` for a dashboard node (already scoped to the reader); none for a department."""
    if node.region is None:
        return None, []
    return region_rows(node.region, start, end)


def workers(region: Region, start: date, end: date) -> list[dict]:
    """Each grid worker under the region with their patrols, hours, kilometres and visits of the period."""
    return patrol_selectors.worker_figures(region, start, end)
