"""Every rule of the workflow table is reached, deterministically: once refused for a persona without
the rule's roles (nothing written), then done by a persona with them (the rule's status, one event).

The random state machine (``test_workflow_state_machine``) checks invariants along random paths but
cannot promise to reach every rule; this table can. A rule added to ``workflow.RULES`` without a line
here fails ``test_every_rule_has_a_line``.
"""

from dataclasses import dataclass, field

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cases.test_workflow_rules import (
    OPINION,
    PERSONAS,
    Town,
    _media_and_calendar,  # noqa: F401 (an autouse fixture)
    photos,
    refused,
)
from tests.common import _english  # noqa: F401
from wangge.cases.models import CaseEvent, Stage, Status
from wangge.cases.permissions import case_roles
from wangge.cases.workflow import RULES

S = Status


@dataclass(frozen=True)
class Line:
    """How to reach a rule: who does it, with what, on which kind of case, after which earlier step."""

    who: str
    params: dict = field(default_factory=dict)
    on_spot: bool = False  # a grid-handled category (may be solved on the spot) instead of a street one
    before: tuple = ()  # (action, who, params) run first, e.g. the request an approval answers


ASK_RETURN = ("return", "department1", {"opinion": "不属于本部门"})
ASK_EXTENSION = ("request_extension", "department1", {"opinion": "需要协调", "extension": "1d"})
WITH_OPINION = {"opinion": OPINION}

LINES: dict[tuple[str, str], Line] = {
    (S.REPORTED, "accept"): Line("operator"),
    (S.REPORTED, "reject"): Line("operator", WITH_OPINION),
    (S.REPORTED, "merge"): Line("operator"),  # duplicate_of: another open case, made by the test
    (S.REPORTED, "solve_on_spot"): Line("gridworker1", on_spot=True),  # photos: made by the test
    (S.REPORTED, "escalate"): Line("gridworker1", WITH_OPINION, on_spot=True),
    (S.ACCEPTED, "dispatch"): Line("dispatcher"),
    (S.ACCEPTED, "park"): Line("dutychief", WITH_OPINION),
    (S.ACCEPTED, "merge"): Line("operator"),
    (S.ACCEPTED, "escalate"): Line("operator", WITH_OPINION),
    (S.DISPATCHED, "sign"): Line("department1"),
    (S.DISPATCHED, "return"): Line("department1", WITH_OPINION),
    (S.DISPATCHED, "approve_return"): Line("dutychief", before=ASK_RETURN),
    (S.DISPATCHED, "deny_return"): Line("dutychief", WITH_OPINION, before=ASK_RETURN),
    (S.DISPATCHED, "dispatch"): Line("dispatcher"),
    (S.DISPATCHED, "escalate"): Line("operator", WITH_OPINION),
    (S.IN_PROGRESS, "feedback"): Line("department1", {"opinion": "已修复"}),  # photos: made by the test
    (S.IN_PROGRESS, "request_extension"): Line("department1", {"opinion": "需要协调", "extension": "1d"}),
    (S.IN_PROGRESS, "approve_extension"): Line("dutychief", before=ASK_EXTENSION),
    (S.IN_PROGRESS, "deny_extension"): Line("dutychief", WITH_OPINION, before=ASK_EXTENSION),
    (S.IN_PROGRESS, "return"): Line("department1", WITH_OPINION),
    (S.IN_PROGRESS, "approve_return"): Line("dutychief", before=ASK_RETURN),
    (S.IN_PROGRESS, "deny_return"): Line("dutychief", WITH_OPINION, before=ASK_RETURN),
    (S.IN_PROGRESS, "escalate"): Line("department1", WITH_OPINION),
    (S.HANDLED, "verify_pass"): Line("gridworker1"),
    (S.HANDLED, "verify_fail"): Line("gridworker1", WITH_OPINION),
    (S.VERIFIED, "close"): Line("operator"),
    (S.CLOSED, "callback"): Line("operator", {"opinion": "电话回访，群众满意"}),
    (S.CLOSED, "rate"): Line("resident1", {"speed": 5, "result": 4}),
    (S.CLOSED, "reopen"): Line("dutychief", WITH_OPINION),
    (S.RATED, "callback"): Line("dispatcher", {"opinion": "电话回访，群众满意"}),
    (S.RATED, "reopen"): Line("dutychief", WITH_OPINION),
    (S.PARKED, "unpark"): Line("dispatcher"),
    # The two flags, on every status that has them.
    **{(status, "mark_urgent"): Line("operator") for status, action in RULES if action == "mark_urgent"},
    **{(status, "supervise"): Line("leader", WITH_OPINION) for status, action in RULES if action == "supervise"},
}


@pytest.fixture
def town(db):
    return Town()


RULE_IDS = [f"{status}-{action}" for status, action in sorted(RULES)]


def test_every_rule_has_a_line():
    assert set(LINES) == set(RULES)


def prepared(town, status: str, action: str):
    """A case in ``status`` ready for ``action``, and the parameters that satisfy the action's own checks."""
    line = LINES[(status, action)]
    case = town.drive(status, town.on_spot if line.on_spot else None)
    if line.before:
        earlier, who, params = line.before
        case = town.act(case, earlier, who, **params)
        assert case.status == status and case.pending_request
    params = dict(line.params)
    if action == "merge":
        params["duplicate_of"] = town.report().number
    if action in ("solve_on_spot", "feedback"):
        params.update(photos())
    return case, line.who, params


def without_the_roles(town, case, rule) -> str:
    """The first persona with none of the rule's roles on this case."""
    outsiders = [who for who in PERSONAS if not case_roles(town.users[who], case) & rule.roles]
    assert outsiders, "every persona may do it: the refusal cannot be checked"
    return outsiders[0]


@pytest.mark.parametrize(("status", "action"), sorted(RULES), ids=RULE_IDS)
def test_each_rule_is_refused_without_its_roles_and_done_with_them(town, status, action):
    rule = RULES[(status, action)]
    case, who, params = prepared(town, status, action)
    refused(town, case, action, without_the_roles(town, case, rule), PermissionDenied, **params)

    assert case_roles(town.users[who], case) & rule.roles, f"{who} holds none of the rule's roles"
    version, events = case.version, case.events.count()
    done = town.act(case, action, who, **params)

    assert done.status == rule.to
    assert done.version == version + 1
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert case.events.count() == events + 1
    assert (event.action, event.from_status, event.to_status, event.actor) == (action, status, rule.to, town.users[who])
    if rule.needs_opinion:
        assert event.opinion == params["opinion"]


# --- the two rules with no effect of their own, outside the state machine ----------------------------


@pytest.mark.parametrize("status", [S.CLOSED, S.RATED])
def test_a_callback_keeps_the_status_and_records_what_was_said(town, status):
    case = town.drive(status)
    closed_at, stage, due_at = case.closed_at, case.stage, case.due_at
    called = town.act(case, "callback", "operator", opinion="电话回访：路灯已亮")
    assert (called.status, called.closed_at, called.stage, called.due_at) == (status, closed_at, stage, due_at)
    event = called.events.order_by("-seq").first()
    assert (event.action, event.from_status, event.to_status) == ("callback", status, status)
    assert (event.opinion, event.actor) == ("电话回访：路灯已亮", town.users["operator"])
    refused(town, called, "callback", "operator", ValidationError, opinion="   ")  # never without what was said


def test_unparking_puts_the_case_back_to_be_dispatched_with_a_new_clock(town):
    parked = town.drive(S.PARKED)
    assert (parked.stage, parked.due_at) == ("", None)
    unparked = town.act(parked, "unpark", "dutychief")
    assert unparked.status == S.ACCEPTED
    assert unparked.stage == Stage.DISPATCH and unparked.due_at is not None
    assert unparked.stage_started_at == town.clock
    event = unparked.events.order_by("-seq").first()
    assert (event.action, event.from_status, event.to_status) == ("unpark", S.PARKED, S.ACCEPTED)
    assert town.act(unparked, "dispatch", "dispatcher").status == S.DISPATCHED  # and the loop goes on
