"""What every write of the ledger keeps true, whether one row is saved (``services``) or a whole file
imported in bulk (``importing``): both call these with the rows they touched, one statement per rule.

- a household's head is the member whose relation is "head" (none when no member is);
- a label carries its person's region path (scoped reads filter labels without a join);
- a vacant house that gains a household is lived in by its owners until told otherwise.
"""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from wangge.people.models import House, Household, HouseUse, Person, PersonLabel, Relation

CHUNK = 1000


def _chunks(ids: Iterable[int | None]):
    ids = sorted({i for i in ids if i is not None})
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def heads_follow_relations(household_ids: Iterable[int | None]) -> None:
    """Set each household's head to its member related as "head" (the first by id), or to none."""
    head = Person.objects.filter(household_id=OuterRef("pk"), relation=Relation.HEAD).order_by("id").values("pk")
    now = timezone.now()
    for chunk in _chunks(household_ids):
        changed = []
        for household in Household.objects.filter(pk__in=chunk).annotate(member=Subquery(head[:1])).only("head"):
            if household.head_id != household.member:
                household.head_id, household.updated_at = household.member, now
                changed.append(household)
        Household.objects.bulk_update(changed, ["head", "updated_at"], batch_size=CHUNK)


def labels_follow_persons(person_ids: Iterable[int | None]) -> None:
    """Labels take their person's region path (after a person, household or building moved)."""
    path = Person.objects.filter(pk=OuterRef("person_id")).values("region_path")[:1]
    for chunk in _chunks(person_ids):
        PersonLabel.objects.filter(person_id__in=chunk).exclude(region_path=Subquery(path)).update(
            region_path=Subquery(path)
        )


def occupy(house_ids: Iterable[int | None]) -> None:
    """Vacant houses that gained a household become self-occupied."""
    for chunk in _chunks(house_ids):
        House.objects.filter(pk__in=chunk, use=HouseUse.VACANT).update(
            use=HouseUse.SELF_OCCUPIED, updated_at=timezone.now()
        )
