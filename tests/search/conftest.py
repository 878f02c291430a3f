"""Fixtures for the PostgreSQL search backend tests."""

from __future__ import annotations

import os

import pytest

PGSEARCH = "cqgov_pgsearch"


def _plugins_with_migrations() -> list[str]:
    from ckan.cli.db import _resolve_alembic_config
    from ckan.common import config

    return [
        name
        for name in config.get("ckan.plugins")
        if os.path.exists(_resolve_alembic_config(name))
    ]


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


@pytest.fixture
def clean_db(with_plugins, clean_db, migrate_db_for):
    """CKAN's ``clean_db`` plus the enabled plugins' tables, plugins loaded.

    The first reset of a test session drops every table, plugin tables too
    (the search index, activity); re-applying the enabled plugins' migrations
    brings them back (a no-op when they are present).
    """
    import sqlalchemy as sa
    from ckan import model

    inspector = sa.inspect(model.meta.engine)
    for name in _plugins_with_migrations():
        if not inspector.has_table(f"{name}_alembic_version"):
            migrate_db_for(name)


@pytest.fixture
def dataset_factory(catalog_fields):
    """``factories.Dataset`` with the catalog fields the schema requires."""
    from ckan.tests import factories

    def make(**kwargs):
        if "owner_org" not in kwargs:
            kwargs["owner_org"] = factories.Organization()["id"]
        return factories.Dataset(**{**catalog_fields, **kwargs})

    return make
