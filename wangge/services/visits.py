"""A 微心愿 from a household visit: on the page of a visit to an elderly or disabled resident, a grid worker
(a helper of the resident's area) is offered to post a wish for them. Registered on ``patrols.offers`` in
``ServicesConfig.ready()``; patrols imports nothing of services.

- The visit recorded a need: one button turns it into the wish (``services.wish_from_visit``), linked to the
  visit; from then on the visit page shows that wish instead, to whoever may open it.
- No need recorded: a link to the wish form. It names only the resident's id (``?for_person=``): the form
  reads the resident through the ledger's scoped selectors and fills in the name, address and grid, so no
  name travels in a URL.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.cases.offers import Link
from wangge.people import permissions as people_permissions
from wangge.people import selectors as people_selectors
from wangge.people.labels import LabelKind
from wangge.services import access, selectors

# Who a wish is offered for: residents labelled elderly living alone or disabled.
WISH_LABELS = (LabelKind.ELDERLY_ALONE, LabelKind.DISABILITY)


def beneficiary_of(user, visit):
    """The resident the visit met who may want a wish: the visit's person when labelled, else the first
    labelled member of the visited household; None otherwise. Read in the user's reach."""
    labelled = people_selectors.labels_for(user).filter(kind__in=WISH_LABELS).values("person_id")
    people = people_selectors.persons_for(user).filter(pk__in=labelled)
    if visit.person_id:
        found = people.filter(pk=visit.person_id).first()
        if found is not None:
            return found
    if visit.household_id:
        return people.filter(Q(household_id=visit.household_id)).order_by("id").first()
    return None


def wish_offer(user, visit):
    """The wish posted from the visit (for whoever may open it); else, for a helper of the resident's area, a
    button that turns the visit's need into a wish for them, or a link to the wish form without a need."""
    linked = selectors.wishes_for(user).filter(visit=visit).first()
    if linked is not None:
        return Link(
            label=_("Wish “%(title)s”: %(status)s") % {"title": linked.title, "status": linked.get_status_display()},
            url=reverse("services:wish", args=[linked.pk]),
            testid="visit-wish-link",
        )
    if not access.is_helper(user) or not people_permissions.can(user, people_permissions.LABELS):
        return None
    if not access.helps(user, visit.region_path):
        return None
    person = beneficiary_of(user, visit)
    if person is None:
        return None
    if (visit.needs or "").strip():
        return Link(
            label=_("Turn the need into a wish for %(name)s") % {"name": person.name},
            url=reverse("services:wish_from_visit", args=[visit.pk]),
            method="post",
            testid="visit-wish",
        )
    return Link(
        label=_("Post a wish for %(name)s") % {"name": person.name},
        url=f"/services/wishes/new/?for_person={person.pk}",
        testid="visit-wish",
    )


def prefill(user, person_id) -> dict:
    """The wish form's initial values for a resident in the user's reach (nothing for anyone else)."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        return {}
    person = people_selectors.persons_for(user).select_related("house", "region").filter(pk=pk).first()
    if person is None or not access.helps(user, person.region_path):
        return {}
    return {
        "beneficiary_name": person.name,
        "beneficiary_address": str(person.house)[:200] if person.house_id else "",
        "region": person.region.code,
    }
