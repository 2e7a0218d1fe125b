"""“Overdue now” from a tally, not from the cases table.

An open case is overdue from its ``due_at``: a state that begins with the passing of time, marked by
no event. The deadline scan (``cases.tasks``) finds such cases every minute and turns them red; the
tally counts the open red cases per node and moves in the same transactions as the case row:

- the scan turning a case red adds it (``case_turned_red``, on ``cases.events.OVERDUE``);
- a transition that takes it out of red — a new stage's clock, an extension, closing, a department
  change — moves it (``case_moved`` on ``cases.events.MOVED``: ``case_changed(before, after)`` with the
  two keys of ``key_of``).

The changes are appended to ``OverdueTallyDelta`` and folded with the other roll-up deltas, so no row
is shared between two transactions. What the scan has not reached yet — cases due since the
watermark (``OverdueWatermark.through``, set by the scan) and not red — is counted from the cases
table through a short range of the ``due_at`` index, in the same statement as the tally. So "overdue
now" equals ``Case.objects.filter(due_at__lte=now, status__in=OPEN_STATUSES)`` at every moment. (A
deadline a transition moves into the past — urgency halves the time — brings the watermark back to it.)
"""

from collections import Counter
from datetime import UTC, datetime

from django.db.models import Count, F, Q, Subquery, Sum, Value
from django.db.models.functions import Left
from django.utils import timezone

from wangge.cases import events
from wangge.cases.models import Case
from wangge.regions.models import PATH_STEP
from wangge.rollups import rollups
from wangge.rollups.models import OverdueTally, OverdueTallyDelta, OverdueWatermark
from wangge.rollups.timeline import OPEN_STATUSES as OPEN
from wangge.rollups.timeline import STATUSES

RED = "red"
NOT_OPEN = tuple(s for s in STATUSES if s not in OPEN)
DEPARTMENT_MARK = "@"

Key = tuple[str, int]  # (the case's region path, its department id or 0)


def key_of(case) -> Key | None:
    """What a case adds to the tally: nothing unless it is open and red."""
    if case.status not in OPEN or case.warning != RED:
        return None
    return case.region_path, case.assigned_department_id or 0


def department_region_node(department_id: int, path: str) -> str:
    """A department's cases in one region (and below): the nodes of a department's map."""
    return f"D{department_id}{DEPARTMENT_MARK}{path}"


def nodes_of(key: Key) -> list[tuple[str, str]]:
    """(node, parent) for every node a case with this key is counted in."""
    path, department = key
    prefixes = [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]
    out = [(prefix, prefix[:-PATH_STEP]) for prefix in prefixes]
    if department:
        top = rollups.department_node(department)
        out.append((top, ""))
        out += [
            (department_region_node(department, p), department_region_node(department, p[:-PATH_STEP]))
            for p in prefixes
        ]
    return out


# --- subscribers of cases.events (RollupsConfig.ready()) -------------------------------------------


def case_moved(notice: events.Moved) -> None:
    """A transition or system flag saved the case: it may have left red (or its key moved)."""
    case_saved(key_of(notice.before), notice.case, notice.now)


def case_turned_red(notice: events.Coloured) -> None:
    """The deadline scan claimed the case red: it was not red before."""
    case_changed(None, key_of(notice.case))


def scan_finished(notice: events.Scanned) -> None:
    advance_watermark(notice.now)


def rebuild_now() -> int:
    """For ``rollups.rebuild_rollups`` (registered in ``RollupsConfig.ready()``)."""
    return rebuild(timezone.now())


def case_saved(before: Key | None, case, now: datetime) -> None:
    """After a transition saved ``case`` (``before``: its key when the transition began)."""
    case_changed(before, key_of(case))
    if case.status in OPEN and case.warning != RED and case.due_at is not None and case.due_at <= now:
        # A deadline moved into the past (urgency halves the time): it may lie behind the watermark,
        # where readers no longer look, so the watermark comes back to it until the scan turns it red.
        lower_watermark(case.due_at)


def case_changed(before: Key | None, after: Key | None) -> None:
    """Append the tally's change for one case, in the caller's transaction."""
    if before == after:
        return
    change: Counter = Counter()
    for key, sign in ((before, -1), (after, 1)):
        if key is not None:
            for node in nodes_of(key):
                change[node] += sign
    _append(change)


def _append(change: Counter) -> None:

    rows = [OverdueTallyDelta(node=node, parent=parent, overdue=n) for (node, parent), n in sorted(change.items()) if n]
    if rows:
        OverdueTallyDelta.objects.bulk_create(rows)
        rollups.fold_soon()


# --- reading ----------------------------------------------------------------------------------------


def _unscanned(now: datetime, department_id: int | None):
    """Open cases due since the watermark that the scan has not turned red yet (a short ``due_at`` range)."""

    through = Subquery(OverdueWatermark.objects.order_by("-through").values("through")[:1])
    # "Not finished" rather than "status IN open": SQLite would otherwise walk the status index over
    # every open case instead of the short due_at range.
    cases = Case.objects.filter(due_at__lte=now, due_at__gte=through).exclude(status__in=NOT_OPEN).exclude(warning=RED)
    if department_id:
        # "+ 0" keeps the department's index out of it: SQLite would walk every case the department
        # ever had (a second at 5 M) instead of the short due_at range.
        cases = cases.alias(department=F("assigned_department_id") + 0).filter(department=department_id)
    return cases.order_by()


def _tallied(where: Q, group: bool):

    parts = []
    for model in (OverdueTally, OverdueTallyDelta):
        rows = model.objects.filter(where).order_by()
        rows = rows.values("node") if group else rows.annotate(one=Value("")).values("one")
        parts.append(rows.annotate(n=Sum("overdue")))
    return parts


def count(node: str, now: datetime) -> int:
    """Open cases of ``node`` (a region path or ``D<id>``) overdue at ``now``: one statement."""
    department = int(node[1:]) if node.startswith("D") else None
    unscanned = _unscanned(now, department)
    if department is None:
        unscanned = unscanned.filter(region_path__startswith=node)
    tally, delta = _tallied(Q(node=node), group=False)
    late = unscanned.annotate(one=Value("")).values("one").annotate(n=Count("id"))
    return sum(row["n"] or 0 for row in tally.union(delta, late, all=True))


def count_by_child(parent: str, width: int, now: datetime, department_id: int | None = None) -> Counter:
    """Child region path → open cases overdue at ``now`` under ``parent`` (a region path), the cases of
    one department only when ``department_id`` is given: one statement."""
    parent_node = department_region_node(department_id, parent) if department_id else parent
    cut = len(parent_node) - len(parent)  # a department's nodes carry its prefix
    tally, delta = _tallied(Q(parent=parent_node), group=True)
    late = (
        _unscanned(now, department_id)
        .filter(region_path__startswith=parent)
        .annotate(node=Left("region_path", width))
        .values("node")
        .annotate(n=Count("id"))
    )
    out: Counter = Counter()
    for row in tally.union(delta, late, all=True):
        node = row["node"]
        out[node[cut:] if node.startswith("D") else node] += row["n"] or 0
    return out


# --- the scan's watermark and rebuilding ------------------------------------------------------------


def set_watermark(through: datetime, model=None) -> None:

    model = model or OverdueWatermark
    if not model.objects.filter(pk=1).update(through=through):
        model.objects.create(pk=1, through=through)


def lower_watermark(through: datetime) -> None:

    OverdueWatermark.objects.filter(pk=1, through__gt=through).update(through=through)


def advance_watermark(now: datetime) -> None:
    """After a scan: to the oldest deadline of an open case that is due and not red yet, else to ``now``.

    The search reads past every red case, so it runs outside any write; the update then applies only
    if the watermark is still the one read before it (a transition may have lowered it meanwhile)."""

    before = OverdueWatermark.objects.filter(pk=1).values_list("through", flat=True).first()
    through = first_unscanned_due(now)
    if before is None:
        set_watermark(through)
    else:
        OverdueWatermark.objects.filter(pk=1, through=before).update(through=through)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def first_unscanned_due(now: datetime, case_model=None) -> datetime:
    """The watermark after a scan: the oldest deadline of an open case that is due and not red yet, else
    ``now`` — or the epoch while there are no cases at all (no scan has run, nothing is red; a test may
    report cases at any date)."""

    model = case_model or Case
    cases = model.objects.filter(status__in=OPEN, due_at__lte=now).exclude(warning=RED)
    first = cases.order_by("due_at").values_list("due_at", flat=True).first()
    if first is None and not model.objects.exists():
        return EPOCH
    return first or now


def rebuild(now: datetime, *, case_model=None, tally=None, delta=None, watermark=None) -> int:
    """Recount the tally from the cases that are red now and set the watermark; returns the red cases.

    The models may be passed in (a migration's historical models)."""

    case_model, tally, delta = case_model or Case, tally or OverdueTally, delta or OverdueTallyDelta
    delta.objects.all().delete()
    tally.objects.all().delete()
    red = case_model.objects.filter(status__in=OPEN, warning=RED).order_by()
    keys = Counter(red.values_list("region_path", "assigned_department_id").iterator(chunk_size=5000))
    counts: Counter = Counter()
    for (path, department), n in keys.items():
        for node in nodes_of((path, department or 0)):
            counts[node] += n
    tally.objects.bulk_create(
        (tally(node=node, parent=parent, overdue=n) for (node, parent), n in sorted(counts.items())), batch_size=2000
    )
    set_watermark(first_unscanned_due(now, case_model), watermark)
    return sum(keys.values())
