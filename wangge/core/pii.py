"""Personal data at rest: AES-GCM encryption with rotating keys, a keyed blind index, and masking.

A stored value looks like ``k1:<base64(nonce | ciphertext)>``; the key id travels with the value so
that old values stay readable after a new key becomes active. Exact look-up (log in by phone, find a
person by ID number) compares HMAC-SHA256 blind indexes and never decrypts the table.

The blind-index key rotates the same way, without downtime. ``WANGGE_PII_INDEX_KEY`` holds one or more
keys, the first active: ``i2:<secret>,<older secret>``. An index value carries the id of its key
(``i2:`` and the digest cut to fit the 64-character ``*_index`` columns, at least 224 bits); a key
written without an id (the one every installation started with) makes bare 64-character digests, so
existing values need no rewrite to stay valid. Writes use the active key (``blind_index``); look-ups
match the value under every configured key (``blind_indexes``), so a row is found whether or not
``rotate_pii_key`` has rewritten it yet. Remove the old key once a run reports nothing left.
"""

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12
INDEX_LENGTH = 64  # the *_index columns
INDEX_KEY_ID = re.compile(r"[A-Za-z0-9]{1,7}")


class PiiKeyError(RuntimeError):
    pass


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    active = ""
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        key_id, _, b64 = part.partition(":")
        raw = base64.b64decode(b64)
        if len(raw) != 32:
            raise PiiKeyError(f"PII key {key_id!r} must be 32 bytes (AES-256)")
        keys[key_id] = raw
        active = active or key_id
    if not keys:
        raise PiiKeyError("WANGGE_PII_KEYS holds no key")
    return active, keys


def _keys() -> tuple[str, dict[str, bytes]]:
    return _parse_keys(settings.PII_KEYS)


def active_key_id() -> str:
    return _keys()[0]


def encrypt(plain: str, *, key_id: str | None = None) -> str:
    if plain == "":
        return ""
    active, keys = _keys()
    key_id = key_id or active
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys[key_id]).encrypt(nonce, plain.encode(), key_id.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str) -> str:
    if stored == "":
        return ""
    key_id, _, b64 = stored.partition(":")
    keys = _keys()[1]
    if key_id not in keys:
        raise PiiKeyError(f"no key {key_id!r} to decrypt a stored value; was it removed from WANGGE_PII_KEYS?")
    blob = base64.b64decode(b64)
    return AESGCM(keys[key_id]).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], key_id.encode()).decode()


def key_id_of(stored: str) -> str:
    return stored.partition(":")[0]


@lru_cache(maxsize=8)
def _parse_index_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    """(key id, secret) pairs, the active one first; an entry without ``id:`` is the original key (id "")."""
    keys: list[tuple[str, bytes]] = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        key_id, colon, secret = part.partition(":")
        if not colon:
            key_id, secret = "", part
        elif not INDEX_KEY_ID.fullmatch(key_id):
            raise PiiKeyError(f"blind-index key id {key_id!r} must be 1-7 letters or digits")
        if not secret:
            raise PiiKeyError(f"blind-index key {key_id!r} is empty")
        if any(key_id == known for known, _ in keys):
            raise PiiKeyError(f"blind-index key id {key_id!r} appears twice in WANGGE_PII_INDEX_KEY")
        keys.append((key_id, secret.encode()))
    if not keys:
        raise PiiKeyError("WANGGE_PII_INDEX_KEY holds no key")
    return tuple(keys)


def _index_keys() -> tuple[tuple[str, bytes], ...]:
    return _parse_index_keys(settings.PII_INDEX_KEY)


def index_key_ids() -> list[str]:
    """Every configured blind-index key id, the active one first ("" is the original, id-less key)."""
    return [key_id for key_id, _ in _index_keys()]


def active_index_key_id() -> str:
    return _index_keys()[0][0]


def blind_index(plain: str, *, kind: str, key_id: str | None = None) -> str:
    """Keyed hash for exact look-up, under the active key (or ``key_id``): what a write stores.

    ``kind`` keeps equal strings of different kinds apart. Look-ups use ``blind_indexes``."""
    if plain == "":
        return ""
    keys = dict(_index_keys())
    key_id = active_index_key_id() if key_id is None else key_id
    if key_id not in keys:
        raise PiiKeyError(f"no blind-index key {key_id!r} in WANGGE_PII_INDEX_KEY")
    digest = hmac.new(keys[key_id], f"{kind}:{normalise(plain)}".encode(), hashlib.sha256).hexdigest()
    if not key_id:
        return digest
    return f"{key_id}:{digest[: INDEX_LENGTH - len(key_id) - 1]}"


def blind_indexes(plain: str, *, kind: str) -> list[str]:
    """The index of ``plain`` under every configured key, the active one first: what a look-up matches
    (``field__in=``), so rows not yet rewritten by a rotation are found too; [] for an empty value."""
    if plain == "":
        return []
    return [blind_index(plain, kind=kind, key_id=key_id) for key_id in index_key_ids()]


def index_key_id_of(value: str) -> str:
    """The id of the key a stored index value was made with ("" for a bare digest of the original key)."""
    key_id, colon, _digest = value.partition(":")
    return key_id if colon else ""


def normalise(plain: str) -> str:
    return plain.strip().upper().replace(" ", "").replace("-", "")


def mask_id_number(plain: str) -> str:
    """First 6 and last 4 characters kept: 320583********1234."""
    if len(plain) <= 10:
        return "*" * len(plain)
    return plain[:6] + "*" * (len(plain) - 10) + plain[-4:]


def mask_phone(plain: str) -> str:
    """First 3 and last 4 digits kept: 138****5678."""
    if len(plain) <= 7:
        return "*" * len(plain)
    return plain[:3] + "*" * (len(plain) - 7) + plain[-4:]
