"""CKAN adapter: the plugin's ``ITranslation`` implementation.

CKAN asks for the catalog directory when it builds the web application and the
JavaScript translations; the compiled catalog is brought up to date there when a
source is newer (a fresh clone, a pull, an edited ``.po``), so every way of
starting CKAN serves the current translations. An installation whose package
directory is read-only (the production image compiles at build time) keeps what
it has.
"""

from __future__ import annotations

import logging

from ckan.lib.plugins import DefaultTranslation

from . import catalogs

log = logging.getLogger(__name__)


class Translation(DefaultTranslation):
    def i18n_directory(self) -> str:
        try:
            catalogs.compile_all(only_stale=True)
        except OSError as exc:
            log.warning("cqgov: cannot compile the translations: %s", exc)
        return str(catalogs.OUTPUT_DIR)

    def i18n_locales(self) -> list[str]:
        return list(catalogs.LOCALES)

    def i18n_domain(self) -> str:
        return catalogs.DOMAIN
