"""`wangge rotate_pii_key` re-encrypts every stored number with the active key; values stay readable
while it runs (each carries its key id) and after the old key is removed."""

import base64
import io

import pytest
from django.core.management import call_command

from wangge.accounts.models import AuditLog, User
from wangge.core import pii
from wangge.people.management.commands.rotate_pii_key import encrypted_columns, stale
from wangge.people.models import House, Organisation, Person

NEW_KEY = "k9:" + base64.b64encode(b"9" * 32).decode()


@pytest.fixture
def two_keys(settings, ledger):
    """The running key plus a new active one, as an operator would configure a rotation."""
    old = settings.PII_KEYS
    settings.PII_KEYS = f"{NEW_KEY},{old}"
    return old


def snapshot() -> dict:
    values = {}
    for model, name in encrypted_columns():
        for pk, sealed in model._default_manager.exclude(**{name: ""}).values_list("pk", name):
            values[(model._meta.label_lower, name, pk)] = pii.decrypt(sealed)
    return values


def test_every_column_of_every_app_is_covered():
    covered = {(m._meta.label_lower, n) for m, n in encrypted_columns()}
    assert {
        ("people.person", "id_number_encrypted"),
        ("people.person", "phone_encrypted"),
        ("people.house", "owner_phone_encrypted"),
        ("people.organisation", "phone_encrypted"),
        ("accounts.user", "phone_encrypted"),
    } <= covered


def test_rotation_rewrites_every_value_and_keeps_it_readable(two_keys, ledger, settings):
    before = snapshot()
    assert len(before) > 1000  # the demo town's ledger and accounts, plus the test's own rows
    assert all(stale(m, n, "k9").count() for m, n in encrypted_columns() if m is Person)
    # old values are readable while the new key is active
    assert Person.objects.get(pk=ledger.person1.pk).reveal_pii("id_number") == ledger.id1
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "still sealed with an older key" in out.getvalue()
    for model, name in encrypted_columns():
        assert stale(model, name, "k9").count() == 0, (model, name)
    settings.PII_KEYS = NEW_KEY  # the old key removed
    assert snapshot() == before
    assert Person.objects.get(pk=ledger.person1.pk).reveal_pii("id_number") == ledger.id1
    assert (
        User.objects.get(username="gridworker1").reveal_phone()
        == before[("accounts.user", "phone_encrypted", User.objects.get(username="gridworker1").pk)]
    )
    record = AuditLog.objects.get(action="pii.rotate")
    assert record.changes["active"] == "k9"
    assert record.changes["left"] == 0
    assert record.changes["rewritten"] == len(before)


def test_blind_indexes_do_not_change_so_look_ups_still_work(two_keys, ledger, caller):
    call_command("rotate_pii_key", stdout=io.StringIO())
    found = caller("gridworker1").post("/persons/search", {"id_number": ledger.id1}).json()
    assert [p["id"] for p in found["items"]] == [ledger.person1.pk]


def test_a_dry_run_only_counts(two_keys):
    out = io.StringIO()
    call_command("rotate_pii_key", dry_run=True, stdout=out)
    assert "values are sealed with an older key than k9." in out.getvalue()
    assert Person.objects.filter(id_number_encrypted__startswith="k9:").count() == 0
    assert not AuditLog.objects.filter(action="pii.rotate").exists()


def test_a_second_run_has_nothing_left_to_do(two_keys):
    call_command("rotate_pii_key", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "0 values re-encrypted with key k9; 0 still sealed with an older key." in out.getvalue()


def test_a_value_changed_during_the_run_is_left_to_its_writer(two_keys, ledger, monkeypatch):
    """The rewrite is a compare-and-swap: a phone changed meanwhile is not overwritten with the old one."""
    from wangge.people.management.commands import rotate_pii_key

    real_decrypt = pii.decrypt
    changed = {}

    def decrypt_and_race(sealed):
        plain = real_decrypt(sealed)
        if not changed and Person.objects.filter(pk=ledger.person1.pk, phone_encrypted=sealed).exists():
            person = Person.objects.get(pk=ledger.person1.pk)
            person.set_pii("phone", "13600000000")
            person.save(update_fields=["phone_encrypted", "phone_index", "phone_masked"])
            changed["done"] = True
        return plain

    monkeypatch.setattr(rotate_pii_key.pii, "decrypt", decrypt_and_race)
    rotate_pii_key.rotate()
    monkeypatch.setattr(rotate_pii_key.pii, "decrypt", real_decrypt)
    assert changed == {"done": True}
    assert Person.objects.get(pk=ledger.person1.pk).reveal_pii("phone") == "13600000000"


def test_house_and_organisation_numbers_rotate_too(two_keys, ledger):
    from wangge.people import services

    services.update_house(actor=ledger.worker1, house=ledger.house1, data={"owner_phone": "13577778888"})
    call_command("rotate_pii_key", stdout=io.StringIO())
    house = House.objects.get(pk=ledger.house1.pk)
    assert house.owner_phone_encrypted.startswith("k9:")
    assert house.reveal_pii("owner_phone") == "13577778888"
    assert not Organisation.objects.exclude(phone_encrypted="").exclude(phone_encrypted__startswith="k9:").exists()
