"""Personal data at rest: AES-GCM with the key id in the value, blind index, masks."""

import base64

import pytest
from cryptography.exceptions import InvalidTag

from wangge.core import pii

KEY_1 = base64.b64encode(b"1" * 32).decode()
KEY_2 = base64.b64encode(b"2" * 32).decode()


@pytest.fixture
def two_keys(settings):
    settings.PII_KEYS = f"k2:{KEY_2},k1:{KEY_1}"


def test_it_encrypts_with_a_fresh_nonce_and_decrypts(two_keys):
    first, second = pii.encrypt("13812345678"), pii.encrypt("13812345678")
    assert first != second
    assert first.startswith("k2:")
    assert "13812345678" not in first
    assert pii.decrypt(first) == pii.decrypt(second) == "13812345678"


def test_values_sealed_with_an_older_key_stay_readable(two_keys):
    old = pii.encrypt("13812345678", key_id="k1")
    assert pii.key_id_of(old) == "k1"
    assert pii.decrypt(old) == "13812345678"


def test_a_removed_key_is_reported_by_name(settings, two_keys):
    old = pii.encrypt("13812345678", key_id="k1")
    settings.PII_KEYS = f"k2:{KEY_2}"
    with pytest.raises(pii.PiiKeyError, match="no key 'k1'"):
        pii.decrypt(old)


def test_a_tampered_value_does_not_decrypt(two_keys):
    key_id, _, b64 = pii.encrypt("13812345678").partition(":")
    blob = bytearray(base64.b64decode(b64))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        pii.decrypt(f"{key_id}:{base64.b64encode(bytes(blob)).decode()}")


def test_a_key_of_the_wrong_size_is_refused(settings):
    settings.PII_KEYS = "short:" + base64.b64encode(b"x" * 16).decode()
    with pytest.raises(pii.PiiKeyError, match="must be 32 bytes"):
        pii.encrypt("x")


def test_empty_stays_empty():
    assert pii.encrypt("") == ""
    assert pii.decrypt("") == ""
    assert pii.blind_index("", kind="phone") == ""


def test_the_blind_index_ignores_spacing_and_case_but_not_the_kind():
    assert pii.blind_index("138 1234-5678", kind="phone") == pii.blind_index("13812345678", kind="phone")
    assert pii.blind_index("32058319900101123x", kind="id") == pii.blind_index("32058319900101123X", kind="id")
    assert pii.blind_index("13812345678", kind="phone") != pii.blind_index("13812345678", kind="id")
    assert len(pii.blind_index("13812345678", kind="phone")) == 64


def test_masks_keep_only_the_ends():
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_phone("1234567") == "*******"
    assert pii.mask_id_number("320583199001011234") == "320583********1234"
    assert pii.mask_id_number("1234567890") == "**********"


# --- the blind-index key and its rotation ---------------------------------------------------------------


def _hmac(secret: str, message: str) -> str:
    import hashlib
    import hmac

    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def two_index_keys(settings):
    """A new key i2 active, the original id-less key still configured (what a rotation starts with)."""
    settings.PII_INDEX_KEY = "i2:new-secret,original-secret"


def test_the_original_key_makes_bare_digests(settings):
    settings.PII_INDEX_KEY = "original-secret"
    assert pii.index_key_ids() == [""]
    assert pii.blind_index("13812345678", kind="phone") == _hmac("original-secret", "phone:13812345678")
    assert pii.index_key_id_of(pii.blind_index("13812345678", kind="phone")) == ""


def test_a_keyed_index_carries_its_key_id_and_fits_the_column(two_index_keys):
    value = pii.blind_index("13812345678", kind="phone")
    assert value == "i2:" + _hmac("new-secret", "phone:13812345678")[:61]
    assert len(value) == pii.INDEX_LENGTH == 64
    assert pii.index_key_id_of(value) == "i2"
    assert pii.active_index_key_id() == "i2"


def test_look_ups_match_under_every_configured_key_active_first(two_index_keys):
    assert pii.blind_indexes("138 1234-5678", kind="phone") == [
        "i2:" + _hmac("new-secret", "phone:13812345678")[:61],
        _hmac("original-secret", "phone:13812345678"),
    ]
    assert pii.blind_index("13812345678", kind="phone", key_id="") == pii.blind_indexes("13812345678", kind="phone")[1]
    assert pii.blind_indexes("", kind="phone") == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "holds no key"),
        ("i2:a,i2:b", "appears twice"),
        ("a,b", "appears twice"),
        ("key-2:secret", "must be 1-7 letters or digits"),
        ("i2:", "is empty"),
    ],
)
def test_a_bad_index_key_list_is_refused_by_name(settings, spec, message):
    settings.PII_INDEX_KEY = spec
    with pytest.raises(pii.PiiKeyError, match=message):
        pii.blind_index("13812345678", kind="phone")


def test_an_index_under_a_removed_key_cannot_be_made(two_index_keys):
    with pytest.raises(pii.PiiKeyError, match="no blind-index key 'i1'"):
        pii.blind_index("13812345678", kind="phone", key_id="i1")
