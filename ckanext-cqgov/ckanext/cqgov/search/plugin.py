"""cqgov_pgsearch: CKAN's package search over PostgreSQL instead of Solr.

CKAN 2.11 has no search-backend interface, but every piece of its search code
obtains Solr through ``make_connection()``. While this plugin is loaded that
name returns a :class:`~.client.PgSolrClient` in each module that imported it,
and the availability / schema checks CKAN runs at start-up look at the index
table instead of a Solr server. Unloading the plugin restores the originals, so
switching to Solr is a configuration change plus ``ckan search-index rebuild``.

The index table comes from this plugin's migrations:
``ckan db upgrade -p cqgov_pgsearch`` (plain ``ckan db upgrade`` runs them too).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
import ckan.plugins as p

from . import client

log = logging.getLogger(__name__)

PLACEHOLDER_SOLR_URL = "http://127.0.0.1:8983/solr/unused-by-cqgov-pgsearch"

_MODULES_USING_CONNECTION = (search_common, search_index, search_query, search)
_originals: dict[tuple[Any, str], Any] = {}


def make_connection(decode_dates: bool = True) -> client.PgSolrClient:
    """Replacement for ``ckan.lib.search.common.make_connection``."""
    return client.PgSolrClient(decode_dates=decode_dates)


def is_available() -> bool:
    """Replacement for ``ckan.lib.search.is_available``: the table exists."""
    try:
        return client.table_exists()
    except Exception as e:  # noqa: BLE001 - any failure means "not available"
        log.warning("PostgreSQL search index is not available: %s", e)
        return False


def check_solr_schema_version(schema_file: str | None = None) -> bool:
    """Replacement for ``ckan.lib.search.check_solr_schema_version``.

    The index table's layout is versioned by this plugin's migrations, so
    there is nothing to compare; only warn if the table is missing (before the
    database engine exists, e.g. early in start-up, there is nothing to check).
    """
    from ckan.model import meta

    if meta.engine is None:
        return False
    if not is_available():
        log.warning(
            "Search index table %s is missing: run `ckan db upgrade -p cqgov_pgsearch`",
            client.TABLE,
        )
        return False
    return True


def rebuild(*args: Any, **kwargs: Any) -> None:
    """``ckan.lib.search.rebuild`` with batched index writes: with
    ``defer_commit`` (what ``ckan search-index rebuild`` passes unless
    ``--commit-each``) the documents are written several hundred per
    statement instead of one transaction each (see
    :func:`.client.batched_writes`)."""
    original = _originals.get((search, "rebuild"), search.rebuild)
    if original is rebuild:  # pragma: no cover - defensive
        raise RuntimeError("cqgov_pgsearch: original rebuild lost")
    with client.batched_writes():
        return original(*args, **kwargs)


_REPLACEMENTS: list[tuple[Any, str, Any]] = [
    *(
        (module, "make_connection", make_connection)
        for module in _MODULES_USING_CONNECTION
    ),
    (search_common, "is_available", is_available),
    (search, "is_available", is_available),
    (search, "check_solr_schema_version", check_solr_schema_version),
    (search, "rebuild", rebuild),
]


def _forget_inherited_connections() -> None:
    """In a forked child (``ckan search-index rebuild-fast`` runs one per
    CPU): drop, without closing, the database connections inherited from the
    parent. Two processes talking over one connection corrupt each other's
    results; the child opens its own."""
    from ckan.model import meta

    if meta.engine is not None:
        meta.engine.dispose(close=False)


_fork_hook_registered = False


def install() -> None:
    """Point CKAN's search code at PostgreSQL (idempotent)."""
    global _fork_hook_registered
    if not _fork_hook_registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_forget_inherited_connections)
        _fork_hook_registered = True
    for module, name, replacement in _REPLACEMENTS:
        current = getattr(module, name)
        if current is replacement:
            continue
        _originals.setdefault((module, name), current)
        setattr(module, name, replacement)


def uninstall() -> None:
    """Give CKAN its Solr functions back (idempotent)."""
    for (module, name), original in list(_originals.items()):
        setattr(module, name, original)
        del _originals[(module, name)]


def create_index_table() -> None:
    """Create the index table by this plugin's migrations (as ``ckan db
    upgrade -p cqgov_pgsearch`` does), e.g. after a test reset dropped it."""
    from ckan import model

    ini = os.path.join(
        os.path.dirname(os.path.dirname(__file__)),
        "migration",
        "cqgov_pgsearch",
        "alembic.ini",
    )
    original = model.repo._alembic_ini
    model.repo._alembic_ini = ini
    try:
        model.repo.upgrade_db()
    finally:
        model.repo._alembic_ini = original


def installed() -> bool:
    return search_common.make_connection is make_connection


class PgSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPluginObserver, inherit=True)

    # IConfigurer

    def update_config(self, config_):
        # CKAN requires solr_url even though this backend never calls Solr.
        if not config_.get("solr_url"):
            config_["solr_url"] = PLACEHOLDER_SOLR_URL
        install()

    # IPluginObserver

    def after_unload(self, service):
        if service is self:
            uninstall()
