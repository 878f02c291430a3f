"""Fixtures for the PostgreSQL search backend tests.

clean_db, catalog_fields and dataset_factory come from tests/conftest.py.
"""

from __future__ import annotations

import pytest


def ensure_index_table() -> None:
    """Create the search index table by its migration if it is missing."""
    from ckanext.cqgov.search import client, plugin

    if not client.table_exists():
        plugin.create_index_table()


@pytest.fixture(scope="module")
def index_table():
    """The search index table exists (for tests that use the client directly)."""
    ensure_index_table()
