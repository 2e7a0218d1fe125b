"""Track clean-up rules on generated tracks (no database) and distances against known geodesics."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangge.patrols import track
from wangge.patrols.models import COLUMNS, JUMP, OUTSIDE

MAX_SPEED = 40.0


def rows_of(points) -> np.ndarray:
    rows = np.zeros((len(points), COLUMNS))
    rows[:, track.REGION] = -1
    for i, (lon, lat, t) in enumerate(points):
        rows[i, :3] = (lon, lat, t)
    return rows


# A point: a position near 120.9 E 31.4 N (a few km around) and a time within two hours.
point = st.tuples(
    st.floats(120.85, 120.95, allow_nan=False),
    st.floats(31.35, 31.45, allow_nan=False),
    st.integers(1_796_000_000, 1_796_007_200),
)
tracks = st.lists(point, min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(tracks, tracks)
def test_merge_sorts_and_keeps_one_point_per_second(first, second):
    stored, _dup = track.merge(np.zeros((0, COLUMNS)), rows_of(first))  # what a patrol holds: one per second
    merged, duplicates = track.merge(stored, rows_of(second))
    seconds = merged[:, track.T]
    assert (np.diff(seconds) > 0).all()  # sorted, no two points in one second
    assert set(seconds.tolist()) == {float(t) for *_, t in first + second}
    assert len(merged) + duplicates == len(stored) + len(second)


@settings(max_examples=60, deadline=None)
@given(tracks)
def test_kept_points_never_move_faster_than_the_limit(points):
    rows, _dup = track.merge(np.zeros((0, COLUMNS)), rows_of(points))
    rows = track.mark_jumps(rows, MAX_SPEED)
    kept = track.kept(rows)
    if len(rows):
        assert int(rows[0, track.FLAGS]) & JUMP == 0  # the first point is the anchor
    for a, b in zip(kept[:-1], kept[1:], strict=False):
        _f, _b, dist = track.GEOD.inv(a[0], a[1], b[0], b[1])
        assert dist / (b[track.T] - a[track.T]) <= MAX_SPEED + 1e-9
    dropped = int(((rows[:, track.FLAGS].astype(int) & JUMP) != 0).sum())
    assert dropped + len(kept) == len(rows)


@settings(max_examples=40, deadline=None)
@given(tracks, st.data())
def test_marking_from_where_a_batch_lands_equals_marking_everything(points, data):
    """The service marks jumps only from the earliest new point on: the answer equals a full pass."""
    rows, _dup = track.merge(np.zeros((0, COLUMNS)), rows_of(points))
    if not len(rows):
        return
    cut = data.draw(st.integers(0, len(rows)))
    head = track.mark_jumps(rows[:cut].copy(), MAX_SPEED)
    whole = np.vstack([head, rows[cut:]])
    partly = track.mark_jumps(whole, MAX_SPEED, start=cut)
    full = track.mark_jumps(rows.copy(), MAX_SPEED)
    assert (partly[:, track.FLAGS] == full[:, track.FLAGS]).all()


def test_a_jump_is_dropped_counted_and_cut_as_a_gap():
    points = [(120.9, 31.4, 0), (120.9001, 31.4, 10), (121.5, 31.4, 20), (120.9002, 31.4, 30)]
    rows = track.mark_jumps(rows_of([(x, y, 1_796_000_000 + t) for x, y, t in points]), MAX_SPEED)
    assert [int(f) & JUMP for f in rows[:, track.FLAGS]] == [0, 0, JUMP, 0]
    assert len(track.segments(rows)) == 2


def test_points_outside_every_grid_are_kept_and_flagged():
    rows = rows_of([(120.9, 31.4, 1_796_000_000), (120.9001, 31.4, 1_796_000_010)])
    rows = track.mark_outside(rows, np.array([7, -1]))
    assert [int(f) & OUTSIDE for f in rows[:, track.FLAGS]] == [0, OUTSIDE]
    assert len(track.kept(rows)) == 2
    outside = track.geojson(rows, 5)["features"][1]["geometry"]["coordinates"]
    assert outside == [[120.9001, 31.4]]


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((0.0, 0.0), (1.0, 0.0), 111_319.491),  # one degree along the equator: 2πa/360 on WGS84
        ((0.0, 0.0), (0.0, 1.0), 110_574.389),  # one degree of meridian from the equator
        ((120.0, 30.0), (120.0, 31.0), 110_861.0),  # one degree of meridian near 30.5 N (± 1 m)
    ],
)
def test_distance_is_the_geodesic_on_wgs84(a, b, metres):
    rows = rows_of([(*a, 1_796_000_000), (*b, 1_796_010_000)])
    assert track.distance_m(rows) == pytest.approx(metres, abs=1.0)


def test_distance_leaves_dropped_points_out():
    rows = rows_of([(0.0, 0.0, 1_796_000_000), (0.0, 0.001, 1_796_000_100), (0.0, 0.002, 1_796_000_200)])
    straight = track.distance_m(rows)
    rows[1, track.FLAGS] = JUMP
    assert track.distance_m(rows) == pytest.approx(straight, rel=1e-6)
    assert straight == pytest.approx(221.149, abs=0.01)


def test_simplified_track_keeps_its_ends_and_drops_collinear_points():
    rows = rows_of([(120.9 + i * 1e-5, 31.4, 1_796_000_000 + i) for i in range(50)])
    [line] = track.geojson(rows, 5)["features"][0]["geometry"]["coordinates"]
    assert line[0] == [120.9, 31.4] and line[-1] == [round(120.9 + 49e-5, 7), 31.4]
    assert len(line) == 2
