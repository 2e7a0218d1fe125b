"""Tree integrity under random moves: whatever sequence of moves is asked, those refused change nothing
and those accepted leave a tree without cycles where every organisation serves only regions inside its
parent's area."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.party.conftest import COMMUNITY_1, STREET_1
from wangge.party import services
from wangge.party.models import PartyOrganisation

pytestmark = pytest.mark.django_db

TOP = -1  # a move to the top of the tree


def _nodes() -> list[int]:
    """The street's committee, two communities' organisations and their branches and groups."""
    rows = PartyOrganisation.objects.filter(served__region_path__startswith=_path(STREET_1))
    first_two = sorted({p[:40] for p in rows.values_list("served__region_path", flat=True) if len(p) >= 40})[:2]
    keep = [
        pk for pk, path in rows.values_list("pk", "served__region_path") if len(path) < 40 or path[:40] in first_two
    ]
    return sorted(set(keep))


def _path(code: str) -> str:
    from wangge.regions.models import Region

    return Region.objects.get(code=code).path


def _check_tree() -> None:
    parents = dict(PartyOrganisation.objects.values_list("pk", "parent_id"))
    areas: dict[int, list[str]] = {}
    for pk, path in PartyOrganisation.objects.values_list("pk", "served__region_path"):
        areas.setdefault(pk, []).append(path)
    for pk in parents:
        seen, node = set(), pk
        while node is not None:
            assert node not in seen, f"cycle through {pk}"
            seen.add(node)
            node = parents[node]
        parent = parents[pk]
        if parent is not None:
            for path in areas[pk]:
                assert any(path.startswith(p) for p in areas[parent]), (pk, path, parent)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_moves_keep_the_tree_free_of_cycles_and_inside_areas(user, data):
    admin = user("admin")
    nodes = _nodes()
    assert len(nodes) > 5 and _path(COMMUNITY_1)
    moves = data.draw(
        st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from([TOP, *nodes])), min_size=1, max_size=20)
    )
    savepoint = transaction.savepoint()
    try:
        for pk, parent in moves:
            organisation = PartyOrganisation.objects.get(pk=pk)
            before = dict(PartyOrganisation.objects.values_list("pk", "parent_id"))
            try:
                services.move_organisation(
                    actor=admin, organisation=organisation, parent=None if parent == TOP else parent
                )
            except ValidationError as refused:
                assert set(refused.message_dict) == {"parent"}
                assert dict(PartyOrganisation.objects.values_list("pk", "parent_id")) == before
            else:
                assert PartyOrganisation.objects.get(pk=pk).parent_id == (None if parent == TOP else parent)
            _check_tree()
    finally:
        transaction.savepoint_rollback(savepoint)
