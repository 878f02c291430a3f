"""cqgov_pgsearch: CKAN's package search over PostgreSQL instead of Solr."""

from __future__ import annotations

import ckan.plugins as p


class PgSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    def update_config(self, config_):
        # CKAN requires solr_url even though this backend never calls Solr.
        if not config_.get("solr_url"):
            config_["solr_url"] = "http://127.0.0.1:8983/solr/unused-by-cqgov-pgsearch"
