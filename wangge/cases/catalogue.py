"""The shipped category catalogue (data/categories.json): loaded into the database, then admin-editable."""

import json
from pathlib import Path

from django.db import transaction

from wangge.cases.models import Category

# Classes the public may report and read through Open311 unless a sub-class says otherwise ("public").
PUBLIC_KINDS = ("component", "event")
CATALOGUE = Path(__file__).resolve().parent / "data" / "categories.json"


def read_catalogue(path: Path = CATALOGUE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def load_catalogue(*, path: Path = CATALOGUE, overwrite: bool = False) -> tuple[int, int]:
    """Create missing categories; with ``overwrite`` also reset edited ones. Returns (created, updated)."""
    data = read_catalogue(path)
    existing = {c.code: c for c in Category.objects.all()}
    created = updated = 0
    for cls in data["classes"]:
        parent, was_created = _upsert(
            existing,
            cls["code"],
            overwrite,
            {
                "name": cls["name"],
                "name_en": cls.get("name_en", ""),
                "kind": cls.get("kind", "event"),
                "parent": None,
            },
        )
        created += was_created
        updated += not was_created and overwrite
        for sub in cls["subclasses"]:
            limits = sub.get("limits", {})
            _obj, was_created = _upsert(
                existing,
                sub["code"],
                overwrite,
                {
                    "name": sub["name"],
                    "name_en": sub.get("name_en", ""),
                    "kind": cls.get("kind", "event"),
                    "parent": parent,
                    "department_kind": sub.get("department", ""),
                    "default_level": sub.get("level", "street"),
                    "on_spot": bool(sub.get("on_spot", False)),
                    "evidence": list(sub.get("evidence", [])),
                    "limit_accept": limits.get("accept", "2h"),
                    "limit_sign": limits.get("sign", "2h"),
                    "limit_handle": limits.get("handle", "3d"),
                    "limit_verify": limits.get("verify", "1d"),
                    "related": list(sub.get("related", [])),
                    "public": bool(sub.get("public", cls.get("kind", "event") in PUBLIC_KINDS)),
                },
            )
            created += was_created
            updated += not was_created and overwrite
    return created, updated


def _upsert(existing: dict, code: str, overwrite: bool, fields: dict) -> tuple[Category, bool]:
    category = existing.get(code)
    if category is None:
        category = Category.objects.create(code=code, **fields)
        existing[code] = category
        return category, True
    if overwrite:
        for name, value in fields.items():
            setattr(category, name, value)
        category.save()
    return category, False
