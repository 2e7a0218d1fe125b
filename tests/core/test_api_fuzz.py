"""The API under a fuzzer: schemathesis generates requests from /api/v1/openapi.json for every operation,
as an operator and as a resident (bearer tokens); no answer may be a 5xx and every documented answer must
match its schema. Bounded (a fixed seed, a few examples per operation and role) so that it stays a small
part of ``make test``; it runs once, in the SQLite run."""

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from wangge.accounts.models import User
from wangge.accounts.services import issue_token

EXAMPLES = 3


def load_schema():
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = load_schema()  # pytest-django has set Django up before tests are collected


@pytest.fixture(autouse=True)
def _once(db):
    if connection.vendor != "sqlite":
        pytest.skip("the fuzzer runs once, in the SQLite run")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def bearer(role: str) -> str:
    key, _token = issue_token(user=User.objects.get(username=role))
    return f"Bearer {key}"


FUZZING = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same requests every run
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, response_schema_conformance]


@schema.parametrize()
@FUZZING
def test_as_an_operator_no_operation_answers_5xx_or_off_schema(case):
    case.call_and_validate(headers={"Authorization": bearer("operator"), "Accept-Language": "en"}, checks=CHECKS)


@schema.parametrize()
@FUZZING
def test_as_a_resident_no_operation_answers_5xx_or_off_schema(case):
    case.call_and_validate(headers={"Authorization": bearer("resident1"), "Accept-Language": "en"}, checks=CHECKS)
