"""The case workflow as a state machine: random actions by random people with random parameters.

Each hypothesis example reports a fresh case (resident1, or gridworker1 when urgent, inside gridworker1's
grid, a category that may be solved on the spot), then runs a sequence of steps: an action from ``workflow.ACTIONS`` (or a name
that is no action at all) by one of the demo personas with valid or invalid parameters, or a move of
the simulated clock (across lunch, nights, weekends and holidays). After every step the invariants
below are checked against the database:

(a) the status is the replay of the timeline: the last event's ``to_status``, and every event starts
    where the previous one ended;
(b) every event but the initial ``report`` is a (from_status, action) pair of ``RULES`` and ends in
    that rule's ``to``;
(c) an action raised an error ⇔ no event was written and the case row (every field, the version,
    its departments and photos) is unchanged;
(d) a move happened only when the actor's case roles met the rule's roles (and the timeline shows one
    of those roles);
(e) once closed or rated, only ``rate`` and ``reopen`` change the status (``callback`` keeps it);
(f) the stage follows the status, ``due_at`` is None exactly when there is no stage, ``due_at`` is
    ``workcalendar.deadline(stage_started_at, stage_limit)`` after every clock (re)start, moved by
    exactly the approved extension on ``approve_extension``, and ``warn_at`` sits at the warning share;
(g) the version rises by exactly one per successful action (so it is the number of events minus one);
(h) the timeline's seq numbers are 1..n.

A step may also run the periodic deadline scan (``tasks.scan``) at the simulated time: the stored colour
must then match ``deadlines.warning_at``, and an overdue handle stage gets exactly one system yellow
card, a timeline row that keeps every invariant above.
"""

import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import shapely
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from PIL import Image

from tests.common import _english  # noqa: F401
from wangge.accounts.models import Department, Membership, Role, User
from wangge.cases import deadlines, services, tasks
from wangge.cases.models import OPEN_STATUSES, Case, CaseEvent, CasePhoto, Category, Status, Supervision
from wangge.cases.permissions import case_roles
from wangge.cases.services import IllegalTransition, Report, StaleCase
from wangge.cases.workflow import ACTIONS, CLOCK_RESTARTING, REPORTER, RULES, STAGE_OF_STATUS, actions_from
from wangge.regions.models import Region
from wangge.rollups import overdue
from wangge.workcalendar import calendar as workcal
from wangge.workcalendar.calendar import CALENDAR_TZ, forget_calendar

PERSONAS = [
    "resident1",
    "gridworker1",
    "gridworker2",
    "community1",
    "gridchief1",
    "operator",
    "dispatcher",
    "dutychief",
    "department1",
    "leader",
    "admin",
]
# Names that are not in the table at all, besides every real action.
NOT_ACTIONS = ["report", "warn", "overdue", "teleport"]
FINISHED = (Status.CLOSED, Status.RATED)
# How often a plausible step picks each action: the way forward most, dead ends and flags least.
WEIGHT = {
    **dict.fromkeys(["accept", "dispatch", "sign", "feedback", "verify_pass", "close", "rate", "solve_on_spot"], 4),
    **dict.fromkeys(["reject", "merge", "callback", "supervise", "mark_urgent"], 1),
}


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=CALENDAR_TZ)


STARTS = [
    sh(2026, 11, 23, 9, 0),  # Monday morning
    sh(2026, 11, 20, 17, 10),  # Friday, twenty minutes before the end of the week
    sh(2026, 11, 21, 10, 0),  # Saturday
    sh(2026, 11, 23, 12, 30),  # lunch break
    sh(2026, 9, 30, 16, 0),  # the afternoon before the National Day holiday
    sh(2026, 12, 31, 17, 0),  # the last hour of the year the holiday data knows
]
TICKS = [
    timedelta(minutes=7),
    timedelta(minutes=20),
    timedelta(minutes=45),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=15),  # over a night
    timedelta(days=1),
    timedelta(days=2, hours=3),  # often over a weekend
    timedelta(days=6),
]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class World:
    users: dict[str, User]
    category: Category
    lon: float
    lat: float
    department: str  # the default department's code (city management)
    grid1: str  # gridworker1's grid
    grid2: str  # gridworker2's grid
    other_number: str  # another open case to merge into
    png: bytes


def point_in(region) -> tuple[float, float]:
    import json

    point = shapely.from_geojson(json.dumps(region.boundary)).representative_point()
    return point.x, point.y


def build_world() -> World:
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    category = (
        Category.objects.filter(on_spot=True, parent__isnull=False, is_active=True, department_kind="city_management")
        .order_by("code")
        .first()
    )
    assert category is not None, "the catalogue has no sub-class that may be solved on the spot"
    grid1 = Membership.objects.get(user=users["gridworker1"], role=Role.GRID_WORKER).region
    grid2 = Membership.objects.get(user=users["gridworker2"], role=Role.GRID_WORKER).region
    lon, lat = point_in(grid1)
    department = Membership.objects.get(user=users["department1"]).department
    assert isinstance(department, Department) and department.kind == category.department_kind
    other, _created = services.report_case(
        actor=users["resident1"],
        report=Report(category=category.code, description="另一处同类问题", lon=lon, lat=lat),
        at=STARTS[0],
    )
    return World(users, category, lon, lat, department.code, grid1.code, grid2.code, other.number, png_bytes())


def snapshot(case_id: int) -> dict:
    row = Case.objects.filter(pk=case_id).values().get()
    row["involved"] = sorted(
        Case.involved_departments.through.objects.filter(case_id=case_id).values_list("department_id", flat=True)
    )
    row["events"] = CaseEvent.objects.filter(case_id=case_id).count()
    row["photos"] = CasePhoto.objects.filter(case_id=case_id).count()
    return row


def fresh(case_id: int) -> Case:
    return Case.objects.select_related("category", "region", "handling_region", "assigned_region").get(pk=case_id)


def clock_restarted(event: CaseEvent) -> bool:
    """Whether this timeline row (re)started the stage clock, by the rule ``transition`` follows."""
    return event.action == "report" or event.from_status != event.to_status or event.action in CLOCK_RESTARTING


class WorkflowMachine(RuleBasedStateMachine):
    world: World  # set by the test

    def __init__(self):
        super().__init__()
        self.case_id = None
        self.now = None
        self.failures_in_a_row = 0

    # --- steps -------------------------------------------------------------------------------------

    @initialize(start=st.sampled_from(STARTS), urgent=st.booleans())
    def begin(self, start, urgent):
        # Each example has its own clock, which may start before the last one's scans: their colours
        # (and the overdue tally) belong to that other time.
        Case.objects.exclude(warning="").update(warning="")
        overdue.rebuild(start)
        self.report(start, urgent)

    def report(self, start, urgent):
        w = self.world
        self.now = start
        # Only staff mark a report urgent: an urgent one comes from the grid worker's patrol.
        case, created = services.report_case(
            actor=w.users["gridworker1" if urgent else "resident1"],
            report=Report(
                category=w.category.code,
                description="井盖缺失，行人容易踩空",
                lon=w.lon,
                lat=w.lat,
                source="patrol" if urgent else "resident",
                urgent=urgent,
            ),
            at=start,
        )
        assert created
        assert case.grid is not None and case.grid.code == w.grid1
        self.case_id = case.pk
        self.failures_in_a_row = 0
        self.warning = ""  # the colour the deadline scan should have stored by now

    @rule(delta=st.sampled_from(TICKS))
    def tick(self, delta):
        self.now += delta

    @rule()
    def scan(self):
        """The periodic deadline scan: the stored colour catches up; an overdue handle stage gets a system card."""
        case = fresh(self.case_id)
        before = snapshot(self.case_id)
        tasks.scan(self.now)
        after = snapshot(self.case_id)
        colour = deadlines.warning_at(case, self.now) if case.is_open else ""
        if colour:
            self.warning = colour
        assert after["warning"] == self.warning
        card = (
            colour == "red"
            and before["warning"] != "red"
            and case.stage == "handle"
            and case.supervision in (Supervision.NONE, Supervision.NORMAL)
        )
        assert after["events"] == before["events"] + card and after["version"] == before["version"] + card
        if card:
            event = CaseEvent.objects.filter(case_id=self.case_id).order_by("-seq").first()
            assert (event.action, event.role, event.actor_id) == ("supervise", "system", None)
            assert after["supervision"] == Supervision.YELLOW

    @rule(data=st.data())
    def act(self, data):
        w = self.world
        case = fresh(self.case_id)
        if self.failures_in_a_row > 5:  # a dead end (rejected, merged, rated to everyone's content…)
            self.report(self.now, urgent=data.draw(st.booleans(), label="urgent"))
            return
        # Most steps pick an action possible now by someone who may do it; the rest anything at all.
        plausible = data.draw(st.sampled_from([True, True, True, False]), label="plausible")
        if plausible and actions_from(case.status):
            # Sorted heaviest first: hypothesis draws the first element of a list more often than the rest.
            choices = sorted(actions_from(case.status), key=lambda a: -WEIGHT.get(a, 2))
            weighted = [a for a in choices for _ in range(WEIGHT.get(a, 2))]
            action = data.draw(st.sampled_from(weighted), label="action")
            rule_ = RULES[(case.status, action)]
            able = [p for p in PERSONAS if case_roles(w.users[p], case) & rule_.roles] or PERSONAS
            persona = data.draw(st.sampled_from(able), label="persona")
        else:
            action = data.draw(st.sampled_from(ACTIONS + NOT_ACTIONS), label="action")
            persona = data.draw(st.sampled_from(PERSONAS), label="persona")
        opinion = data.draw(st.sampled_from(["已到现场核实"] * 6 + ["", "  "]), label="opinion")
        version_mode = data.draw(st.sampled_from(["none"] * 6 + ["current", "stale"]), label="version")
        params = self.draw_params(data, case)
        self.apply(case, action, persona, opinion, version_mode, params)

    def draw_params(self, data, case) -> dict:
        w = self.world
        params: dict = {
            "extension": data.draw(st.sampled_from(["1d", "4h", "1d", "4h", "bad", ""]), label="extension"),
            "speed": data.draw(st.sampled_from([5, 2, 4, 0, 1, 3, 6]), label="speed"),
            "result": data.draw(st.sampled_from([4, 1, 5, 2, 0, 3, 6]), label="result"),
            "comment": data.draw(st.sampled_from(["", "满意"]), label="comment"),
            "supervision": data.draw(
                st.sampled_from(["", "normal", "yellow", "red", "purple", "yellow"]), label="supervision"
            ),
        }
        target = data.draw(
            st.sampled_from(["default", "default", "department", "grid1", "grid1", "grid2", "both"]), label="dispatch"
        )
        if target in ("department", "both"):
            params["department"] = w.department
        if target in ("grid1", "both"):
            params["region"] = w.grid1
        if target == "grid2":
            params["region"] = w.grid2
        merge = data.draw(st.sampled_from(["other", "other", "self", "missing", ""]), label="merge")
        params["duplicate_of"] = {
            "other": w.other_number,
            "self": case.number,
            "missing": "000000-20260101-9999",
            "": "",
        }[merge]
        for kind in ("photo_before", "photo_after"):
            photo = data.draw(st.sampled_from(["png"] * 6 + ["none", "junk"]), label=kind)
            if photo == "png":
                params[kind] = [SimpleUploadedFile(f"{kind}.png", w.png, content_type="image/png")]
            elif photo == "junk":
                params[kind] = [SimpleUploadedFile(f"{kind}.png", b"not an image", content_type="image/png")]
        return params

    def apply(self, case: Case, action, persona, opinion, version_mode, params):
        actor = self.world.users[persona]
        before = snapshot(self.case_id)
        roles = case_roles(actor, case)
        rule_ = RULES.get((case.status, action))
        expected_version = {"none": None, "current": case.version, "stale": case.version - 1}[version_mode]
        try:
            services.transition(
                case, action, actor=actor, opinion=opinion, expected_version=expected_version, at=self.now, **params
            )
        except (IllegalTransition, StaleCase, PermissionDenied, ValidationError) as exc:
            error = exc
        else:
            error = None
        after = snapshot(self.case_id)
        self.failures_in_a_row = 0 if error is None else self.failures_in_a_row + 1

        # (c) an error ⇔ nothing written, the row unchanged
        if error is not None:
            assert after == before, f"{action} by {persona} failed with {error!r} but changed the case"
        else:
            assert after["events"] == before["events"] + 1, f"{action} succeeded without exactly one event"

        # Which error, in the order transition checks them.
        if version_mode == "stale":
            assert isinstance(error, StaleCase), f"stale version: expected StaleCase, got {error!r}"
            return
        if rule_ is None:
            assert isinstance(error, IllegalTransition), f"{action} in {case.status}: expected 409, got {error!r}"
            return
        if not roles & rule_.roles:
            # (d) no role, no move
            assert isinstance(error, PermissionDenied), f"{persona} ({roles}) did {action}: got {error!r}"
            return
        if rule_.needs_opinion and not opinion.strip():
            assert isinstance(error, ValidationError) and "opinion" in error.message_dict, repr(error)
            return
        if error is not None:
            self.check_refusal(case, action, persona, params, error)
            return

        # (g) one version per success, (d) the role on the timeline allowed the move
        assert after["version"] == before["version"] + 1
        event = CaseEvent.objects.filter(case_id=self.case_id).order_by("-seq").first()
        assert event.action == action and event.from_status == case.status and event.to_status == rule_.to
        assert event.role in rule_.roles and event.role in roles
        assert event.at == self.now
        self.check_effect(case, before, after, action, actor, params, event)
        if clock_restarted(event) or action == "approve_extension":
            self.warning = ""  # a new clock or a new deadline: on time again

    def check_refusal(self, case, action, persona, params, error):
        """A permitted, well-formed action may still be refused by its effect: only for these reasons."""
        if action == "solve_on_spot":
            assert isinstance(error, ValidationError), repr(error)
            assert not all(params.get(k) and params[k][0].size > 20 for k in ("photo_before", "photo_after"))
        elif action in ("verify_pass", "verify_fail"):
            assert isinstance(error, PermissionDenied) and case.handled_by_id == self.world.users[persona].pk
        elif action == "dispatch":
            assert isinstance(error, ValidationError), repr(error)
            assert ("department" in params and "region" in params) or params.get("region") == self.world.grid2
        elif action in ("return", "request_extension"):
            if case.pending_request:
                assert isinstance(error, IllegalTransition)
            else:
                assert isinstance(error, ValidationError) and action == "request_extension"
                assert params["extension"] in ("bad", "")
        elif action in ("approve_return", "deny_return", "approve_extension", "deny_extension"):
            wanted = "return" if action.endswith("return") else "extension"
            assert isinstance(error, IllegalTransition) and case.pending_request != wanted
        elif action == "rate":
            assert isinstance(error, ValidationError)
            assert not (1 <= params["speed"] <= 5 and 1 <= params["result"] <= 5)
        elif action == "reopen":
            assert isinstance(error, IllegalTransition)
            roles = case_roles(self.world.users[persona], case)
            reporter_only = REPORTER in roles and Role.DUTY_CHIEF not in roles
            nobody = not (case.assigned_department_id or case.assigned_region_id or case.assigned_user_id)
            assert (reporter_only and case.satisfied is not False) or nobody
        elif action == "escalate":
            assert isinstance(error, IllegalTransition) and case.level == "district"
        elif action == "supervise":
            assert isinstance(error, ValidationError) and params["supervision"] == "purple"
        elif action == "mark_urgent":
            assert isinstance(error, IllegalTransition) and case.is_urgent
        elif action == "merge":
            assert isinstance(error, ValidationError) and params["duplicate_of"] != self.world.other_number
        elif action == "feedback":
            assert isinstance(error, ValidationError)
        else:
            raise AssertionError(f"{action} by {persona} was refused unexpectedly: {error!r}")

    def check_effect(self, case, before, after, action, actor, params, event):
        now_case = fresh(self.case_id)
        if action == "approve_extension":
            hours, days = workcal.parse_limit(before["pending_extension"])
            assert now_case.due_at == workcal.add_working_time(before["due_at"], hours=hours, days=days)
            assert now_case.stage_started_at == before["stage_started_at"]
        elif action == "solve_on_spot":
            assert case.category.on_spot
            kinds = set(CasePhoto.objects.filter(event=event).values_list("kind", flat=True))
            assert {"photo_before", "photo_after"} <= kinds
            assert now_case.handled_by_id == actor.pk
        elif action in ("verify_pass", "verify_fail"):
            assert before["handled_by_id"] != actor.pk
        elif action == "rate":
            assert 1 <= now_case.rating_speed <= 5 and 1 <= now_case.rating_result <= 5
        elif action == "reopen":
            roles = case_roles(actor, case)
            if REPORTER in roles and Role.DUTY_CHIEF not in roles:
                assert before["satisfied"] is False, "the reporter reopened without an unsatisfied rating"
        elif action == "merge":
            assert now_case.duplicate_of.number == self.world.other_number
        elif action == "dispatch":
            assert (now_case.assigned_department_id is None) != (now_case.assigned_region_id is None)
        if clock_restarted(event):
            assert now_case.stage_started_at == self.now
        elif action == "mark_urgent" and before["due_at"] is not None:
            # Urgency halves the running stage's limit: the deadline moves earlier, never later.
            assert now_case.stage_started_at == before["stage_started_at"]
            assert now_case.due_at <= before["due_at"]
        elif action != "approve_extension":
            assert now_case.due_at == before["due_at"] and now_case.stage_started_at == before["stage_started_at"]

    # --- invariants over the stored case ---------------------------------------------------------------

    @invariant()
    def timeline_replays_to_status(self):
        case = fresh(self.case_id)
        events = list(CaseEvent.objects.filter(case_id=self.case_id).order_by("seq"))
        # (h) seq 1..n
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        # (a) replay
        assert events[0].action == "report" and events[0].from_status == "" and events[0].to_status == Status.REPORTED
        for previous, event in zip(events, events[1:], strict=False):
            assert event.from_status == previous.to_status, f"#{event.seq} {event.action} does not continue"
        assert case.status == events[-1].to_status
        # (b) every later event is a rule of the table
        for event in events[1:]:
            rule_ = RULES.get((event.from_status, event.action))
            assert rule_ is not None and rule_.to == event.to_status, f"#{event.seq} {event.action} is no rule"
            # (e) finished cases move only by rate or reopen
            if event.from_status in FINISHED and event.to_status != event.from_status:
                assert event.action in ("rate", "reopen")
            if event.action == "callback":
                assert event.to_status == event.from_status
        # (g) one version per transition
        assert case.version == len(events) - 1

    @invariant()
    def clock_follows_the_stage(self):
        case = fresh(self.case_id)
        stage = STAGE_OF_STATUS.get(case.status, "")
        assert case.stage == stage
        assert (case.due_at is None) == (stage == "")
        assert (case.warn_at is None) == (stage == "")
        if not stage:
            return
        events = list(CaseEvent.objects.filter(case_id=self.case_id).order_by("seq"))
        last_start = max(i for i, e in enumerate(events) if clock_restarted(e))
        assert case.stage_started_at == events[last_start].at
        moves = [e for e in events[last_start + 1 :] if e.action in ("approve_extension", "mark_urgent")]
        if moves:
            assert case.due_at == datetime.fromisoformat(moves[-1].data["due_at"])
        else:
            assert case.due_at == workcal.deadline(case.stage_started_at, deadlines.stage_limit(case, stage))
        assert case.warn_at == deadlines.warn_time(case.stage_started_at, case.due_at)
        assert case.warning == self.warning  # only the periodic scan sets it, a new clock clears it

    @invariant()
    def overdue_tally_counts_what_is_overdue(self):
        """The screen's "overdue now" (tally, deltas and the cases the scan has not reached) equals the
        cases table, for the city, the grid, the department, and per child region on the maps."""
        w = self.world
        grid = Region.objects.get(code=w.grid1)
        department = Department.objects.get(code=w.department)
        late = Case.objects.filter(due_at__lte=self.now, status__in=OPEN_STATUSES)
        for node in (grid.path[:10], grid.path[:-10], grid.path):
            assert overdue.count(node, self.now) == late.filter(region_path__startswith=node).count(), node
        mine = late.filter(assigned_department=department)
        assert overdue.count(f"D{department.pk}", self.now) == mine.count()
        community = grid.path[:-10]
        width = len(community) + 10
        raw = Counter(
            path[:width]
            for path in late.filter(region_path__startswith=community).values_list("region_path", flat=True)
        )
        assert +overdue.count_by_child(community, width, self.now) == raw
        raw = Counter(
            path[:width]
            for path in mine.filter(region_path__startswith=community).values_list("region_path", flat=True)
        )
        assert +overdue.count_by_child(community, width, self.now, department.pk) == raw


STEPS = 40
EXAMPLES = 15


@pytest.mark.django_db
def test_workflow_state_machine(settings_fixture_media):
    WorkflowMachine.world = build_world()
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        ),
    )


@pytest.fixture
def settings_fixture_media(settings, tmp_path):
    """Photos go to a temporary media root."""
    settings.MEDIA_ROOT = tmp_path
    forget_calendar()
    yield
    forget_calendar()
