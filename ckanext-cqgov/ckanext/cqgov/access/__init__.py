"""Who may see what: the access policy of the sharing and opening platform.

:mod:`ckanext.cqgov.access.policy` is the single decision point for metadata
and data access and imports nothing from CKAN; the other modules are thin CKAN
adapters (grants model and actions, auth functions, search permission labels,
downloads, DataStore, DCAT, activity stream, pages) that ask it instead of
re-deriving the rule.
"""

from __future__ import annotations
