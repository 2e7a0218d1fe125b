"""Security headers: a Content-Security-Policy without inline scripts (and no template has one), the API
docs from the installed package, and no caching of what a signed-in user or a token receives."""

import re
from pathlib import Path

import pytest
from django.test import Client

import wangge
from tests.conftest import ApiClient
from wangge.accounts.models import User
from wangge.accounts.services import issue_token

ROOT = Path(wangge.__file__).parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def templates():
    return sorted(ROOT.glob("templates/**/*.html")) + sorted(ROOT.glob("*/templates/**/*.html"))


def test_no_template_runs_an_inline_script_or_an_event_handler():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER)
        for match in pattern.finditer(path.read_text())
    ]
    assert found == []


def test_pages_carry_a_policy_that_allows_scripts_from_this_site_only(db):
    response = Client().get("/accounts/login/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_the_api_docs_load_swagger_from_this_site(db):
    html = Client().get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") for s in sources), sources


@pytest.mark.parametrize("path", ["/cases/", "/inbox/"])
def test_pages_of_a_signed_in_user_are_not_stored(db, path):
    client = Client()
    client.force_login(User.objects.get(username="gridworker1"))
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_answers_are_not_stored(db):
    key, _token = issue_token(user=User.objects.get(username="gridworker1"))
    response = ApiClient(key).get("/auth/me")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
