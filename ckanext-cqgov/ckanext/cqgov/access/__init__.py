"""Who may see what: the access policy of the sharing and opening platform.

:mod:`ckanext.cqgov.access.policy` is the single decision point for metadata
and data access; every CKAN adapter (auth functions, search permission labels,
downloads, DataStore, DCAT, activity stream, pages) asks it instead of
re-deriving the rule. This package is pure Python and imports nothing from CKAN.
"""

from __future__ import annotations
