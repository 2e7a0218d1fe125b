"""Personal data at rest: AES-GCM encryption with rotating keys, a keyed blind index, and masking.

A stored value looks like ``k1:<base64(nonce | ciphertext)>``; the key id travels with the value so
that old values stay readable after a new key becomes active. Exact look-up (log in by phone, find a
person by ID number) compares HMAC-SHA256 blind indexes and never decrypts the table.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12


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


def blind_index(plain: str, *, kind: str) -> str:
    """Keyed hash for exact look-up; ``kind`` keeps equal strings of different kinds apart."""
    if plain == "":
        return ""
    message = f"{kind}:{normalise(plain)}".encode()
    return hmac.new(settings.PII_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()


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
