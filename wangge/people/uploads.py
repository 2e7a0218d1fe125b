"""An uploaded ledger kept between its dry run and the import the user confirms.

The file is full of personal data, so it is stored AES-GCM encrypted (the active PII key) under
``VAR_DIR/imports/`` with a random name; the session holds only that name. It is deleted on import,
on the next upload and after ``MAX_AGE`` whatever happens. ``key`` names the session entry, so two
importers (the ledger's, the devices') keep one file each.
"""

import base64
import secrets
import time
from pathlib import Path

from django.conf import settings

from wangge.core import pii

MAX_AGE = 6 * 3600
SESSION_KEY = "people_import"


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    if not token or not token.isalnum():
        return None
    return _folder() / f"{token}.bin"


def _sweep() -> None:
    cutoff = time.time() - MAX_AGE
    for old in _folder().glob("*.bin"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def stash(session, data: bytes, meta: dict, *, key: str = SESSION_KEY) -> None:
    """Keep ``data`` for the confirm step; ``key`` keeps another module's import (devices, party members)
    apart from the ledger's."""
    discard(session, key=key)
    _sweep()
    token = secrets.token_hex(16)
    path = _path(token)
    path.write_text(pii.encrypt(base64.b64encode(data).decode()))
    path.chmod(0o600)
    session[key] = {**meta, "token": token}


def load(session, *, key: str = SESSION_KEY) -> tuple[bytes, dict] | None:
    meta = session.get(key)
    path = _path(meta.get("token", "")) if meta else None
    if path is None or not path.exists():
        return None
    return base64.b64decode(pii.decrypt(path.read_text())), meta


def discard(session, *, key: str = SESSION_KEY) -> None:
    meta = session.pop(key, None)
    path = _path(meta.get("token", "")) if meta else None
    if path is not None:
        path.unlink(missing_ok=True)
