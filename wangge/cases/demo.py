"""Demo cases: a few thousand over two years, every status, timelines that follow the workflow table.

Written with bulk inserts (a case through ``transition`` costs milliseconds; the demo needs seconds):
each case follows one of a set of realistic paths, cut short for recent cases so that every open
status appears, and every step is checked against ``workflow.RULES`` before it is written.
"""

import io
import json
import random
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from wangge.accounts.models import Department, Membership, Role, User
from wangge.cases import deadlines, services
from wangge.cases.models import (
    Case,
    CaseEvent,
    CaseSequence,
    Category,
    HandlingLevel,
    Source,
    Status,
)
from wangge.cases.services import level_of
from wangge.cases.workflow import RULES, STAGE_OF_STATUS
from wangge.core import pii
from wangge.regions.models import Level, Region
from wangge.workcalendar import calendar as workcal

DESCRIPTIONS = Path(__file__).resolve().parent / "data" / "descriptions.jsonl"

PATHS = {
    "department": ["accept", "dispatch", "sign", "feedback", "verify_pass", "close", "rate"],
    "grid": ["accept", "dispatch_grid", "sign", "feedback", "verify_pass", "close", "rate"],
    "on_spot": ["solve_on_spot", "verify_pass", "close", "rate"],
    "rework": ["accept", "dispatch", "sign", "feedback", "verify_fail", "feedback", "verify_pass", "close", "rate"],
    "extension": [
        "accept",
        "dispatch",
        "sign",
        "request_extension",
        "approve_extension",
        "feedback",
        "verify_pass",
        "close",
        "rate",
    ],
    "returned": [
        "accept",
        "dispatch",
        "return",
        "approve_return",
        "dispatch",
        "sign",
        "feedback",
        "verify_pass",
        "close",
        "rate",
    ],
    "reopened": [
        "accept",
        "dispatch",
        "sign",
        "feedback",
        "verify_pass",
        "close",
        "rate_bad",
        "reopen",
        "sign",
        "feedback",
        "verify_pass",
        "close",
        "rate",
    ],
    "escalated": ["accept", "escalate", "dispatch", "sign", "feedback", "verify_pass", "close", "rate"],
    "rejected": ["reject"],
    "merged": ["merge"],
    "parked": ["accept", "park"],
}
PATH_WEIGHTS = {
    "department": 40,
    "grid": 18,
    "on_spot": 12,
    "rework": 6,
    "extension": 5,
    "returned": 3,
    "reopened": 3,
    "escalated": 3,
    "rejected": 5,
    "merged": 3,
    "parked": 2,
}
SOURCE_WEIGHTS = {
    Source.PATROL: 40,
    Source.RESIDENT: 25,
    Source.HOTLINE: 20,
    Source.VISIT: 6,
    Source.SENSOR: 4,
    Source.VIDEO: 3,
    Source.INSPECTION: 2,
}
OPINIONS = {
    "reject": ["不属于受理范围，已告知当事人", "重复上报，已合并处理", "经核实情况不属实"],
    "feedback": ["已到现场处置完毕，现场已恢复", "已协调相关单位完成整改", "已清理完毕，并做好宣传劝导"],
    "verify_fail": ["现场核查仍有残留，请返工", "整改不彻底，请重新处理"],
    "request_extension": ["需协调产权单位，申请延期", "材料采购需要时间，申请延期两天"],
    "return": ["不属于本部门职责，申请退回改派"],
    "escalate": ["涉及多个部门，提请街道吹哨协调"],
    "park": ["历史遗留问题，需专项资金，暂时挂账"],
    "reopen": ["问题反弹，居民不满意，重新办理"],
    "merge": ["与已有工单为同一问题"],
}


# Who writes a source's text: a resident's report reads like a resident, a hotline order like a summary.
REGISTER_OF_SOURCE = {
    Source.RESIDENT: "resident",
    Source.HOTLINE: "hotline",
    Source.PATROL: "grid",
    Source.VISIT: "grid",
}


def _texts_by_category(rng) -> dict[str, list[str]]:
    """Descriptions per category, and per (category, register) for the sources that have a register."""
    texts: dict = defaultdict(list)
    if DESCRIPTIONS.exists():
        for line in DESCRIPTIONS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts[row["category"]].append(row["text"])
                texts[(row["category"], row.get("register"))].append(row["text"])
    return texts


def _text_for(texts, category, source, micro, rng) -> str:
    choices = texts.get((category.code, REGISTER_OF_SOURCE.get(source))) or texts.get(category.code)
    return rng.choice(choices) if choices else f"{category.name}：{micro.name}附近"


def _point_in(region: Region, rng: random.Random) -> tuple[float, float]:
    polygon = shapely.from_geojson(json.dumps(region.boundary))
    for _ in range(50):
        lon = rng.uniform(region.min_lon, region.max_lon)
        lat = rng.uniform(region.min_lat, region.max_lat)
        if polygon.contains(shapely.Point(lon, lat)):
            return round(lon, 6), round(lat, 6)
    return region.center_lon, region.center_lat


class _People:
    """Who acts where: centre staff per street and community, grid workers per grid, departments."""

    def __init__(self):
        by_region: dict[int, dict[str, list[User]]] = defaultdict(lambda: defaultdict(list))
        by_department: dict[int, list[User]] = defaultdict(list)
        for membership in Membership.objects.select_related("user").filter(is_active=True):
            by_region[membership.region_id][membership.role].append(membership.user)
            if membership.department_id:
                by_department[membership.department_id].append(membership.user)
        self.by_region = by_region
        self.by_department = by_department
        self.residents = [m.user for m in Membership.objects.select_related("user").filter(role=Role.RESIDENT)]

    def one(self, region: Region, roles, rng) -> User | None:
        for role in roles:
            users = self.by_region[region.pk][role]
            if users:
                return rng.choice(users)
        return None


@transaction.atomic
def create_demo_cases(*, count: int = 3000, seed: int = 2026, now: datetime | None = None) -> int:
    rng = random.Random(seed)
    now = now or timezone.now()
    subclasses = list(Category.objects.filter(parent__isnull=False, is_active=True))
    if not subclasses:
        return 0
    texts = _texts_by_category(rng)
    regions = {r.pk: r for r in Region.objects.filter(is_active=True)}
    micro_grids = [r for r in regions.values() if r.level == Level.MICRO_GRID and r.boundary]
    departments = list(Department.objects.prefetch_related("jurisdictions"))
    people = _People()
    sequences: dict[tuple[str, object], int] = defaultdict(int)
    cases, events = [], []
    for index in range(count):
        # More recent cases than old ones, and some more in the last weeks (fading with age, no step in the
        # trend) so that every open status shows.
        age_days = rng.expovariate(1 / 10) % 30 if rng.random() < 0.07 else rng.triangular(0, 730, 0)
        created = now - timedelta(days=age_days, minutes=rng.randint(0, 600))
        created = workcal.add_working_time(created, hours=0) if rng.random() < 0.8 else created
        if created > now:
            created = now - timedelta(minutes=rng.randint(5, 600))
        waiting = rng.random() < 0.006  # reported in the last hours, still waiting for the centre
        if waiting:
            created = now - timedelta(minutes=rng.uniform(5, 100))
        stalled = not waiting and rng.random() < 0.012  # stuck for days: every street has some overdue cases
        if stalled:
            created = now - timedelta(days=rng.uniform(3, 10))
        category = rng.choice(subclasses)
        micro = rng.choice(micro_grids)
        case, case_events = _one_case(
            index,
            created,
            now,
            category,
            micro,
            regions,
            departments,
            people,
            texts,
            rng,
            waiting=waiting,
            stalled=stalled,
        )
        day = timezone.localtime(created).date()
        sequences[(case.district_code, day)] += 1
        case.number = f"{case.district_code}-{day:%Y%m%d}-{sequences[(case.district_code, day)]:04d}"
        cases.append(case)
        events.append(case_events)
    Case.objects.bulk_create(cases, batch_size=500)
    for case, case_events in zip(cases, events, strict=True):
        for event in case_events:
            event.case_id = case.pk
    CaseEvent.objects.bulk_create([e for group in events for e in group], batch_size=2000)
    through = Case.involved_departments.through
    through.objects.bulk_create(
        [through(case_id=c.pk, department_id=c.assigned_department_id) for c in cases if c.assigned_department_id],
        batch_size=2000,
    )
    CaseSequence.objects.bulk_create(
        [CaseSequence(district_code=d, day=day, last=n) for (d, day), n in sequences.items()],
        update_conflicts=True,
        unique_fields=["district_code", "day"],
        update_fields=["last"],
    )
    return len(cases)


def _one_case(
    index, created, now, category, micro, regions, departments, people, texts, rng, *, waiting=False, stalled=False
):
    grid = regions[micro.parent_id]
    community = regions[grid.parent_id]
    street = regions[community.parent_id]
    lon, lat = _point_in(micro, rng)
    source = rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
    text = _text_for(texts, category, source, micro, rng)
    handling = {HandlingLevel.GRID: grid, HandlingLevel.COMMUNITY: community}.get(category.default_level, street)
    # Most residents report without an account (with a phone); a few reports belong to demo residents.
    reporter = (
        rng.choice(people.residents) if source == Source.RESIDENT and people.residents and rng.random() < 0.01 else None
    )
    if source == Source.PATROL:
        reporter = people.one(grid, (Role.GRID_WORKER,), rng)
    case = Case(
        source=source,
        category=category,
        title=text.splitlines()[0][:40],
        description=text,
        lon=lon,
        lat=lat,
        address=f"{community.name}{micro.name}",
        region=micro,
        region_path=micro.path,
        grid=grid,
        district_code=micro.district_code,
        level=level_of(handling),
        handling_region=handling,
        handling_path=handling.path,
        status=Status.REPORTED,
        reporter=reporter,
        reporter_name=(reporter.display_name if reporter else rng.choice(["热心市民", "匿名居民", "12345来电人"])),
        created_at=created,
    )
    if reporter is None and source in (Source.RESIDENT, Source.HOTLINE):
        phone = f"139{rng.randrange(10**8):08d}"
        case.contact_phone_encrypted = pii.encrypt(phone)
        case.contact_phone_masked = pii.mask_phone(phone)
    events = [
        CaseEvent(
            seq=1,
            action="report",
            actor=reporter,
            actor_name=case.reporter_name,
            role=Role.GRID_WORKER if source == Source.PATROL else Role.RESIDENT,
            from_status="",
            to_status=Status.REPORTED,
            at=created,
        )
    ]
    path_name = rng.choices(list(PATH_WEIGHTS), weights=list(PATH_WEIGHTS.values()))[0]
    if path_name == "on_spot" and not (category.on_spot and source == Source.PATROL and reporter):
        path_name = "department"
    if path_name == "grid" or (path_name == "department" and category.default_level == HandlingLevel.GRID):
        path_name = "grid"
    steps = PATHS[path_name]
    # A case stops where now falls in its timeline: recent cases are open at every status, and an open
    # case is overdue only when its current step is one of the slow ones.
    if waiting:
        steps = steps[: rng.randint(0, 2)]
    elif stalled:
        steps = steps[: rng.randint(1, max(1, len(steps) - 3))]
    elif steps[-1] == "rate" and rng.random() < 0.25:  # not every reporter rates: the case stays closed
        steps = steps[:-1]
    clock = created
    stage_start = created
    deadlines.start_clock(case, STAGE_OF_STATUS[Status.REPORTED], created)
    for action in steps:
        clock = _advance(clock, category, case.status, rng)
        if clock >= now:
            break
        done = _apply(case, action, clock, grid, street, departments, people, rng)
        if done is None:  # e.g. no level left to escalate to: the case goes on without that step
            continue
        actor, role, data, opinion = done
        rule = RULES[(events[-1].to_status, _rule_action(action))]
        # Like services._event: the step ends the current stage, judged against that stage's deadline.
        stage_due = case.due_at if case.stage else None
        events.append(
            CaseEvent(
                seq=len(events) + 1,
                action=_rule_action(action),
                actor=actor,
                actor_name=(actor.display_name or actor.username) if actor else "",
                role=role,
                from_status=events[-1].to_status,
                to_status=rule.to,
                opinion=opinion,
                data=data,
                at=clock,
                stage=case.stage or "",
                stage_due_at=stage_due,
                on_time=None if stage_due is None else clock <= stage_due,
            )
        )
        if rule.to != case.status or action in ("dispatch", "dispatch_grid", "escalate"):
            stage_start = clock
            deadlines.start_clock(case, STAGE_OF_STATUS.get(rule.to, ""), clock)
        elif action == "approve_extension":
            deadlines.extend(case, "2d")
        case.status = rule.to
    case.version = len(events) - 1
    case.stage_started_at = stage_start if case.stage else None
    case.warning = deadlines.warning_at(case, now)
    return case, events


def _rule_action(action: str) -> str:
    return {"dispatch_grid": "dispatch", "rate_bad": "rate"}.get(action, action)


def _advance(clock, category, status, rng):
    """Time to the next step: usually within the stage's limit, sometimes late."""
    stage = STAGE_OF_STATUS.get(status)
    limit = category.limit_for(
        {
            "accept": "accept",
            "dispatch": "accept",
            "sign": "sign",
            "handle": "handle",
            "verify": "verify",
            "close": "verify",
        }.get(stage, "verify")
    )
    hours, days = workcal.parse_limit(limit)
    budget = hours + days * 7.5
    share = 1.3 if rng.random() < 0.03 else rng.choice([0.1, 0.2, 0.3, 0.5, 0.7, 0.9])  # a few steps are late
    return workcal.add_working_time(clock, hours=max(budget * share, 0.05))


def _centre(
    region,
    people,
    rng,
    roles=(Role.DISPATCHER, Role.COMMAND_OPERATOR, Role.DUTY_CHIEF, Role.COMMUNITY_STAFF, Role.GRID_CHIEF),
):
    actor = people.one(region, roles, rng)
    return actor, (_role_of(actor, region, people) if actor else "")


def _role_of(user, region, people) -> str:
    for role, users in people.by_region[region.pk].items():
        if user in users:
            return role
    return ""


def _apply(case, action, clock, grid, street, departments, people, rng):
    handling = case.handling_region
    opinion = rng.choice(OPINIONS.get(_rule_action(action), [""]))
    if action == "accept":
        case.accepted_at = clock
        return (*_centre(handling, people, rng), {}, "")
    if action in ("reject", "park", "merge"):
        actor, role = _centre(handling, people, rng)
        return actor, role, {}, opinion
    if action == "escalate":
        parent = street if handling.pk != street.pk else None
        if parent is None:
            return None
        actor, role = _centre(handling, people, rng)
        case.handling_region, case.handling_path, case.level = street, street.path, HandlingLevel.STREET
        return actor, role, {"level": "street", "region": street.code}, opinion
    if action == "dispatch":
        department = _department_for(case, departments, rng)
        case.assigned_department, case.assigned_region, case.assigned_user = department, None, None
        case.dispatched_at = clock
        actor, role = _centre(case.handling_region, people, rng)
        return actor, role, {"department": department.code, "department_name": department.name}, ""
    if action == "dispatch_grid":
        case.assigned_department, case.assigned_region, case.assigned_user = None, grid, None
        case.dispatched_at = clock
        actor, role = _centre(case.handling_region, people, rng)
        return actor, role, {"region": grid.code, "region_name": grid.name}, ""
    if action == "sign":
        actor = _assignee(case, people, grid, rng)
        case.assigned_user = actor
        return actor, "assignee", {}, ""
    if action == "return":
        return _assignee(case, people, grid, rng), "assignee", {}, opinion
    if action == "approve_return":
        case.return_count += 1
        case.assigned_department = case.assigned_region = case.assigned_user = None
        return (*_centre(case.handling_region, people, rng, (Role.DUTY_CHIEF, Role.DISPATCHER)), {}, "")
    if action == "request_extension":
        return _assignee(case, people, grid, rng), "assignee", {"extension": "2d"}, opinion
    if action == "approve_extension":
        case.extension_count += 1
        return (
            *_centre(case.handling_region, people, rng, (Role.DUTY_CHIEF, Role.DISPATCHER)),
            {"extension": "2d"},
            "",
        )
    if action in ("feedback", "solve_on_spot"):
        actor = case.reporter if action == "solve_on_spot" else _assignee(case, people, grid, rng)
        case.handled_by, case.handled_at = actor, clock
        if action == "solve_on_spot":
            case.level, case.handling_region, case.handling_path = HandlingLevel.GRID, grid, grid.path
            case.assigned_user = actor
            case.accepted_at = case.dispatched_at = clock
        return actor, Role.GRID_WORKER if action == "solve_on_spot" else "assignee", {}, opinion
    if action in ("verify_pass", "verify_fail"):
        actor = people.one(grid, (Role.GRID_WORKER, Role.GRID_CHIEF), rng)
        if actor is not None and case.handled_by_id == actor.pk:
            actor, role = _centre(street, people, rng, (Role.COMMAND_OPERATOR,))
        else:
            role = Role.GRID_WORKER
        if action == "verify_fail":
            case.rework_count += 1
            case.handled_by = None
        return actor, role, {}, opinion if action == "verify_fail" else ""
    if action == "close":
        case.closed_at = clock
        return (*_centre(case.handling_region, people, rng), {}, "")
    if action in ("rate", "rate_bad"):
        good = action == "rate" and rng.random() < 0.9
        speed, result = (rng.choice([4, 5]), rng.choice([4, 5])) if good else (rng.choice([1, 2]), rng.choice([1, 2]))
        case.rating_speed, case.rating_result, case.satisfied = speed, result, good
        by_reporter = case.reporter is not None and case.source == Source.RESIDENT
        actor = case.reporter if by_reporter else people.one(street, (Role.COMMAND_OPERATOR,), rng)
        role = "reporter" if by_reporter else Role.COMMAND_OPERATOR
        return actor, role, {"speed": speed, "result": result, "satisfied": good}, ""
    if action == "reopen":
        case.reopen_count += 1
        case.closed_at = None
        case.handled_by = None
        case.satisfied = case.rating_speed = case.rating_result = None
        return (*_centre(street, people, rng, (Role.DUTY_CHIEF,)), {}, opinion)
    raise ValueError(action)


def _department_for(case, departments, rng):
    kind = case.category.department_kind
    matching = [d for d in departments if d.kind == kind] or departments
    return matching[0] if matching else rng.choice(departments)


def _assignee(case, people, grid, rng):
    if case.assigned_department_id:
        users = people.by_department.get(case.assigned_department_id) or [None]
        return rng.choice(users)
    return people.one(grid, (Role.GRID_WORKER,), rng)


# What the first demo grid's people find waiting on their first visit: each is moved through the real
# services (timeline, deadlines, inbox notices), not bulk-written like the history above.
PERSONA_WORK = (
    # (reporter, category, description, where it stops)
    ("gridworker1", "1403", "3号楼2单元楼道里堆了旧沙发和纸箱，挡住了消防通道，已提醒住户但还没清。", "dispatched"),
    ("resident1", "1402", "我们楼下有人从窗户拉电线给电动车充电，晚上一直插着，很危险，麻烦来看看。", "in_progress"),
    ("gridworker1", "0905", "小区东门口共享单车和电动车乱停，把盲道和出入口都堵住了。", "handled"),
    ("resident1", "0903", "小区北门外有人把建筑垃圾和砖头堆在人行道上好几天了，老人推车过不去。", "reported"),
)


def _demo_photo(name: str, colour: tuple[int, int, int]):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def create_persona_work(*, seed: int = 2026) -> list[Case]:
    """Open cases in gridworker1's grid at every step a first visitor looks for: the grid worker's sign-for
    and feedback, the community's acceptance and verification, the resident's own reports."""
    users = {u.username: u for u in User.objects.filter(username__in=["gridworker1", "resident1", "community1"])}
    membership = Membership.objects.filter(user=users.get("gridworker1"), role=Role.GRID_WORKER).first()
    if len(users) < 3 or membership is None:
        return []
    grid = membership.region
    micro_grids = [r for r in Region.objects.filter(parent=grid, is_active=True) if r.boundary] or [grid]
    rng = random.Random(seed)
    worker, community = users["gridworker1"], users["community1"]
    created = []
    for reporter, category, description, stop in PERSONA_WORK:
        if not Category.objects.filter(code=category, is_active=True).exists():
            continue
        lon, lat = _point_in(rng.choice(micro_grids), rng)
        source = Source.RESIDENT if reporter == "resident1" else Source.PATROL
        report = services.Report(category=category, description=description, lon=lon, lat=lat, source=source)
        case, _new = services.report_case(actor=users[reporter], report=report)
        steps = {
            "reported": [],
            "dispatched": [("accept", community, {}), ("dispatch", community, {"region": grid.code})],
        }
        steps["in_progress"] = [*steps["dispatched"], ("sign", worker, {})]
        after = {"photo_after": [_demo_photo("after.jpg", (90, 160, 90))]}
        before = {"photo_before": [_demo_photo("before.jpg", (160, 90, 90))]}
        steps["handled"] = [*steps["in_progress"], ("feedback", worker, {**before, **after})]
        for action, actor, params in steps[stop]:
            case = services.transition(case, action, actor=actor, opinion=_demo_opinion(action), **params)
        created.append(case)
    return created


def _demo_opinion(action: str) -> str:
    return {"dispatch": "请网格员到现场核实处理。", "feedback": "已联系住户清理完毕，现场已恢复通行。"}.get(action, "")
