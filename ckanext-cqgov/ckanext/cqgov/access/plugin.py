"""What the cqgov plugin wires for access control (see ../plugin.py)."""

from __future__ import annotations

import functools
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


def _chain(outer: Any, inner: Any) -> Any:
    """One chained action: ``outer`` whose next action is ``inner`` chained to
    CKAN's (or the previous plugin's) action."""

    @functools.wraps(outer)  # name, docstring, chained_action, side_effect_free
    def both(next_action, context, data_dict):
        return outer(functools.partial(inner, next_action), context, data_dict)

    return both


def get_actions() -> dict[str, Any]:
    actions = {**action.get_actions(), **chained.get_actions()}
    if p.plugin_loaded("activity"):
        actions.update(activity.get_actions())
    if p.plugin_loaded("datastore"):
        actions.update(chained.get_datastore_actions())
    # The access log: its action, and the chained actions that record API
    # reads. CKAN takes one chained function per action name from a plugin,
    # so where the access checks chain the same action, one function does
    # both: the recording around the check.
    for name, recorder in audit.get_actions(p.plugin_loaded("datastore")).items():
        actions[name] = _chain(recorder, actions[name]) if name in actions else recorder
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
    else:
        # the access log learns the tables of a SQL query from its check
        functions["datastore_search_sql"] = audit.noting_sql_tables(
            functions["datastore_search_sql"]
        )
    return functions


def install_views(app) -> None:
    views.install(app)


def get_blueprints() -> list[Any]:
    return audit_views.get_blueprints()
