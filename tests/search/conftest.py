"""Fixtures for the PostgreSQL search backend tests.

clean_db, catalog_fields and dataset_factory come from tests/conftest.py.
"""

from __future__ import annotations

import os

import pytest

PGSEARCH = "cqgov_pgsearch"


def ensure_index_table() -> None:
    """Create the search index table by its migration if it is missing."""
    from ckan import model

    import ckanext.cqgov
    from ckanext.cqgov.search import client

    if client.table_exists():
        return
    ini = os.path.join(
        os.path.dirname(ckanext.cqgov.__file__), "migration", PGSEARCH, "alembic.ini"
    )
    original = model.repo._alembic_ini
    model.repo._alembic_ini = ini
    try:
        model.repo.upgrade_db()
    finally:
        model.repo._alembic_ini = original


@pytest.fixture(scope="module")
def index_table():
    """The search index table exists (for tests that use the client directly)."""
    ensure_index_table()
