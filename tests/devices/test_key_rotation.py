"""`wangge rotate_pii_key` re-encrypts the vendors' signing keys with the personal numbers (found by the same
walk over every ``*_encrypted`` column): after a run the old personal-data key can be removed and every
webhook still verifies; retired keys are rewritten too and stay retired."""

import base64
import io

from django.core.management import call_command

from tests.devices.conftest import body
from wangge.accounts.models import AuditLog
from wangge.core import pii
from wangge.devices import services
from wangge.devices.models import VendorKey

NEW_KEY = "k8:" + base64.b64encode(b"8" * 32).decode()


def test_the_walk_covers_vendor_keys():
    from wangge.people.management.commands.rotate_pii_key import encrypted_columns

    assert (VendorKey, "secret_encrypted") in set(encrypted_columns())


def test_rotation_re_encrypts_vendor_keys_and_webhooks_still_verify(vendor, settings):
    retired = vendor.secret
    switched = services.rotate_key(actor=None, vendor=vendor, retire_others=True)  # the first key retired
    current = services.rotate_key(actor=None, vendor=vendor)  # two active while the vendor switches
    keys = list(VendorKey.objects.filter(vendor=vendor))
    assert len(keys) == 3 and all(not k.secret_encrypted.startswith("k8:") for k in keys)
    old = settings.PII_KEYS
    settings.PII_KEYS = f"{NEW_KEY},{old}"
    out = io.StringIO()
    call_command("rotate_pii_key", only="encryption", stdout=out)
    assert "devices.vendorkey.secret_encrypted: " in out.getvalue()
    assert AuditLog.objects.get(action="pii.rotate").changes["left"] == 0
    settings.PII_KEYS = NEW_KEY  # the old key removed
    sealed = dict(VendorKey.objects.filter(vendor=vendor).values_list("hint", "secret_encrypted"))
    assert all(value.startswith("k8:") for value in sealed.values())
    assert pii.decrypt(sealed[retired[-4:]]) == retired
    payload = body()
    for secret in (switched, current):
        assert services.signature_valid(vendor, payload, services.sign(secret, payload))
    assert not services.signature_valid(vendor, payload, services.sign(retired, payload))  # retired stays retired
