"""Fixtures for the demo catalog tests."""

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
    """CKAN's ``clean_db`` plus the enabled plugins' tables (the search index)."""
    for name in _plugins_with_migrations():
        migrate_db_for(name)
