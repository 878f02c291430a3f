"""pytest plugin for CKAN's own search tests on the PostgreSQL backend.

Loaded with ``-p`` by the compatibility run of ``make test``
(``config/test-core.ini``: CKAN core plus ``cqgov_pgsearch``). CKAN's
``clean_db`` drops every table, the search index table too; this plugin makes
the reset re-apply the backend's migration. Tests that assert Solr internals are
deselected as listed, each with its reason, in ``exclusions.txt`` next to this
file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXCLUSIONS = Path(__file__).with_name("exclusions.txt")


def exclusions() -> dict[str, str]:
    """Test node ids (relative to the ``ckan`` package) → reason."""
    out = {}
    for raw in EXCLUSIONS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        node, _, reason = line.partition("  # ")
        out[node.strip()] = reason.strip()
    return out


def _reset_db_with_index(original):
    def reset_db():
        original()
        from ckanext.cqgov.search import client, plugin

        if not client.table_exists():
            plugin.create_index_table()

    return reset_db


def pytest_sessionstart(session):
    from ckan.tests import helpers

    helpers.reset_db = _reset_db_with_index(helpers.reset_db)


def pytest_collection_modifyitems(config, items):
    excluded = exclusions()
    keep, drop = [], []
    for item in items:
        # the node id's file part depends on the rootdir (with --pyargs it
        # may be the bare file name): name the file from its real path
        path = str(item.path).replace("\\", "/").split("/ckan/tests/", 1)[-1]
        node = path + "::" + item.nodeid.split("::", 1)[-1]
        (drop if node in excluded else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _search_index_table():
    """The index table exists before each test (a reset may have dropped it)."""
    from ckanext.cqgov.search import client, plugin

    if not client.table_exists():
        plugin.create_index_table()
