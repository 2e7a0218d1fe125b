"""Races on PostgreSQL: two central households taking the same household at once, two moves that together
would close a cycle. Each runs its whole production transaction on a connection of its own."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import translation

from tests.party.conftest import GRID_1, branch_of, households_in, persons_in
from tests.postgres import concurrent_postgres, in_thread, race
from wangge.accounts.models import AuditLog, User
from wangge.party import services
from wangge.party.models import CentralHousehold, OrganisationKind, PartyMember, PartyOrganisation

pytestmark = concurrent_postgres("needs concurrent connections and row locks")


@pytest.fixture
def cleaned():
    """Rows the threads commit, deleted afterwards (the demo town is shared by the whole session)."""
    last_log = in_thread(lambda: AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    made = {"centrals": [], "organisations": []}
    yield made

    def clean_up():
        CentralHousehold.objects.filter(pk__in=made["centrals"]).delete()
        PartyOrganisation.objects.filter(pk__in=made["organisations"]).update(parent=None)
        PartyOrganisation.objects.filter(pk__in=made["organisations"]).delete()
        AuditLog.objects.filter(pk__gt=last_log).delete()

    in_thread(clean_up)


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_two_central_households_cannot_take_the_same_household_at_once(cleaned):
    """The first holds its transaction open after covering the household; the second, started then, must
    wait for it (a row lock) and then be refused, not cover the household too from a stale read."""

    def prepare():
        members = list(
            PartyMember.objects.filter(person__in=persons_in(GRID_1), central_household__isnull=True).order_by("pk")[:2]
        )
        return [m.pk for m in members], households_in(GRID_1, covered=False).first().pk

    (first, second), household = in_thread(prepare)

    def cover(member_pk):
        with translation.override("en"):  # threads do not inherit the test's language
            central = services.set_central_household(
                actor=User.objects.get(username="gridworker1"),
                member=PartyMember.objects.get(pk=member_pk),
                households=[household],
            )
        cleaned["centrals"].append(central.pk)
        return central.pk

    covered, release, outcomes = threading.Event(), threading.Event(), {}

    def run_first():
        try:
            with transaction.atomic():
                outcomes["first"] = cover(first)
                covered.set()
                assert release.wait(30), "never released"
        finally:
            connections.close_all()

    def run_second():
        try:
            assert covered.wait(30), "the first never covered the household"
            outcomes["second"] = cover(second)
        except ValidationError as refused:
            outcomes["second"] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    assert covered.wait(30)
    # Release the first once the second waits on a lock, or has already finished (without waiting: a bug).
    for _ in range(300):
        if "second" in outcomes or in_thread(_waiting_on_a_lock):
            break
        threading.Event().wait(0.1)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert isinstance(outcomes.get("second"), ValidationError), outcomes
    assert "already covered" in outcomes["second"].message_dict["households"][0]
    assert in_thread(lambda: CentralHousehold.objects.filter(covered__household_id=household).count()) == 1


def test_two_moves_cannot_close_a_cycle_together(cleaned):
    def prepare():
        admin = User.objects.get(username="admin")
        branch = branch_of(GRID_1)
        made = [
            services.create_organisation(
                actor=admin, kind=OrganisationKind.GROUP, name=f"竞态党小组{i}", regions=[GRID_1], parent=branch.pk
            ).pk
            for i in (1, 2)
        ]
        cleaned["organisations"].extend(made)
        return made

    first, second = in_thread(prepare)

    def move(pair):
        pk, parent = pair
        organisation = PartyOrganisation.objects.get(pk=pk)
        services.move_organisation(actor=User.objects.get(username="admin"), organisation=organisation, parent=parent)
        return "moved"

    outcomes = race(move, (first, second), (second, first))
    assert sorted(str(type(o).__name__) for o in outcomes.values()) == ["ValidationError", "str"], outcomes
    parents = in_thread(
        lambda: dict(PartyOrganisation.objects.filter(pk__in=[first, second]).values_list("pk", "parent_id"))
    )
    assert not (parents[first] == second and parents[second] == first)
