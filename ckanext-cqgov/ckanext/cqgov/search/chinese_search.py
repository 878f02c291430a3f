"""CKAN adapter of Chinese search: the ``cqgov`` plugin's index and search
hooks and its configuration (the logic lives in :mod:`.segmented` and
:mod:`.chinese`). The same document and parameters go to Solr or to the
PostgreSQL backend."""

from __future__ import annotations

from typing import Any

import ckan.lib.search.query as search_query

from . import chinese, segmented

# edismax's phrase boost; CKAN passes only whitelisted parameters to Solr
EXTRA_SOLR_PARAMETERS = ("pf",)


def configure(config: Any) -> None:
    """Apply ``ckanext.cqgov.search.*`` options (see config_declaration)."""
    chinese.configure(
        extra_dicts=config.get("ckanext.cqgov.search.user_dictionaries") or [],
        extra_synonyms=config.get("ckanext.cqgov.search.synonyms") or [],
        cache_dir=config.get("ckanext.cqgov.search.cache_dir") or None,
    )
    search_query.VALID_SOLR_PARAMETERS.update(EXTRA_SOLR_PARAMETERS)


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the segmented ``extras_cqgov_*`` fields to an index document."""
    pkg_dict.update(segmented.index_fields(pkg_dict))
    return pkg_dict


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """Point ``q`` at the segmented fields (edismax, qf, pf)."""
    return segmented.search_params(search_params)
