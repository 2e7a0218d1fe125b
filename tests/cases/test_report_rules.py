"""The resident reporting rules live in ``services.report_case``: the API and the web form both obey them."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from tests.cases.test_pages_intake import form_data
from wangge.cases import services
from wangge.cases.models import Case
from wangge.cases.permissions import is_resident_only


def _report(**extra) -> services.Report:
    lon, lat = point_in(GRID_1)
    return services.Report(category=CATEGORY, description="路边堆了渣土", lon=lon, lat=lat, **extra)


@pytest.mark.parametrize("persona", ["resident1", None])
def test_a_resident_or_anonymous_report_must_keep_the_resident_source_and_no_urgency(user, persona):
    actor = user(persona) if persona else AnonymousUser()
    phone = {"contact_phone": "13812345678"}
    with pytest.raises(ValidationError) as error:
        services.report_case(actor=actor, report=_report(source="patrol", **phone))
    assert list(error.value.message_dict) == ["source"]
    with pytest.raises(ValidationError) as error:
        services.report_case(actor=actor, report=_report(urgent=True, **phone))
    assert list(error.value.message_dict) == ["urgent"]
    assert not Case.objects.exists()


def test_staff_report_with_their_source_and_urgency_through_the_service(user):
    case, created = services.report_case(actor=user("gridworker1"), report=_report(source="patrol", urgent=True))
    assert created and (case.source, case.is_urgent) == ("patrol", True)


def test_resident_only_means_no_role_but_resident(user, db):
    assert is_resident_only(AnonymousUser())
    assert not is_resident_only(None)  # the system (imports, sensors) reports with any source
    assert is_resident_only(user("resident1"))
    assert not is_resident_only(user("gridworker1"))
    assert not is_resident_only(user("operator"))


def test_an_anonymous_idempotency_key_is_bound_to_the_phone_in_the_service(db):
    first, created = services.report_case(
        actor=AnonymousUser(), report=_report(contact_phone="13812345678", idempotency_key="k")
    )
    retry, again = services.report_case(
        actor=AnonymousUser(), report=_report(contact_phone="13812345678", idempotency_key="k")
    )
    other, fresh = services.report_case(
        actor=AnonymousUser(), report=_report(contact_phone="13998765432", idempotency_key="k")
    )
    assert (created, again, fresh) == (True, False, True)
    assert retry.pk == first.pk and other.pk != first.pk


def test_the_anonymous_web_form_binds_its_key_to_the_phone_too(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/cases/report/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    for phone in ("13812345678", "13812345678", "13998765432"):
        response = client.post("/cases/report/", form_data(idempotency_key=key, contact_phone=phone))
        assert response.status_code == 302
    assert Case.objects.count() == 2


def test_a_resident_posting_staff_fields_on_the_web_form_reports_as_a_resident(browser):
    response = browser("resident1").post("/cases/new/", form_data(source="patrol", urgent="on"))
    assert response.status_code == 302
    assert Case.objects.values_list("source", "is_urgent").get() == ("resident", False)
