"""Races between real database connections (PostgreSQL only; the threads and the clean-up are in
``tests/postgres.py``). Nothing is stubbed: the races run the whole transaction production runs (the
report's inbox rows and roll-up deltas included), so a lock taken there takes part in the race.
"""

import pytest

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from tests.postgres import committed, concurrent_postgres, in_thread, race  # noqa: F401 (a fixture)
from wangge.accounts.models import Membership, Role, User
from wangge.cases import services
from wangge.cases.models import Case, CaseEvent
from wangge.inbox.models import Kind, Message

pytestmark = concurrent_postgres("the races need concurrent connections and row locks")


def messages_about(number: str) -> list[tuple[str, str]]:
    """(recipient, kind) of every committed inbox message about a case whose title names it, sorted."""
    rows = Message.objects.filter(url=f"/cases/{number}/", title__contains=number)
    return sorted(rows.values_list("user__username", "kind"))


def centre_staff(case) -> list[str]:
    """Usernames of the active centre staff where the case is handled, read here without the app's helper."""
    roles = (Role.DISPATCHER, Role.DUTY_CHIEF, Role.COMMAND_OPERATOR, Role.COMMUNITY_STAFF)
    members = Membership.objects.filter(region_id=case.handling_region_id, role__in=roles, is_active=True)
    return sorted(set(members.filter(user__is_active=True).values_list("user__username", flat=True)))


def _report(key: str = "") -> services.Report:
    lon, lat = point_in(GRID_1)
    return services.Report(category=CATEGORY, description="并发测试", lon=lon, lat=lat, idempotency_key=key)


@pytest.mark.parametrize(("with_version", "loser"), [(True, services.StaleCase), (False, services.IllegalTransition)])
def test_two_accepts_at_once_make_exactly_one(committed, with_version, loser):  # noqa: F811
    case = in_thread(lambda: services.report_case(actor=User.objects.get(username="resident1"), report=_report())[0])
    committed.append(case.pk)
    copies = {u: in_thread(Case.objects.get, pk=case.pk) for u in ("operator", "dispatcher")}  # both see version 0

    def accept(username):
        actor = User.objects.get(username=username)
        expected = copies[username].version if with_version else None
        return services.transition(copies[username], "accept", actor=actor, opinion=username, expected_version=expected)

    outcomes = race(accept, "operator", "dispatcher")
    winners = [who for who, outcome in outcomes.items() if isinstance(outcome, Case)]
    losers = [outcome for outcome in outcomes.values() if not isinstance(outcome, Case)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and type(losers[0]) is loser, outcomes

    def stored():
        fresh = Case.objects.get(pk=case.pk)
        events = list(CaseEvent.objects.filter(case=fresh).values_list("seq", "action", "opinion"))
        return fresh.status, fresh.version, events

    status, version, events = in_thread(stored)
    assert (status, version) == ("accepted", 1)
    assert events == [(1, "report", ""), (2, "accept", winners[0])]
    # The report's inbox rows were written in its transaction: one per centre member, none for the accept.
    staff = in_thread(centre_staff, case)
    assert staff
    assert in_thread(messages_about, case.number) == [(who, Kind.ASSIGNED) for who in staff]


def test_the_same_idempotency_key_twice_at_once_makes_one_case(committed):  # noqa: F811
    resident = in_thread(User.objects.get, username="resident1")
    key = f"{resident.pk}:race-key"

    outcomes = race(lambda _attempt: services.report_case(actor=resident, report=_report(key="race-key")), 1, 2)
    committed.extend(in_thread(lambda: list(Case.objects.filter(idempotency_key=key).values_list("pk", flat=True))))
    assert all(isinstance(o, tuple) for o in outcomes.values()), outcomes
    (first, first_created), (second, second_created) = outcomes.values()
    assert (first.pk, first.number) == (second.pk, second.number)
    assert sorted([first_created, second_created]) == [False, True]
    assert len(committed) == 1
    # The retry wrote no second set of inbox rows (the loser's transaction took its rows with it).
    staff = in_thread(centre_staff, first)
    assert staff
    assert in_thread(messages_about, first.number) == [(who, Kind.ASSIGNED) for who in staff]
