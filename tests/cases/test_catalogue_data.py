"""The shipped data files: the category catalogue and the labelled descriptions. No database."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

import wangge.cases

DATA = Path(wangge.cases.__file__).resolve().parent / "data"
DEPARTMENTS = {
    "city_management",
    "market_regulation",
    "housing",
    "police",
    "environment",
    "fire",
    "water",
    "civil_affairs",
    "transport",
    "health",
    "emergency",
    "utilities",
    "other",
}
LEVELS = {"grid", "community", "street", "district"}
KINDS = {"component", "event", "social"}
EVIDENCE = {"photo_before", "photo_after", "document"}
STAGES = {"accept", "sign", "handle", "verify"}
LIMIT = re.compile(r"^\d+(\.\d+)?[hd]$")


@pytest.fixture(scope="module")
def catalogue():
    return json.loads((DATA / "categories.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def subclasses(catalogue):
    return [sub for cls in catalogue["classes"] for sub in cls["subclasses"]]


@pytest.fixture(scope="module")
def descriptions():
    """The training text and the held-out split, together."""
    rows = []
    for name in ("descriptions.jsonl", "heldout.jsonl"):
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        rows += [json.loads(line) for line in lines if line.strip()]
    return rows


def test_every_description_names_an_existing_subclass(descriptions, subclasses):
    codes = {sub["code"] for sub in subclasses}
    for row in descriptions:
        assert set(row) in ({"text", "category", "register", "variant"}, {"text", "category", "register", "origin"})
        assert row["category"] in codes, row
        assert row["register"] in {"resident", "grid", "hotline"}, row
        assert row.get("variant", "framed") in {"framed", "chat", "note", "summary", "lexical"}, row
        assert row.get("origin", "composed") in {"composed", "written"}, row
        assert row["text"].strip() == row["text"] and len(row["text"]) >= 8, row


def test_every_subclass_has_at_least_four_descriptions(descriptions, subclasses):
    counts = Counter(row["category"] for row in descriptions)
    thin = {sub["code"]: counts[sub["code"]] for sub in subclasses if counts[sub["code"]] < 4}
    assert not thin


def test_the_held_out_split_is_large_and_covers_the_catalogue(descriptions, subclasses):
    held_out = [row for row in descriptions if "origin" in row]
    assert len(held_out) >= 700
    assert len(held_out) / len(descriptions) == pytest.approx(0.1, abs=0.05)
    assert {row["category"] for row in held_out} == {sub["code"] for sub in subclasses}


def test_descriptions_are_unique_and_carry_no_phone_numbers(descriptions):
    texts = [row["text"] for row in descriptions]
    assert len(set(texts)) == len(texts)
    assert not [text for text in texts if re.search(r"1[3-9]\d{9}|\d{3,4}-\d{7,8}", text)]
