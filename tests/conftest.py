"""Shared test fixtures.

CKAN's pytest plugin (``--ckan-ini=config/test.ini``, set by ``make test``) provides
``clean_db``, ``clean_index``, ``with_plugins``, ``app`` and the factories.
"""

from __future__ import annotations

import pytest

# The catalog fields the dataset schema requires, with neutral values.
CATALOG_DEFAULTS = {
    "resource_category": "departmental",
    "share_type": "unconditional",
    "open_type": "proactive",
    "update_cycle": "yearly",
}


@pytest.fixture
def catalog_fields():
    """The required catalog fields, to spread into ``factories.Dataset(...)``."""
    return dict(CATALOG_DEFAULTS)
