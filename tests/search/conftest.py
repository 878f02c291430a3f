"""Fixtures for the PostgreSQL search backend tests."""

from __future__ import annotations

import os

import pytest


def _plugins_with_migrations() -> list[str]:
    from ckan.cli.db import _resolve_alembic_config
    from ckan.common import config

    return [
        name
        for name in config.get("ckan.plugins")
        if os.path.exists(_resolve_alembic_config(name))
    ]


@pytest.fixture
def clean_db(with_plugins, clean_db, migrate_db_for):
    """CKAN's ``clean_db`` plus the enabled plugins' tables, plugins loaded.

    The first reset of a test session drops every table, plugin tables too
    (the search index, activity); re-applying the enabled plugins' migrations
    brings them back (a no-op when they are present).
    """
    for name in _plugins_with_migrations():
        migrate_db_for(name)


@pytest.fixture
def dataset_factory(catalog_fields):
    """``factories.Dataset`` with the catalog fields the schema requires."""
    from ckan.tests import factories

    def make(**kwargs):
        return factories.Dataset(**{**catalog_fields, **kwargs})

    return make
