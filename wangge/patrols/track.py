"""Track clean-up and figures, pure functions over numpy arrays (no database): the rules of bad input.

- points out of order are sorted by time; a second point at the same second is a duplicate (dropped);
- a point reached from the last kept point faster than ``max_speed`` m/s is a jump: left out of the track
  and the distance, flagged and counted (the track shows a gap there);
- a point that no grid or micro-grid contains is kept and flagged ``OUTSIDE``.

Distances are geodesics on the WGS84 ellipsoid (pyproj's ``Geod``); the drawn track is simplified with
Shapely in a local metric frame so the tolerance is in metres.
"""

import math

import numpy as np
import shapely
from pyproj import Geod

from wangge.patrols.models import COLUMNS, JUMP, OUTSIDE

GEOD = Geod(ellps="WGS84")
LON, LAT, T, ACC, FLAGS, REGION = range(COLUMNS)


def merge(existing: np.ndarray, incoming: np.ndarray) -> tuple[np.ndarray, int]:
    """``existing`` ∪ ``incoming`` sorted by time, one point per second (the first received wins).
    Returns the rows and how many incoming rows were duplicates."""
    if len(incoming) == 0:
        return existing, 0
    both = np.vstack([existing, incoming]) if len(existing) else incoming
    seconds = np.floor(both[:, T])
    # Stable sort on time keeps the earlier-received row first among equal seconds.
    order = np.argsort(seconds, kind="stable")
    both, seconds = both[order], seconds[order]
    keep = np.r_[True, seconds[1:] != seconds[:-1]]
    return both[keep], int((~keep).sum())


def mark_jumps(rows: np.ndarray, max_speed: float, start: int = 0) -> np.ndarray:
    """Set the ``JUMP`` flag on every point reached too fast from the last point kept (rows sorted by time).

    Points before ``start`` keep their flags (nothing before them changed): a batch appended at the end
    costs its own points only."""
    flags = rows[:, FLAGS].astype(np.int64)
    start = max(int(start), 1)
    flags[start:] &= ~JUMP
    if len(rows) > 1:
        lons, lats, times = rows[:, LON], rows[:, LAT], rows[:, T]
        before = np.flatnonzero((flags[:start] & JUMP) == 0)
        last = int(before[-1]) if len(before) else 0
        for i in range(start, len(rows)):
            _az, _baz, dist = GEOD.inv(lons[last], lats[last], lons[i], lats[i])
            elapsed = times[i] - times[last]
            if elapsed <= 0 or dist / elapsed > max_speed:
                flags[i] |= JUMP
            else:
                last = i
    rows[:, FLAGS] = flags
    return rows


def mark_outside(rows: np.ndarray, grid_ids: np.ndarray) -> np.ndarray:
    """Store each point's grid or micro-grid (-1 for none) and flag the points outside every grid."""
    rows[:, REGION] = grid_ids
    flags = rows[:, FLAGS].astype(np.int64)
    flags = np.where(grid_ids < 0, flags | OUTSIDE, flags & ~OUTSIDE)
    rows[:, FLAGS] = flags
    return rows


def kept(rows: np.ndarray) -> np.ndarray:
    return rows[(rows[:, FLAGS].astype(np.int64) & JUMP) == 0]


def distance_m(rows: np.ndarray) -> float:
    """The geodesic length of the kept track, in metres."""
    track = kept(rows)
    if len(track) < 2:
        return 0.0
    return float(GEOD.line_length(track[:, LON], track[:, LAT]))


def segments(rows: np.ndarray) -> list[np.ndarray]:
    """The kept track cut where points were dropped as jumps (a gap in the line)."""
    out, current = [], []
    for row in rows:
        if int(row[FLAGS]) & JUMP:
            if current:
                out.append(np.array(current))
            current = []
        else:
            current.append(row)
    if current:
        out.append(np.array(current))
    return out


def simplified(points: np.ndarray, tolerance_m: float) -> list[list[float]]:
    """``[[lon, lat], …]`` of one segment simplified with Shapely (tolerance in metres, local frame)."""
    if len(points) < 3:
        return [[round(float(x), 7), round(float(y), 7)] for x, y in points[:, :2]]
    lat0 = math.radians(float(points[:, LAT].mean()))
    scale_x = 111_320.0 * math.cos(lat0)
    scale_y = 110_540.0
    line = shapely.LineString(np.column_stack([points[:, LON] * scale_x, points[:, LAT] * scale_y]))
    coords = shapely.get_coordinates(shapely.simplify(line, tolerance_m, preserve_topology=False))
    return [[round(float(x / scale_x), 7), round(float(y / scale_y), 7)] for x, y in coords]


def geojson(rows: np.ndarray, tolerance_m: float) -> dict:
    """The track as a GeoJSON Feature (a MultiLineString: one line per stretch between gaps) with the
    flagged points outside every grid as a second Feature."""
    lines = [simplified(seg, tolerance_m) for seg in segments(rows)]
    outside = rows[(rows[:, FLAGS].astype(np.int64) & (OUTSIDE | JUMP)) == OUTSIDE]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "track"},
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            },
            {
                "type": "Feature",
                "properties": {"kind": "outside"},
                "geometry": {
                    "type": "MultiPoint",
                    "coordinates": [[round(float(x), 7), round(float(y), 7)] for x, y in outside[:, :2]],
                },
            },
        ],
    }
