"""Chained auth functions and actions: CKAN's read paths ask the policy.

Every function here builds its decision with :mod:`..checks` (which asks
:mod:`..policy`) and only then lets CKAN's own checks run.
"""

from __future__ import annotations

from typing import Any

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.cqgov.access import checks
from ckanext.cqgov.access.subjects import context_viewer

_ = tk._


def _package(context: Context, data_dict: DataDict) -> model.Package | None:
    package = context.get("package")
    if isinstance(package, model.Package) and package.id in (
        data_dict.get("id"),
        data_dict.get("name"),
        None,
    ):
        return package
    ref = data_dict.get("id") or data_dict.get("name")
    return model.Package.get(ref) if ref else None


def _resource(context: Context, data_dict: DataDict) -> model.Resource | None:
    ref = data_dict.get("id") or data_dict.get("resource_id")
    resource = context.get("resource")
    if isinstance(resource, model.Resource) and (not ref or resource.id == ref):
        return resource
    return model.Resource.get(ref) if ref else None


def _denied(decision, package_name: str) -> AuthResult:
    return {"success": False, "msg": checks.denial_text(decision, package_name)}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    package = _package(context, data_dict)
    if package is None:
        return next_auth(context, data_dict)
    decision = checks.metadata_decision(context, package)
    if not decision:
        return _denied(decision, package.name)
    if package.state == "active":
        # The policy allows; CKAN's own rule would refuse a competent
        # department (not a member) an unpublished entry.
        return {"success": True}
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_show(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    resource = _resource(context, data_dict)
    if resource is None or resource.package is None:
        return next_auth(context, data_dict)
    decision = checks.resource_listing_decision(context, resource.package, resource)
    if not decision:
        return _denied(decision, resource.package.name)
    return next_auth(context, data_dict)


def _data_auth(
    context: Context, resource_id: str | None, exact_id: bool = False
) -> AuthResult:
    resource, decision = checks.resource_data_decision(
        context, resource_id or "", exact_id=exact_id
    )
    if resource is None:
        return {"success": False, "msg": _("Resource not found")}
    if not decision:
        return _denied(decision, resource.package.name)
    return {"success": True}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_view_show(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    view = context.get("resource_view")
    if view is None and data_dict.get("id"):
        view = model.ResourceView.get(data_dict["id"])
    if view is not None:
        result = _data_auth(context, view.resource_id)
        if not result["success"]:
            return result
    return next_auth(context, data_dict)


def _datastore_read(
    next_auth, context: Context, data_dict: DataDict, resource_id: str | None
) -> AuthResult:
    # DataStore tables are named by resource id: match ids exactly.
    result = _data_auth(context, resource_id, exact_id=True)
    if not result["success"]:
        return result
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Rows of a resource's table (also behind ``/datastore/dump/<id>`` and
    the previews): only for viewers who may read the resource's data.

    ``datastore_search`` has replaced an alias in ``resource_id`` with the
    resource id it stands for before asking."""
    return _datastore_read(next_auth, context, data_dict, data_dict.get("resource_id"))


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """A table's columns and row count: as for its rows.

    ``datastore_info`` puts the resource id (an alias dereferenced) in ``id``;
    ``resource_id`` keeps what the caller sent."""
    return _datastore_read(
        next_auth,
        context,
        data_dict,
        data_dict.get("id") or data_dict.get("resource_id"),
    )


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(
    next_auth, context: Context, data_dict: DataDict
) -> AuthResult:
    """Every table the query reads must be a resource whose data the viewer
    may read; any other table name (system tables included) is refused.

    ``table_names`` are the relations of the query's plan (``EXPLAIN``), so
    aliases (views), subqueries, CTEs and quoted or mixed-case names arrive
    here as the real table names; CKAN refuses ``pg_*`` relations (the system
    catalogs, which ``_table_metadata`` and ``information_schema`` expand to)
    before asking."""
    names = context.get("table_names")
    if not names:
        return {
            "success": False,
            "msg": _("The query must read at least one resource's DataStore table."),
        }
    for name in dict.fromkeys(names):
        # DataStore tables are named by resource id: match ids exactly.
        resource, decision = checks.resource_data_decision(context, name, exact_id=True)
        if resource is None:
            return {
                "success": False,
                "msg": _(
                    "The query may only read the DataStore tables of resources "
                    "(named by resource id)."
                ),
            }
        if not decision:
            return _denied(decision, resource.package.name)
    return next_auth(context, data_dict)


#: DataStore "resources" that are not resources: the list of every table.
DATASTORE_SYSTEM_TABLES = ("_table_metadata",)


@tk.chained_action
@tk.side_effect_free
def datastore_search_action(next_action, context: Context, data_dict: DataDict):
    """``datastore_search`` on ``_table_metadata`` (the list of every table
    and alias in the DataStore) skips CKAN's access check (and then fails its
    auth audit with a 500); only sysadmins may read it here, since resource
    ids of data a viewer may not read must not be listed either."""
    if (
        isinstance(data_dict, dict)
        and data_dict.get("resource_id") in DATASTORE_SYSTEM_TABLES
    ):
        if not context.get("ignore_auth") and not context_viewer(context).is_sysadmin:
            raise tk.NotAuthorized(
                _(
                    "The list of DataStore tables is not public; find resources "
                    "through the catalog search."
                )
            )
        # Sysadmins and internal calls: the check CKAN leaves out.
        tk.check_access("datastore_search", context, data_dict)
    return next_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def resource_view_list(next_action, context: Context, data_dict: DataDict):
    """Views (previews) only for viewers who may read the resource's data."""
    views = next_action(context, data_dict)
    if context.get("ignore_auth"):
        return views
    resource, decision = checks.resource_data_decision(context, data_dict.get("id"))
    return views if resource is not None and decision else []


@tk.chained_action
@tk.side_effect_free
def package_list(next_action, context: Context, data_dict: DataDict) -> list[str]:
    """Only entries whose metadata the caller may see (published ones, in
    practice, since CKAN lists no private entries here)."""
    names = next_action(context, data_dict)
    if not names:
        return names
    viewer = context_viewer(context)
    rows = model.Session.query(model.Package).filter(model.Package.name.in_(names))
    from ckanext.cqgov.access import policy
    from ckanext.cqgov.access.shaping import entries_for

    packages = {p.name: p.id for p in rows}
    entries = entries_for([{"id": pid} for pid in packages.values()])
    return [
        name
        for name in names
        if name in packages and policy.can_see_metadata(viewer, entries[packages[name]])
    ]


def get_auth_functions() -> dict[str, Any]:
    return {
        "package_show": package_show,
        "resource_show": resource_show,
        "resource_view_show": resource_view_show,
        "datastore_search": datastore_search,
        "datastore_info": datastore_info,
        "datastore_search_sql": datastore_search_sql,
    }


def get_actions() -> dict[str, Any]:
    return {"resource_view_list": resource_view_list, "package_list": package_list}


def get_datastore_actions() -> dict[str, Any]:
    """Chained DataStore actions (only with the ``datastore`` plugin)."""
    return {"datastore_search": datastore_search_action}
