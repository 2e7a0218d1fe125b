"""Marks for tests that race real connections: they run on PostgreSQL only (SQLite has one writer)."""

import pytest
from django.db import connection


def concurrent_postgres(reason: str) -> list:
    """The module marks of a race test: skipped, with ``reason``, unless the database is PostgreSQL."""
    return [
        pytest.mark.postgres_only,
        pytest.mark.django_db,
        pytest.mark.skipif(connection.vendor != "postgresql", reason=f"{reason}: run with DATABASE_URL=postgres://…"),
    ]
