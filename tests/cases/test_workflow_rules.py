"""The workflow table, pair by pair: what is illegal, who may not, and the rules that need more than a role."""

import io
import json
from datetime import datetime, timedelta

import pytest
import shapely
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.common import _english  # noqa: F401
from wangge.accounts.models import Membership, Role, User
from wangge.cases import services
from wangge.cases.models import Case, CaseEvent, CasePhoto, Category, Status
from wangge.cases.permissions import allowed_actions, case_roles
from wangge.cases.services import IllegalTransition, Report
from wangge.cases.workflow import ACTIONS, RULES
from wangge.workcalendar.calendar import CALENDAR_TZ, forget_calendar

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=CALENDAR_TZ)  # a Monday morning
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
OPINION = "已到现场核实"


@pytest.fixture(autouse=True)
def _media_and_calendar(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forget_calendar()
    yield
    forget_calendar()


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (30, 120, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def photos() -> dict:
    return {"photo_before": [png("before.png")], "photo_after": [png("after.png")]}


class Town:
    """The demo personas, a point in gridworker1's grid and the categories these tests use."""

    def __init__(self):
        self.users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
        self.grid1 = Membership.objects.get(user=self.users["gridworker1"], role=Role.GRID_WORKER).region
        self.grid2 = Membership.objects.get(user=self.users["gridworker2"], role=Role.GRID_WORKER).region
        point = shapely.from_geojson(json.dumps(self.grid1.boundary)).representative_point()
        self.lon, self.lat = point.x, point.y
        subclasses = Category.objects.filter(parent__isnull=False, is_active=True, department_kind="city_management")
        # Handled by the street's command centre, cannot be solved on the spot.
        self.street = subclasses.filter(default_level="street", on_spot=False).order_by("code").first()
        # Handled in the grid, may be solved on the spot.
        self.on_spot = subclasses.filter(default_level="grid", on_spot=True).order_by("code").first()
        assert self.street is not None and self.on_spot is not None
        self.clock = T0

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=5)
        return self.clock

    def report(self, category=None, reporter="resident1") -> Case:
        case, _created = services.report_case(
            actor=self.users[reporter],
            report=Report(category=(category or self.street).code, description="路灯不亮", lon=self.lon, lat=self.lat),
            at=self.tick(),
        )
        return case

    def act(self, case, action, who, **params) -> Case:
        return services.transition(case, action, actor=self.users[who], at=self.tick(), **params)

    def drive(self, status: str, category=None) -> Case:
        """A case brought to ``status`` along the ordinary path."""
        case = self.report(category)
        if status == Status.MERGED:
            return self.act(case, "merge", "operator", duplicate_of=self.report(category).number)
        if status == Status.REJECTED:
            return self.act(case, "reject", "operator", opinion="不属于受理范围")
        path = [
            (Status.ACCEPTED, "accept", "operator", {}),
            (Status.DISPATCHED, "dispatch", "dispatcher", {}),
            (Status.IN_PROGRESS, "sign", "department1", {}),
            (Status.HANDLED, "feedback", "department1", {"opinion": "已修复", **photos()}),
            (Status.VERIFIED, "verify_pass", "gridworker1", {}),
            (Status.CLOSED, "close", "operator", {}),
            (Status.RATED, "rate", "resident1", {"speed": 5, "result": 5}),
        ]
        if status == Status.PARKED:
            path = [path[0], (Status.PARKED, "park", "dutychief", {"opinion": "需长期整治"})]
        for reached, action, who, params in path:
            if case.status == status:
                break
            case = self.act(case, action, who, **params)
            assert case.status == reached
        assert case.status == status
        return case


@pytest.fixture
def town(db):
    return Town()


def state(case: Case) -> dict:
    row = Case.objects.filter(pk=case.pk).values().get()
    row["events"] = CaseEvent.objects.filter(case=case).count()
    row["photos"] = CasePhoto.objects.filter(case=case).count()
    return row


def refused(town, case, action, who, error, **params):
    """``action`` by ``who`` raises ``error`` and writes nothing."""
    before = state(case)
    with pytest.raises(error):
        town.act(case, action, who, **params)
    assert state(case) == before, f"{action} by {who} was refused but changed the case"


def full_params(town, case) -> dict:
    """Parameters that satisfy every action's own checks, so only the table or the role can refuse."""
    return {"opinion": OPINION, "extension": "1d", "speed": 4, "result": 4, **photos()}


# --- the table ---------------------------------------------------------------------------------------

STATUSES = list(Status.values)


@pytest.mark.parametrize("status", STATUSES)
def test_every_pair_outside_the_table_is_illegal_and_writes_nothing(town, status):
    case = town.drive(status, town.on_spot if status == Status.REPORTED else None)
    illegal = [a for a in [*ACTIONS, "report", "warn", "overdue", "no_such_action"] if (status, a) not in RULES]
    assert illegal, status
    for action in illegal:
        for who in ("admin", "dutychief", "resident1"):
            refused(town, case, action, who, IllegalTransition, **full_params(town, case))


@pytest.mark.parametrize("status", STATUSES)
def test_roles_outside_the_rule_are_refused_and_write_nothing(town, status):
    case = town.drive(status)
    legal = [a for (s, a) in RULES if s == status]
    checked = 0
    for action in legal:
        rule = RULES[(status, action)]
        for who in PERSONAS:
            if case_roles(town.users[who], case) & rule.roles:
                continue
            refused(town, case, action, who, PermissionDenied, **full_params(town, case))
            checked += 1
    assert checked or not legal


# Who may press which button on a street-handled case (dispatched to city management, reported by
# resident1 inside gridworker1's grid). The table is written out by hand so that a change of roles shows.
WHO_MAY = {
    (Status.REPORTED, "accept"): {"operator", "dispatcher", "dutychief", "admin"},
    (Status.REPORTED, "reject"): {"operator", "dispatcher", "dutychief", "admin"},
    (Status.REPORTED, "solve_on_spot"): {"gridworker1", "gridchief1"},
    (Status.ACCEPTED, "dispatch"): {"operator", "dispatcher", "dutychief", "admin"},
    (Status.ACCEPTED, "park"): {"dispatcher", "dutychief", "admin"},
    (Status.DISPATCHED, "sign"): {"department1"},
    (Status.DISPATCHED, "return"): {"department1"},
    (Status.IN_PROGRESS, "feedback"): {"department1"},
    (Status.IN_PROGRESS, "request_extension"): {"department1"},
    (Status.IN_PROGRESS, "approve_extension"): {"dispatcher", "dutychief", "admin"},
    (Status.HANDLED, "verify_pass"): {"gridworker1", "gridchief1", "operator", "dispatcher", "dutychief", "admin"},
    (Status.VERIFIED, "close"): {"operator", "dispatcher", "dutychief", "admin"},
    (Status.CLOSED, "callback"): {"operator", "dispatcher", "dutychief", "admin"},
    (Status.CLOSED, "rate"): {"resident1", "operator", "admin"},
    (Status.CLOSED, "reopen"): {"dutychief", "admin"},
    (Status.RATED, "reopen"): {"resident1", "dutychief", "admin"},
    (Status.PARKED, "unpark"): {"dispatcher", "dutychief", "admin"},
    (Status.IN_PROGRESS, "supervise"): {"dutychief", "leader", "admin"},
}


@pytest.mark.parametrize(("status", "action"), list(WHO_MAY), ids=[f"{s}-{a}" for s, a in WHO_MAY])
def test_who_may_act_on_a_street_case(town, status, action):
    case = town.drive(status)
    may = {who for who in PERSONAS if action in allowed_actions(town.users[who], case)}
    assert may == WHO_MAY[(status, action)]


# --- rules that need more than a role --------------------------------------------------------------


def test_a_verifier_cannot_verify_their_own_handling(town):
    case = town.act(town.report(town.on_spot), "solve_on_spot", "gridworker1", **photos())
    assert case.status == Status.HANDLED and case.handled_by == town.users["gridworker1"]
    for action in ("verify_pass", "verify_fail"):
        refused(town, case, action, "gridworker1", PermissionDenied, opinion=OPINION)
    case = town.act(case, "verify_fail", "community1", opinion="未清理干净")
    assert case.status == Status.IN_PROGRESS and case.rework_count == 1 and case.handled_by is None
    # The grid worker handles it again; once more they may not verify it, somebody else may.
    case = town.act(case, "feedback", "gridworker1", opinion="已清理", **photos())
    refused(town, case, "verify_pass", "gridworker1", PermissionDenied)
    case = town.act(case, "verify_pass", "gridchief1")
    assert case.status == Status.VERIFIED


def test_a_department_handler_is_verified_by_someone_else(town):
    case = town.drive(Status.HANDLED)
    assert case.handled_by == town.users["department1"]
    refused(town, case, "verify_pass", "department1", PermissionDenied)  # not a verifier at all
    assert town.act(case, "verify_pass", "gridworker1").status == Status.VERIFIED


def test_reopen_by_the_reporter_only_after_an_unsatisfied_rating(town):
    closed = town.drive(Status.CLOSED)
    refused(town, closed, "reopen", "resident1", PermissionDenied, opinion="还是坏的")  # rate first

    satisfied = town.act(closed, "rate", "resident1", speed=5, result=4)
    assert satisfied.status == Status.RATED and satisfied.satisfied is True
    refused(town, satisfied, "reopen", "resident1", IllegalTransition, opinion="还是坏的")
    refused(town, satisfied, "reopen", "resident1", ValidationError)  # and never without a reason

    unhappy = town.act(town.drive(Status.CLOSED), "rate", "resident1", speed=4, result=2)
    assert unhappy.satisfied is False
    refused(town, unhappy, "reopen", "gridworker1", PermissionDenied, opinion="还是坏的")
    reopened = town.act(unhappy, "reopen", "resident1", opinion="还是坏的")
    assert reopened.status == Status.DISPATCHED and reopened.reopen_count == 1
    assert reopened.satisfied is None and reopened.rating_result is None and reopened.closed_at is None
    assert reopened.assigned_department is not None  # back to the department that handled it

    # The duty chief may reopen a satisfied case too.
    other = town.act(town.drive(Status.CLOSED), "rate", "resident1", speed=5, result=5)
    assert town.act(other, "reopen", "dutychief", opinion="复查发现问题").status == Status.DISPATCHED


def test_a_rating_is_one_to_five(town):
    case = town.drive(Status.CLOSED)
    for speed, result in ((0, 3), (3, 6), (None, 3), ("x", 3)):
        refused(town, case, "rate", "resident1", ValidationError, speed=speed, result=result)
    assert town.act(case, "rate", "resident1", speed=1, result=5).satisfied is False


def test_escalate_climbs_grid_community_street_district(town):
    case = town.report(town.on_spot)
    community, street, district = (
        Membership.objects.get(user=town.users[who]).region for who in ("community1", "dispatcher", "admin")
    )
    assert (case.level, case.handling_region) == ("grid", town.grid1)
    assert town.grid1.path.startswith(community.path) and community.path.startswith(street.path)
    ladder = [
        # level, handling region, who receives it (may accept), who may no longer (or never could)
        ("community", community, {"community1", "gridchief1"}, {"gridworker1", "gridworker2"}),
        ("street", street, {"operator", "dispatcher", "dutychief"}, {"community1", "gridchief1", "gridworker1"}),
        ("district", district, {"admin"}, {"operator", "dispatcher", "dutychief", "community1", "gridchief1"}),
    ]
    whistle = "gridworker1"  # the grid worker blows the whistle first, then each receiving centre
    for level, region, receivers, others in ladder:
        case = town.act(case, "escalate", whistle, opinion="本级无法解决")
        assert (case.level, case.handling_region, case.status) == (level, region, Status.REPORTED)
        event = case.events.order_by("-seq").first()
        assert event.data["level"] == level and event.data["region"] == region.code
        for who in receivers:
            assert "accept" in allowed_actions(town.users[who], case), (level, who)
        for who in others:
            refused(town, case, "accept", who, PermissionDenied)
        whistle = sorted(receivers)[0]
    refused(town, case, "escalate", "admin", IllegalTransition, opinion="再往上")
    assert town.act(case, "accept", "admin").status == Status.ACCEPTED


def test_escalating_a_dispatched_case_takes_it_back_from_the_assignee(town):
    case = town.drive(Status.IN_PROGRESS)
    case = town.act(case, "escalate", "department1", opinion="超出本部门职权")
    assert case.status == Status.ACCEPTED and case.level == "district"
    assert case.assigned_department is None and case.assigned_user is None
    refused(town, case, "dispatch", "dispatcher", PermissionDenied)
    assert town.act(case, "dispatch", "admin").status == Status.DISPATCHED


@pytest.mark.parametrize(
    ("status", "approve", "deny", "ask", "params"),
    [
        (Status.IN_PROGRESS, "approve_extension", "deny_extension", "request_extension", {"extension": "1d"}),
        (Status.IN_PROGRESS, "approve_return", "deny_return", "return", {}),
        (Status.DISPATCHED, "approve_return", "deny_return", "return", {}),
    ],
)
def test_approve_and_deny_need_a_pending_request(town, status, approve, deny, ask, params):
    case = town.drive(status)
    refused(town, case, approve, "dutychief", IllegalTransition, opinion=OPINION)
    refused(town, case, deny, "dutychief", IllegalTransition, opinion=OPINION)
    case = town.act(case, ask, "department1", opinion="需要协调", **params)
    assert case.pending_request and case.status == status
    refused(town, case, ask, "department1", IllegalTransition, opinion="再申请一次", **params)  # one at a time
    case = town.act(case, deny, "dutychief", opinion="请继续处理")
    assert not case.pending_request and not case.pending_extension
    refused(town, case, deny, "dutychief", IllegalTransition, opinion=OPINION)  # nothing left to deny
    case = town.act(case, ask, "department1", opinion="需要协调", **params)
    due = case.due_at
    case = town.act(case, approve, "dutychief")
    assert not case.pending_request
    if approve == "approve_extension":
        assert case.status == Status.IN_PROGRESS and case.due_at > due and case.extension_count == 1
    else:
        assert case.status == Status.ACCEPTED and case.assigned_department is None and case.return_count == 1
    refused(town, case, approve, "dutychief", IllegalTransition)


def test_an_extension_must_be_a_time_limit(town):
    case = town.drive(Status.IN_PROGRESS)
    for extension in ("", "bad", "0h", "1.5d"):
        refused(
            town, case, "request_extension", "department1", ValidationError, opinion="需要时间", extension=extension
        )


def test_merge_requires_another_case(town):
    case = town.report()
    refused(town, case, "merge", "operator", ValidationError)  # no number
    refused(town, case, "merge", "operator", ValidationError, duplicate_of=case.number)  # itself
    refused(town, case, "merge", "operator", ValidationError, duplicate_of="000000-20260101-9999")
    merged = town.act(town.report(), "merge", "operator", duplicate_of=town.report().number)
    refused(town, case, "merge", "operator", ValidationError, duplicate_of=merged.number)  # into a merged one
    target = town.report()
    case = town.act(case, "merge", "operator", duplicate_of=target.number)
    assert case.status == Status.MERGED and case.duplicate_of == target
    assert case.due_at is None and case.stage == ""


def test_solve_on_spot_requires_both_photos_and_an_on_spot_category(town):
    case = town.report(town.on_spot)
    refused(town, case, "solve_on_spot", "gridworker1", ValidationError)
    refused(town, case, "solve_on_spot", "gridworker1", ValidationError, photo_before=[png()])
    refused(town, case, "solve_on_spot", "gridworker1", ValidationError, photo_after=[png()])
    junk = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    refused(town, case, "solve_on_spot", "gridworker1", ValidationError, photo_before=[junk], photo_after=[png()])
    refused(town, case, "solve_on_spot", "gridworker2", PermissionDenied, **photos())  # another grid
    refused(town, case, "solve_on_spot", "operator", PermissionDenied, **photos())  # not a grid role

    street_case = town.report(town.street)
    refused(town, street_case, "solve_on_spot", "gridworker1", IllegalTransition, **photos())

    case = town.act(case, "solve_on_spot", "gridworker1", **photos())
    assert case.status == Status.HANDLED and case.stage == "verify"
    event = case.events.order_by("-seq").first()
    assert sorted(event.photos.values_list("kind", flat=True)) == ["photo_after", "photo_before"]


def test_opinion_is_required_where_the_rule_says(town):
    case = town.report()
    for action in ("reject", "escalate", "supervise"):
        refused(town, case, action, "dutychief", ValidationError, opinion="   ")
    refused(town, case, "supervise", "dutychief", ValidationError, opinion=OPINION, supervision="purple")


def test_a_stale_version_is_refused(town):
    case = town.report()
    refused(town, case, "accept", "operator", services.StaleCase, expected_version=case.version + 1)
    assert town.act(case, "accept", "operator", expected_version=case.version).version == case.version + 1
