"""Autouse fixtures shared by tests/regions, tests/accounts and tests/core (imported by their conftest)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English outside requests; the project's default language is zh-hans."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Pages render {% static %}; without collectstatic there is no manifest to look names up in."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
