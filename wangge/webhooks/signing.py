"""The signature a receiver checks: ``X-Wangge-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` under
the subscription's secret (the same scheme the device webhook accepts from vendors)."""

import hashlib
import hmac

PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def valid(secret: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(sign(secret, body).encode(), (header or "").strip().encode())
