"""What the cqgov plugin wires for access control (see ../plugin.py)."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.cqgov.access import activity, audit, audit_views, views
from ckanext.cqgov.access.hooks import (  # noqa: F401 - re-exported for plugin.py
    after_dataset_search,
    after_dataset_show,
    before_dataset_index,
    dataset_labels,
    user_labels,
)
from ckanext.cqgov.access.logic import action, auth, chained
from ckanext.cqgov.access.logic import audit as audit_logic

_DATASTORE_AUTH = ("datastore_search", "datastore_info", "datastore_search_sql")


def get_actions() -> dict[str, Any]:
    actions = {**action.get_actions(), **chained.get_actions()}
    if p.plugin_loaded("activity"):
        actions.update(activity.get_actions())
    # The access log: its action, and the chained actions that record API
    # reads. One chained function per action name in this plugin: refuse to
    # start rather than let one silently replace another.
    recording = audit.get_actions(datastore=p.plugin_loaded("datastore"))
    clash = set(recording) & set(actions)
    if clash:
        raise RuntimeError(f"two cqgov chained actions for {sorted(clash)}")
    actions.update(recording)
    actions.update(audit_logic.get_actions())
    return actions


def get_auth_functions() -> dict[str, Any]:
    functions = {
        **auth.get_auth_functions(),
        **chained.get_auth_functions(),
        **audit_logic.get_auth_functions(),
    }
    if not p.plugin_loaded("datastore"):
        # Chained auth functions need the DataStore's own to chain to.
        for name in _DATASTORE_AUTH:
            functions.pop(name)
    return functions


def install_views(app) -> None:
    views.install(app)


def get_blueprints() -> list[Any]:
    return audit_views.get_blueprints()
