"""Shared test fixtures.

CKAN's pytest plugin (``--ckan-ini=config/test.ini``, set by ``make test``) provides
``clean_db``, ``clean_index``, ``with_plugins``, ``app`` and the factories.
"""

from __future__ import annotations

import copy
import os

import pytest
from catalog_defaults import CATALOG_DEFAULTS  # noqa: F401 (re-exported)


def _plugins_with_migrations() -> list[str]:
    from ckan.cli.db import _resolve_alembic_config
    from ckan.common import config

    return [
        name
        for name in config.get("ckan.plugins")
        if os.path.exists(_resolve_alembic_config(name))
    ]


def purge_access_log() -> None:
    """Empty the append-only access log (``TRUNCATE``, the explicit purge).

    Its trigger refuses ``DELETE``, which CKAN's reset issues for every table
    it knows; ``TRUNCATE`` is not a row deletion and stays possible for the
    database owner. Sessions are closed first: ``TRUNCATE`` waits for every
    transaction that read the table.
    """
    import sqlalchemy as sa
    from ckan import model

    model.Session.close_all()
    with model.Session.get_bind().begin() as connection:
        if sa.inspect(connection).has_table("cqgov_access_log"):
            connection.execute(sa.text("TRUNCATE cqgov_access_log"))


@pytest.fixture(scope="session")
def reset_db(reset_db):
    """CKAN's ``reset_db``, purging the access log first (see above)."""

    def reset():
        purge_access_log()
        return reset_db()

    return reset


@pytest.fixture
def clean_db(with_plugins, clean_db, migrate_db_for):
    """CKAN's ``clean_db`` plus the enabled plugins' tables, plugins loaded.

    CKAN's reset drops every table, plugin tables too (the search index,
    activity); re-applying the enabled plugins' migrations brings them back (a
    no-op when they are present).
    """
    import sqlalchemy as sa
    from ckan import model

    inspector = sa.inspect(model.meta.engine)
    for name in _plugins_with_migrations():
        if not inspector.has_table(f"{name}_alembic_version"):
            migrate_db_for(name)


@pytest.fixture
def catalog_fields():
    """The required catalog fields, to spread into ``factories.Dataset(...)``."""
    return copy.deepcopy(CATALOG_DEFAULTS)


@pytest.fixture
def dataset_factory(catalog_fields):
    """``factories.Dataset`` with the catalog fields the schema requires and an
    owner organization.

    Created by the site user (a sysadmin), an entry is ``approved`` (published)
    unless ``catalog_status`` says otherwise; created by a given ``user`` it
    starts as a ``draft`` like any entry a department compiles.
    """
    from ckan.tests import factories

    def make(**kwargs):
        if "owner_org" not in kwargs:
            kwargs["owner_org"] = factories.Organization()["id"]
        if "user" not in kwargs:
            kwargs.setdefault("catalog_status", "approved")
        return factories.Dataset(**{**catalog_fields, **kwargs})

    return make


# --- shared by the DCAT and spreadsheet tests ---------------------------------


@pytest.fixture
def member_of():
    """``member_of(organization, role="editor")``: a new user with that role."""
    from ckan.tests import factories, helpers

    def make(organization: dict, role: str = "editor") -> dict:
        user = factories.User()
        helpers.call_action(
            "organization_member_create",
            id=organization["id"],
            username=user["name"],
            role=role,
        )
        return user

    return make


@pytest.fixture
def personal_data_items():
    """Two data items of a register of persons; the first is sensitive."""
    return [
        {
            "name": "身份证号",
            "data_type": "C",
            "length": "18",
            "description": "公民身份号码",
            "sensitive_category": "id_number",
        },
        {
            "name": "登记日期",
            "data_type": "D",
            "length": "",
            "description": "",
            "sensitive_category": "none",
        },
    ]


@pytest.fixture(scope="module")
def module_clean_db(reset_db, migrate_db_for):
    """``clean_db`` once for a whole module, with the plugins loaded for it.

    For suites that build one fixture catalog and run many read-only cases
    against it.
    """
    import ckan.plugins

    ckan.plugins.load_all()
    try:
        reset_db()
        for name in _plugins_with_migrations():
            migrate_db_for(name)
        yield
    finally:
        ckan.plugins.unload_non_system_plugins()


def drop_datastore_tables() -> None:
    """Empties the DataStore database (every table, and with them their
    aliases)."""
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_write_engine

    with get_write_engine().begin() as conn:
        names = conn.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        for name in list(names):
            quoted = '"' + name.replace('"', '""') + '"'
            conn.execute(sa.text(f"DROP TABLE {quoted} CASCADE"))


@pytest.fixture(scope="module")
def module_clean_datastore(module_clean_db):
    """``module_clean_db`` plus an empty DataStore database, for suites that
    load DataStore tables."""
    drop_datastore_tables()


@pytest.fixture
def clean_datastore(clean_db):
    """``clean_db`` plus an empty DataStore database."""
    drop_datastore_tables()
