"""Small computations whose speed the unit tests used to time (a timed assertion flakes on a busy machine
and measures little): each against a same-run baseline that does the least the same job needs.

- Training the category suggester on 600 shipped examples (TF-IDF, linear SVM, the temperature fitted on
  out-of-fold margins) against one plain TF-IDF + SVM fit of the same examples. Target < 2 s.
- A working-day deadline and the share of it used (``workcalendar.deadline`` + ``elapsed_share``, from
  the per-process snapshot) against asking ``chinese_calendar`` day by day for the same three working
  days. Target < 300 µs a call.
- Checking the demo town's tree (1,829 boundaries inside their parents, siblings apart:
  ``regions.geometry``) against Shapely's bare predicates (``within``, ``intersects``) on the same pairs.
  Target < 5 s.
"""

import time
from datetime import datetime, timedelta

from bench.measure import Row

NAME = "kernels"
TRAIN_EXAMPLES = 600
TRAIN_TARGET_S = 2.0
DEADLINE_TARGET_US = 300.0
TREE_TARGET_S = 5.0


def speed(baseline: float, value: float) -> str:
    """baseline ÷ value (how many times faster than the baseline), to two significant digits."""
    return f"{baseline / value:.2g}×" if value else ""


def _best(call, repeat: int) -> float:
    """The fastest of ``repeat`` runs in seconds (the one least disturbed by other processes)."""
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return min(out)


def suggester_training(examples: int = TRAIN_EXAMPLES, repeat: int = 3) -> Row:
    from wangge.cases import classifier

    shipped = classifier.load_shipped_examples("train")[:examples]
    texts = [classifier.normalise(text) for text, _ in shipped]
    labels = [label for _, label in shipped]
    full = _best(lambda: classifier.train(shipped), repeat)
    plain = _best(lambda: classifier._fit(texts, labels), repeat)
    return Row(
        f"suggester training on {len(shipped)} examples (TF-IDF, SVM, fitted temperature)",
        f"{full:.2f} s",
        f"{plain:.2f} s one TF-IDF + SVM fit",
        speed(plain, full),
        f"< {TRAIN_TARGET_S:.0f} s",
        full < TRAIN_TARGET_S,
    )


def working_day_deadline(calls: int = 2000, repeat: int = 3) -> Row:
    import chinese_calendar

    from wangge.workcalendar.calendar import CALENDAR_TZ, deadline, elapsed_share

    start = datetime(2026, 9, 30, 16, tzinfo=CALENDAR_TZ)  # across the National Day holiday
    now = datetime(2026, 10, 9, 11, tzinfo=CALENDAR_TZ)
    deadline(start, "3d")  # loads the snapshot

    def ours():
        for _ in range(calls):
            elapsed_share(start, deadline(start, "3d"), now)

    def library_day_by_day():
        for _ in range(calls):
            day, found = start.date(), 0
            while found < 3:
                day += timedelta(days=1)
                found += chinese_calendar.is_workday(day)

    per_call = _best(ours, repeat) / calls * 1e6
    library = _best(library_day_by_day, repeat) / calls * 1e6
    return Row(
        "working-day deadline + share used, per call (3 working days over a holiday)",
        f"{per_call:.1f} µs",
        f"{library:.1f} µs chinese_calendar day by day",
        speed(library, per_call),
        f"< {DEADLINE_TARGET_US:.0f} µs",
        per_call < DEADLINE_TARGET_US,
    )


def _families(root):
    def walk(node):
        yield node
        for child in node.children:
            yield from walk(child)

    return [node for node in walk(root) if node.children]


def region_tree_checks(repeat: int = 2) -> Row:
    from wangge.regions import demo, geometry

    parents = _families(demo.build_tree(seed=2026))
    children = sum(len(p.children) for p in parents)

    def ours():
        for parent in parents:
            siblings = []
            for child in parent.children:
                geometry.check_inside_parent(child.geom, parent.geom)
                if geometry.overlapping_siblings(child.geom, siblings):
                    raise AssertionError(f"{child.code} overlaps a sibling")
                siblings.append((child.code, child.geom))

    def bare_predicates():
        for parent in parents:
            seen = []
            for child in parent.children:
                child.geom.within(parent.geom)
                for other in seen:
                    child.geom.intersects(other)
                seen.append(child.geom)

    checked = _best(ours, repeat)
    bare = _best(bare_predicates, repeat)
    return Row(
        f"demo tree check ({children:,} boundaries inside their parents, siblings apart)",
        f"{checked:.2f} s",
        f"{bare:.2f} s Shapely's within/intersects on the same pairs",
        speed(bare, checked),
        f"< {TREE_TARGET_S:.0f} s",
        checked < TREE_TARGET_S,
    )


def run(ctx) -> list[Row]:
    return [suggester_training(), working_day_deadline(), region_tree_checks()]
