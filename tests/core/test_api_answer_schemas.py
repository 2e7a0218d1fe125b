"""The OpenAPI document names every field of an answer: a client (and the fuzzer) can check each one. An
answer's object is a schema with its properties, not a free-form object (``additionalProperties``) that
would let any key and value through; the few free-form ones are listed below with the reason."""

import pytest

from wangge.api import api as ninja_api

# (schema, property): free-form on purpose, keyed or shaped by data.
FREE_FORM = {
    ("EventOut", "data"): "what each action carried differs by action (department, extension, rating …)",
    ("ScoreRowOut", "values"): "keyed by indicator code: the indicators are rows an administrator defines",
    ("BulletinDetailOut", "data"): "the bulletin's stored figures, as generated",
    ("MapOut", "regions"): "keyed by the codes of the node's child regions",
    ("RegionDetailOut", "counts_by_level"): "keyed by the levels present below the region",
    ("RegionFeatureOut", "geometry"): "a GeoJSON geometry (Polygon or MultiPolygon), as drawn",
    ("RegionExportFeatureOut", "geometry"): "a GeoJSON geometry (Polygon or MultiPolygon), as drawn",
    ("LabelOut", "details"): "each kind of label (special groups) has its own details",
    ("BuildingCellsOut", "use_counts"): "keyed by the house uses present in the building",
    ("BuildingCellsOut", "label_counts"): "keyed by the label kinds present in the building",
}


@pytest.fixture(scope="module")
def document():
    return ninja_api.get_openapi_schema()


def _resolve(document, schema: dict) -> tuple[str, dict]:
    ref = schema.get("$ref")
    if ref is None:
        return "", schema
    name = ref.rsplit("/", 1)[-1]
    return name, document["components"]["schemas"][name]


def _free_form_fields(document, schema: dict, where: str = "", seen=None) -> list[str]:
    """Every place under ``schema`` where an object is not described field by field."""
    seen = set() if seen is None else seen
    name, schema = _resolve(document, schema)
    if name:
        if name in seen:
            return []
        seen.add(name)
    found = []
    for option in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        found += _free_form_fields(document, option, where, seen)
    if "items" in schema:
        found += _free_form_fields(document, schema["items"], f"{where}[]", seen)
    if schema.get("type") == "object" or "properties" in schema:
        if not schema.get("properties"):
            found.append(where or name)
        for field, sub in schema.get("properties", {}).items():
            if (name, field) in FREE_FORM:
                continue
            sub_name, sub_schema = _resolve(document, sub)
            if sub_schema.get("additionalProperties") not in (None, False):
                found.append(f"{name}.{field}")
            found += _free_form_fields(document, sub, f"{name}.{field}", seen)
    return found


def _answer(document, method: str, path: str, status: str) -> dict:
    return document["paths"][path][method]["responses"][int(status)]["content"]["application/json"]["schema"]


def _json_answers(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema is not None:  # 204s and file downloads carry no JSON
                    yield f"{method.upper()} {path} {status}", schema


def test_every_object_in_every_answer_names_its_fields(document):
    answers = dict(_json_answers(document))
    assert len(answers) > 80
    found = {name: _free_form_fields(document, schema) for name, schema in answers.items()}
    assert {name: fields for name, fields in found.items() if fields} == {}


def test_every_free_form_exception_is_still_in_the_document(document):
    components = document["components"]["schemas"]
    assert [key for key in FREE_FORM if key[1] not in components.get(key[0], {}).get("properties", {})] == []


def _properties(document, schema: dict) -> dict:
    return _resolve(document, schema)[1]["properties"]


def test_the_case_detail_names_its_fields(document):
    case = _properties(document, _answer(document, "get", "/api/v1/cases/{number}", "200"))
    assert {"number", "category", "assignee", "flags", "rating", "photos", "allowed_actions", "warning"} <= set(case)
    assert set(_properties(document, case["category"])) == {"code", "name", "class_code", "class_name"}
    assert set(_properties(document, case["assignee"])) == {"department", "region", "user"}
    assert "duplicate_of" in _properties(document, case["flags"])
    rating = next(s for s in case["rating"]["anyOf"] if "$ref" in s)
    assert set(_properties(document, rating)) == {"speed", "result", "comment", "satisfied"}
    photo = _properties(document, case["photos"]["items"])
    assert set(photo) == {"id", "kind", "url", "content_type", "width", "height"}
    assert case["allowed_actions"] == {
        "description": "What the caller may do with the case now",
        "items": {"type": "string"},
        "title": "Allowed Actions",
        "type": "array",
    }


def test_the_statistics_answer_names_its_counts_and_rates(document):
    from wangge.dashboard import statistics

    table = _properties(document, _answer(document, "get", "/api/v1/dashboard/statistics", "200"))
    row = _properties(document, table["rows"]["items"])
    assert _properties(document, table["total"]) == row
    counts = _properties(document, row["counts"])
    assert list(counts) == [key for key, _label, _figure in statistics.COUNTS]
    for cell in counts.values():
        assert set(_properties(document, cell)) == {"value", "link"}
    rates = _properties(document, row["rates"])
    assert set(rates) == set(statistics.RATES)
    # An indicator switched off is left out of the answer, so none is required.
    assert not _resolve(document, row["rates"])[1].get("required")
