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
    lines = (DATA / "descriptions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _hours(limit: str) -> float:
    return float(limit[:-1]) * (8 if limit.endswith("d") else 1)


def test_the_catalogue_loads_with_enough_classes(catalogue, subclasses):
    assert catalogue["version"] == 1
    assert len(catalogue["classes"]) >= 15
    assert len(subclasses) >= 120
    assert {cls["kind"] for cls in catalogue["classes"]} == KINDS


def test_codes_are_unique_and_well_formed(catalogue, subclasses):
    class_codes = [cls["code"] for cls in catalogue["classes"]]
    sub_codes = [sub["code"] for sub in subclasses]
    assert len(set(class_codes + sub_codes)) == len(class_codes) + len(sub_codes)
    for cls in catalogue["classes"]:
        assert re.fullmatch(r"\d{2}", cls["code"]), cls["code"]
        assert cls["name"] and cls["name_en"] and cls["kind"] in KINDS
        assert cls["subclasses"], cls["code"]
        for sub in cls["subclasses"]:
            assert re.fullmatch(r"\d{4}", sub["code"]) and sub["code"].startswith(cls["code"]), sub["code"]
    names = [sub["name"] for sub in subclasses]
    assert len(set(names)) == len(names)


def test_every_subclass_has_valid_handling_fields(subclasses):
    for sub in subclasses:
        code = sub["code"]
        assert sub["name"] and len(sub["name"]) <= 60 and sub["name_en"] and len(sub["name_en"]) <= 80, code
        assert sub["department"] in DEPARTMENTS, code
        assert sub["level"] in LEVELS, code
        assert isinstance(sub["on_spot"], bool), code
        assert sub["evidence"] and set(sub["evidence"]) <= EVIDENCE, code
        assert set(sub["limits"]) == STAGES, code
        for stage, limit in sub["limits"].items():
            assert LIMIT.match(limit), (code, stage, limit)
            assert _hours(limit) > 0, (code, stage, limit)


def test_limits_are_realistic(subclasses):
    by_code = {sub["code"]: sub for sub in subclasses}
    handle = {code: _hours(sub["limits"]["handle"]) for code, sub in by_code.items()}
    assert handle["0904"] == 1.5  # an illegally parked car
    assert handle["1001"] <= 8  # a burst water pipe
    assert handle["1601"] == 3 * 8  # a 12345 consultation
    assert handle["1103"] == 13 * 8  # a 12345 complaint
    assert handle["0807"] > handle["0601"] * 10  # illegal construction takes much longer than rubbish
    for code, sub in by_code.items():
        if code.startswith("10"):  # emergencies are accepted and signed for within the hour
            assert _hours(sub["limits"]["accept"]) <= 1 and _hours(sub["limits"]["sign"]) <= 1, code


def test_on_the_spot_is_only_for_small_things(subclasses):
    on_spot = {sub["code"] for sub in subclasses if sub["on_spot"]}
    assert {"0601", "0701", "0905"} <= on_spot
    assert len(on_spot) <= len(subclasses) // 5
    for sub in subclasses:
        if sub["on_spot"]:
            assert sub["level"] == "grid", sub["code"]
            assert {"photo_before", "photo_after"} <= set(sub["evidence"]), sub["code"]


def test_related_codes_exist(subclasses):
    codes = {sub["code"] for sub in subclasses}
    for sub in subclasses:
        related = sub.get("related", [])
        assert set(related) <= codes, sub["code"]
        assert sub["code"] not in related
        assert len(set(related)) == len(related)


def test_every_description_names_an_existing_subclass(descriptions, subclasses):
    codes = {sub["code"] for sub in subclasses}
    for row in descriptions:
        assert set(row) == {"text", "category", "split"}, row
        assert row["category"] in codes, row
        assert row["split"] in {"train", "test"}, row
        assert row["text"].strip() == row["text"] and len(row["text"]) >= 8, row


def test_every_subclass_has_at_least_four_descriptions(descriptions, subclasses):
    counts = Counter(row["category"] for row in descriptions)
    thin = {sub["code"]: counts[sub["code"]] for sub in subclasses if counts[sub["code"]] < 4}
    assert not thin


def test_the_test_split_is_large_and_covers_the_catalogue(descriptions, subclasses):
    test = [row for row in descriptions if row["split"] == "test"]
    assert len(test) >= 100
    assert len(test) / len(descriptions) == pytest.approx(0.2, abs=0.05)
    covered = {row["category"] for row in test}
    assert len(covered) >= 0.9 * len(subclasses)


def test_descriptions_are_unique_and_carry_no_phone_numbers(descriptions):
    texts = [row["text"] for row in descriptions]
    assert len(set(texts)) == len(texts)
    assert not [text for text in texts if re.search(r"1[3-9]\d{9}|\d{3,4}-\d{7,8}", text)]
