"""The benchmark smoke runs guard against rot, not against a database: they run once, in the SQLite run."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="benchmark smoke runs run once, in the SQLite run")
    for item in items:
        if "tests/bench/" in str(item.fspath):
            item.add_marker(skip)
