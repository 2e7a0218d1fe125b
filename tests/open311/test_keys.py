"""API keys per client application: made by administrators (admin, command), shown once, stored hashed,
revoked at once; the demo prints one that works."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from wangge.accounts.models import AuditLog, User
from wangge.open311 import selectors, services
from wangge.open311.demo import create_demo_open311
from wangge.open311.models import ClientApp


def test_a_key_is_stored_only_as_its_hash(db):
    key, client = services.create_client(actor=None, name="City app", contact="it@city.example")
    assert key.startswith("o311_") and len(key) > 40
    stored = ClientApp.objects.filter(pk=client.pk).values().get()
    assert key not in str(stored)
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert selectors.client_for_key(key) == client
    assert selectors.client_for_key(key + "x") is None
    assert AuditLog.objects.filter(action="open311.client.create", object_id=str(client.pk)).exists()


def test_revoking_and_a_new_key(db):
    key, client = services.create_client(actor=None, name="City app")
    assert services.revoke_client(actor=None, client=client) is True
    assert services.revoke_client(actor=None, client=client) is False
    assert selectors.client_for_key(key) is None
    fresh = services.rotate_key(actor=None, client=client)
    assert selectors.client_for_key(fresh) == client and selectors.client_for_key(key) is None


def test_only_administrators_manage_clients(db):
    with pytest.raises(PermissionDenied):
        services.create_client(actor=User.objects.get(username="leader"), name="x")
    _key, client = services.create_client(actor=User.objects.get(username="admin"), name="x")
    with pytest.raises(PermissionDenied):
        services.revoke_client(actor=User.objects.get(username="gridworker1"), client=client)


def test_the_command_creates_lists_and_revokes(db):
    out = io.StringIO()
    call_command("open311_key", "create", "Kiosk", "--per-minute", "30", stdout=out)
    key = out.getvalue().strip().rsplit(" ", 1)[-1]
    client = selectors.client_for_key(key)
    assert client.name == "Kiosk" and client.requests_per_minute == 30
    out = io.StringIO()
    call_command("open311_key", "list", stdout=out)
    assert "Kiosk" in out.getvalue() and key not in out.getvalue()
    call_command("open311_key", "revoke", client.prefix, stdout=io.StringIO())
    assert selectors.client_for_key(key) is None


def test_the_admin_makes_a_key_once_and_revokes_it(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(User.objects.get(username="admin"))
    response = browser.post(
        "/admin/open311/clientapp/add/", {"name": "FixMyStreet", "contact": "", "requests_per_minute": 60}, follow=True
    )
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"] if "API key" in str(m)]
    key = message.rsplit(" ", 1)[-1]
    client = selectors.client_for_key(key)
    assert client.name == "FixMyStreet"
    browser.post(
        "/admin/open311/clientapp/",
        {"action": "revoke", "_selected_action": [client.pk]},
        follow=True,
    )
    assert selectors.client_for_key(key) is None


def test_the_demo_line_holds_a_working_key(db):
    line = create_demo_open311()
    key = line.rsplit(" ", 1)[-1]
    assert selectors.client_for_key(key) is not None
    assert "/open311/v2/" in line
