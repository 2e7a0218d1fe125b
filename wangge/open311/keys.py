"""API keys of client applications: made here, shown once, stored and looked up as their SHA-256."""

import hashlib
import secrets

KEY_PREFIX = "o311_"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
