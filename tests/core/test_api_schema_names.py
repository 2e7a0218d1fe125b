"""OpenAPI names a component by its schema class's name: two schemas of the API with one name make the
document describe one of them under both, and clients (and the fuzzer) check answers against the wrong one."""

from collections import defaultdict

from ninja import Schema

import wangge.api  # noqa: F401  (loads every router and the schemas they use)


def _schemas(base=Schema):
    for cls in base.__subclasses__():
        yield cls
        yield from _schemas(cls)


def test_no_two_schemas_of_the_api_share_a_name():
    modules = defaultdict(set)
    for cls in _schemas():
        if cls.__module__.startswith("wangge."):
            modules[cls.__name__].add(cls.__module__)
    shared = {name: sorted(found) for name, found in modules.items() if len(found) > 1}
    assert not shared, f"schema names used by more than one module: {shared}"
