import pytest
from django.test import Client

from tests.common import _english, _plain_static_files  # noqa: F401


@pytest.fixture
def client(db):
    """An anonymous browser that asks for English pages."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")
