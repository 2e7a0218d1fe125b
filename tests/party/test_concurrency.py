"""Races on PostgreSQL: two central households taking the same household at once, two moves that together
would close a cycle. Each runs its whole production transaction on a connection of its own."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import translation

from tests.party.conftest import COMMUNITY_1, GRID_1, GRID_2, branch_of, households_in, member_in, persons_in
from tests.postgres import concurrent_postgres, in_thread, race
from wangge.accounts.models import AuditLog, User
from wangge.party import services
from wangge.party.models import (
    CentralHousehold,
    ItemClaim,
    OrganisationKind,
    PartyMember,
    PartyOrganisation,
    ServiceItem,
)

pytestmark = concurrent_postgres("needs concurrent connections and row locks")


@pytest.fixture
def cleaned():
    """Rows the threads commit, deleted afterwards (the demo town is shared by the whole session)."""
    last_log = in_thread(lambda: AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    made = {"centrals": [], "organisations": [], "items": []}
    yield made

    def clean_up():
        CentralHousehold.objects.filter(pk__in=made["centrals"]).delete()
        ServiceItem.objects.filter(pk__in=made["items"]).delete()
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


def _publish():
    item = services.publish_item(
        actor=User.objects.get(username="community1"), community=COMMUNITY_1, kind="need", title="竞态需求"
    )
    return item.pk


def test_two_claims_of_the_same_item_at_once_one_wins_the_other_is_409(cleaned):
    """Two staff requests claim one item for two members at the same moment, through the API: exactly one
    201, the other 409, one claim stored."""
    from django.test import Client

    from wangge.accounts.services import issue_token

    def prepare():
        item = _publish()
        cleaned["items"].append(item)
        key, _token = issue_token(user=User.objects.get(username="community1"))
        return item, key, member_in(GRID_1).pk, member_in(GRID_2).pk

    item, key, first, second = in_thread(prepare)

    def claim(member_pk):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = client.post(
            f"/api/v1/party/items/{item}/claim",
            f'{{"member_id": {member_pk}}}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        return response.status_code

    outcomes = race(claim, first, second)
    assert sorted(outcomes.values()) == [201, 409], outcomes
    assert in_thread(lambda: ItemClaim.objects.filter(item_id=item).count()) == 1


def test_a_claim_waits_for_one_in_flight_and_is_then_refused(cleaned):
    """The first claim holds its transaction open; the second, started then, waits on the item's row lock
    and is refused with Conflict once the first commits (never a second claim from a stale read)."""
    from wangge.core.errors import Conflict

    def prepare():
        item = _publish()
        cleaned["items"].append(item)
        return item, member_in(GRID_1).pk, member_in(GRID_2).pk

    item, first, second = in_thread(prepare)

    def claim(member_pk):
        with translation.override("en"):
            services.claim_item(
                actor=User.objects.get(username="community1"),
                item=ServiceItem.objects.get(pk=item),
                member=member_pk,
            )

    claimed, release, outcomes = threading.Event(), threading.Event(), {}

    def run_first():
        try:
            with transaction.atomic():
                claim(first)
                outcomes["first"] = "claimed"
                claimed.set()
                assert release.wait(30), "never released"
        finally:
            connections.close_all()

    def run_second():
        try:
            assert claimed.wait(30), "the first never claimed"
            claim(second)
            outcomes["second"] = "claimed"
        except Conflict as clash:
            outcomes["second"] = clash
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    assert claimed.wait(30)
    for _ in range(300):
        if "second" in outcomes or in_thread(_waiting_on_a_lock):
            break
        threading.Event().wait(0.1)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.get("first") == "claimed" and isinstance(outcomes.get("second"), Conflict), outcomes
    assert in_thread(lambda: list(ItemClaim.objects.filter(item_id=item).values_list("member_id", flat=True))) == [
        first
    ]
