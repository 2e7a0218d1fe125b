"""The blind-index key rotates without downtime: with a new key active, writes index under it, look-ups
match under every configured key (so rows not rewritten yet are found), and `wangge rotate_pii_key`
recomputes the older indexes from the encrypted numbers until none is left; then the old key can go."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from wangge.accounts import services as account_services
from wangge.accounts.models import AuditLog, User
from wangge.core import pii
from wangge.people import services
from wangge.people.management.commands import rotate_pii_key
from wangge.people.management.commands.rotate_pii_key import index_columns, rotate_indexes, stale_indexes
from wangge.people.models import House, Organisation, Person

PASSWORD = "Phone-pass-2026!"
NEW_SECRET = "a-new-index-secret-for-the-rotation"


@pytest.fixture
def phone_user(user):
    """An account made before the rotation: its phone indexed under the original key."""
    return account_services.create_user(
        actor=user("admin"), username="phoneuser", password=PASSWORD, phone="13900001111"
    )


@pytest.fixture
def rotating(settings, ledger, phone_user):
    """The operator's first step: a new index key i2 in front of the running one."""
    old = settings.PII_INDEX_KEY
    assert pii.index_key_ids() == [""]  # every installation starts with one id-less key
    settings.PII_INDEX_KEY = f"i2:{NEW_SECRET},{old}"
    return old


def left() -> int:
    return sum(stale_indexes(model, number, "i2").count() for model, number, _kind in index_columns())


def plain_index_lookups(ledger, caller) -> None:
    """Every kind of look-up by number finds the same rows, whichever key their index was made with."""
    for id_number, person in ((ledger.id1, ledger.person1), (ledger.id2, ledger.person2)):
        owner = "gridworker1" if person == ledger.person1 else "gridworker2"
        found = caller(owner).post("/persons/search", {"id_number": id_number}).json()
        assert [p["id"] for p in found["items"]] == [person.pk], id_number
    found = caller("gridworker1").post("/persons/search", {"phone": ledger.phone1}).json()
    assert [p["id"] for p in found["items"]] == [ledger.person1.pk]
    assert User.objects.get_by_phone("139 0000 1111").username == "phoneuser"
    client = Client()
    assert client.post("/accounts/login/", {"username": "13900001111", "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="phoneuser").pk)


def test_every_index_column_of_every_app_is_covered():
    covered = {(m._meta.label_lower, number, kind) for m, number, kind in index_columns()}
    assert covered == {
        ("people.person", "id_number", "id_number"),
        ("people.person", "phone", "phone"),
        ("people.house", "owner_phone", "phone"),
        ("people.organisation", "phone", "phone"),
        ("accounts.user", "phone", "phone"),
        # a dispute's parties are matched by number to find those who recur
        ("mediation.disputeparty", "id_number", "id_number"),
        ("mediation.disputeparty", "phone", "phone"),
    }  # cases keep no index of contact phones (never looked up by number)


def test_look_ups_work_before_during_and_after_a_rotation(rotating, ledger, caller, settings):
    plain_index_lookups(ledger, caller)  # nothing rewritten yet: every row under the original key

    # Half-way: a run stopped after 3 rows, and a write since the new key became active.
    stale = left()
    counts = rotate_indexes(batch_size=2, limit=3)
    assert sorted(counts.values(), reverse=True)[:2] == [(3, 0), (0, 0)]  # 3 rows of the first column, then stop
    assert left() == stale - 3
    services.update_person(actor=ledger.worker2, person=ledger.person2, data={"phone": "13600002222"})
    person1 = Person.objects.get(pk=ledger.person1.pk)
    person2 = Person.objects.get(pk=ledger.person2.pk)
    assert pii.index_key_id_of(person2.phone_index) == "i2"
    assert {pii.index_key_id_of(p.id_number_index) for p in (person1, person2)} == {""}
    assert left() == stale - 4
    plain_index_lookups(ledger, caller)
    found = caller("gridworker2").post("/persons/search", {"phone": "13600002222"}).json()
    assert [p["id"] for p in found["items"]] == [ledger.person2.pk]

    out = io.StringIO()
    call_command("rotate_pii_key", "--only", "index", stdout=out)
    assert "still made with another key" in out.getvalue()
    assert left() == 0
    settings.PII_INDEX_KEY = f"i2:{NEW_SECRET}"  # the old key removed
    plain_index_lookups(ledger, caller)
    for model, number, _kind in index_columns():
        values = model._default_manager.exclude(**{f"{number}_index": ""}).values_list(f"{number}_index", flat=True)
        assert all(value.startswith("i2:") and len(value) == 64 for value in values), (model, number)


def test_a_number_known_under_the_old_key_is_still_a_duplicate(rotating, ledger, user):
    with pytest.raises(ValidationError) as refused:
        account_services.create_user(actor=user("admin"), username="second", password=PASSWORD, phone="13900001111")
    assert refused.value.message_dict == {"phone": ["Another account already uses this phone number."]}
    with pytest.raises(ValidationError) as refused:
        services.create_person(
            actor=ledger.worker2, data={"name": "重复", "id_number": ledger.id2, "household": ledger.household2}
        )
    assert refused.value.message_dict["id_number"] == ["A person with this ID number is already in the ledger."]


def test_the_run_recomputes_every_index_from_the_encrypted_number(rotating, ledger):
    services.update_house(actor=ledger.worker1, house=ledger.house1, data={"owner_phone": "13577778888"})
    House.objects.filter(pk=ledger.house1.pk).update(
        owner_phone_index=pii.blind_index("13577778888", kind="phone", key_id="")
    )
    before = {
        (model._meta.label_lower, number, pk): pii.decrypt(sealed)
        for model, number, _kind in index_columns()
        for pk, sealed in model._default_manager.exclude(**{f"{number}_index": ""}).values_list(
            "pk", f"{number}_encrypted"
        )
    }
    assert len(before) > 1000  # the demo town's ledger and accounts, plus the test's own rows

    call_command("rotate_pii_key", stdout=io.StringIO())

    for (label, number, pk), plain in before.items():
        model = {m._meta.label_lower: (m, kind) for m, n, kind in index_columns() if n == number}[label]
        stored = model[0]._default_manager.values_list(f"{number}_index", flat=True).get(pk=pk)
        assert stored == pii.blind_index(plain, kind=model[1]), (label, number, pk)
    assert House.objects.filter(owner_phone_index__in=pii.blind_indexes("13577778888", kind="phone")).get().pk == (
        ledger.house1.pk
    )
    assert not Organisation.objects.exclude(phone_index="").exclude(phone_index__startswith="i2:").exists()
    record = AuditLog.objects.get(action="pii.rotate_index")
    assert record.object_id == "i2"
    assert record.changes == {"active": "i2", "rewritten": len(before), "duplicates": 0, "left": 0}


def test_a_dry_run_only_counts(rotating):
    out = io.StringIO()
    stale = left()
    call_command("rotate_pii_key", "--only", "index", "--dry-run", stdout=out)
    assert f"{stale} blind indexes were made with another key than i2." in out.getvalue()
    assert left() == stale > 0
    assert not AuditLog.objects.filter(action="pii.rotate_index").exists()


def test_a_second_run_has_nothing_left_to_do(rotating):
    call_command("rotate_pii_key", "--only", "index", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_pii_key", "--only", "index", stdout=out)
    assert "0 blind indexes recomputed with key i2; 0 still made with another key." in out.getvalue()


def test_an_index_changed_during_the_run_is_left_to_its_writer(rotating, ledger, monkeypatch):
    """The rewrite is a compare-and-swap: a phone changed meanwhile keeps its writer's index."""
    real_decrypt = pii.decrypt
    changed = {}

    def decrypt_and_race(sealed):
        plain = real_decrypt(sealed)
        if not changed and Person.objects.filter(pk=ledger.person1.pk, phone_encrypted=sealed).exists():
            services.update_person(actor=ledger.worker1, person=ledger.person1, data={"phone": "13600000000"})
            changed["done"] = True
        return plain

    monkeypatch.setattr(rotate_pii_key.pii, "decrypt", decrypt_and_race)
    rotate_indexes()
    monkeypatch.setattr(rotate_pii_key.pii, "decrypt", real_decrypt)
    assert changed == {"done": True}
    person = Person.objects.get(pk=ledger.person1.pk)
    assert person.phone_index == pii.blind_index("13600000000", kind="phone")
    assert person.reveal_pii("phone") == "13600000000"


def test_two_rows_with_one_number_are_reported_not_merged(rotating, user):
    """Two writers racing during the change-over can each store a number under a different key; the unique
    column then refuses the second rewrite: the run reports it and goes on with the rest."""
    twin = User(username="twin")
    twin.set_phone("13900001111")  # under i2, beside phoneuser's index under the original key
    twin.set_unusable_password()
    twin.save()

    out = io.StringIO()
    call_command("rotate_pii_key", "--only", "index", stdout=out)

    assert "1 of them hold a number that another row holds under the active key" in out.getvalue()
    assert User.objects.get(username="phoneuser").phone_index == pii.blind_index("13900001111", kind="phone", key_id="")
    assert left() == 1
    record = AuditLog.objects.get(action="pii.rotate_index")
    assert (record.changes["duplicates"], record.changes["left"]) == (1, 1)
