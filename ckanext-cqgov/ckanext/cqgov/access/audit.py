"""The access (audit) log: every data access is recorded (Arts. 18, 28).

What counts as a data access, and is recorded with the policy's decision (who,
through which organization, which grant and its purpose, client address):

* ``download`` / ``download_redirect``: the checked download view served an
  uploaded file / redirected to a resource's external URL;
* ``datastore_search``, ``datastore_info``, ``datastore_search_sql`` (one
  record per table the query reads): DataStore API calls;
* ``datastore_dump``: the DataStore dump view (one record per dump, not per
  page it reads internally);
* ``resource_show`` and ``package_show`` through the API: each
  ``audience: share`` resource whose data the caller may fetch (its URL is
  handed out). Listings (``package_search`` and the like) and HTML pages are
  not data reads; fetching the data through the checked view is recorded.

Refused data requests (download, dump, DataStore API) are recorded too, with
``allowed`` false and the policy's reason: attempts on data one may not read
matter to security. Internal calls (``ignore_auth``) and actions called by
other code rather than by an API client are not recorded.

Recording fails closed: the record is written (one INSERT on a short
connection of its own, committed at once) before the data leaves; when it
cannot be written, the data is withheld (503 from views, NotAuthorized from
the API) rather than handed out unrecorded.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import logging
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict
from flask import has_request_context, request

from ckanext.cqgov.access import checks, policy
from ckanext.cqgov.access.model import AccessRecord, utcnow
from ckanext.cqgov.access.subjects import context_viewer, resource_info, user_object

log = logging.getLogger(__name__)

#: DataStore tables that are not a resource's data (CKAN's list of tables).
DATASTORE_SYSTEM_TABLES = ("_table_metadata",)
_ = tk._


class RecordingFailed(Exception):
    """The access could not be recorded; the data must not be handed out."""


def _trusted_proxies() -> tuple[Any, ...]:
    values = tk.config.get("ckanext.cqgov.audit.trusted_proxies") or []
    if isinstance(values, str):
        values = values.split()
    return _networks(tuple(values))


@functools.lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Any, ...]:
    """Parsed once per configured value, not on every recorded access."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            log.warning("ignoring invalid trusted proxy address %r", value)
    return tuple(networks)


def _is_trusted(address: str | None, networks: tuple[Any, ...]) -> bool:
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_addresses(
    remote_addr: str | None, forwarded_for: str | None
) -> tuple[str | None, str | None]:
    """(client address, X-Forwarded-For as received).

    The connection's address, unless it is a trusted proxy
    (``ckanext.cqgov.audit.trusted_proxies``): then the right-most address of
    ``X-Forwarded-For`` that is not itself a trusted proxy. A header from an
    untrusted peer is kept for reference but never believed.
    """
    client = remote_addr or None
    networks = _trusted_proxies()
    if forwarded_for and _is_trusted(remote_addr, networks):
        for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
            if hop:
                client = hop
                if not _is_trusted(hop, networks):
                    break
    return client, (forwarded_for or None)


def _request_addresses() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return client_addresses(request.remote_addr, request.headers.get("X-Forwarded-For"))


def record(
    *,
    viewer: policy.Viewer,
    user_name: str | None,
    package: Any,
    resource_id: str | None,
    path: str,
    decision: policy.Decision,
    at: dt.datetime | None = None,
) -> None:
    """Insert one access record; raise :class:`RecordingFailed` if it cannot.

    ``package`` is a ``model.Package`` (or a dict with ``id`` and
    ``owner_org``). The insert runs on a connection of its own and is
    committed at once, whatever becomes of the request's transaction.
    """
    if isinstance(package, model.Package):
        package_id, owner_org = package.id, package.owner_org
    else:
        package_id, owner_org = package["id"], package.get("owner_org")
    client_ip, forwarded_for = _request_addresses()
    grant = decision.grant if decision.allowed else None
    values = {
        "at": at or utcnow(),
        "user_id": viewer.user_id,
        "user_name": user_name if viewer.user_id else None,
        "organization_id": decision.organization if decision.allowed else None,
        "package_id": package_id,
        "owner_org": owner_org,
        "resource_id": resource_id,
        "path": path,
        "allowed": bool(decision.allowed),
        "reason": decision.reason.value,
        "grant_id": grant.id if grant else None,
        "grant_purpose": grant.purpose if grant else None,
        "client_ip": client_ip,
        "forwarded_for": forwarded_for,
    }
    try:
        _insert(values)
    except Exception as error:  # any failure: the caller withholds the data
        log.exception("could not record a data access: %s", values)
        raise RecordingFailed(str(error)) from error


def _insert(values: dict[str, Any]) -> None:
    with model.Session.get_bind().begin() as connection:
        connection.execute(sa.insert(AccessRecord.__table__).values(**values))


def _user_name(context: Context) -> str | None:
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User):
        user = user_object(context.get("user"))
    return user.name if user is not None else None


def record_for_context(
    context: Context,
    package: Any,
    resource_id: str | None,
    path: str,
    decision: policy.Decision,
) -> None:
    record(
        viewer=context_viewer(context),
        user_name=_user_name(context),
        package=package,
        resource_id=resource_id,
        path=path,
        decision=decision,
    )


def withheld_message() -> str:
    return _(
        "The access could not be recorded in the access log, so the data is "
        "withheld. Please try again later."
    )


# --- chained actions: API reads ---------------------------------------------


def is_api_call(action_name: str) -> bool:
    """Whether the current request is an API client calling ``action_name``
    (and not some other action or page calling it internally)."""
    if not has_request_context() or request.endpoint != "api.action":
        return False
    return (request.view_args or {}).get("logic_function") == action_name


def _recorded(context: Context, package: Any, rid: str | None, path: str, decision):
    try:
        record_for_context(context, package, rid, path, decision)
    except RecordingFailed as error:
        raise tk.NotAuthorized(withheld_message()) from error


def _dereferenced(name: str) -> str:
    """The resource id a DataStore alias stands for (or ``name`` itself)."""
    if not name or model.Session.get(model.Resource, name) is not None:
        return name
    try:
        from ckanext.datastore.backend import DatastoreBackend

        found, real_id = DatastoreBackend.get_active_backend().resource_id_from_alias(
            name
        )
    except Exception:  # no DataStore, or it cannot answer: nothing to resolve
        return name
    return real_id if found and real_id else name


def _datastore_resource_id(path: str, data_dict: DataDict, result: Any) -> str:
    """The resource a DataStore call read. ``datastore_search`` answers with
    the real id (an alias dereferenced); ``datastore_info`` writes it into the
    caller's ``id``."""
    if isinstance(result, dict) and result.get("resource_id"):
        return result["resource_id"]
    if path == "datastore_info":
        return data_dict.get("id") or data_dict.get("resource_id") or ""
    return _dereferenced(data_dict.get("resource_id") or data_dict.get("id") or "")


def _data(context: Context, rid: str):
    # DataStore tables are named by resource id: match ids exactly.
    return checks.resource_data_decision(context, rid, exact_id=True)


def _datastore_read(
    path: str, next_action, context: Context, data_dict: DataDict
) -> Any:
    if context.get("ignore_auth") or not is_api_call(path):
        return next_action(context, data_dict)
    try:
        result = next_action(context, data_dict)
    except tk.NotAuthorized:
        resource, decision = _data(
            context, _datastore_resource_id(path, data_dict, None)
        )
        if resource is not None and not decision:
            _recorded(context, resource.package, resource.id, path, decision)
        raise
    rid = _datastore_resource_id(path, data_dict, result)
    if rid in DATASTORE_SYSTEM_TABLES:
        # the list of tables, not a resource's data (sysadmins only, see
        # logic.chained.datastore_search_action)
        return result
    resource, decision = _data(context, rid)
    if resource is None or not decision:
        # Only reachable if the DataStore's auth let through what the policy
        # refuses: the policy wins.
        raise tk.NotAuthorized(checks.denial_message(decision))
    _recorded(context, resource.package, resource.id, path, decision)
    return result


@tk.chained_action
@tk.side_effect_free
def datastore_search(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``datastore_search``; API calls are recorded in the access log."""
    return _datastore_read("datastore_search", next_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def datastore_info(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``datastore_info``; API calls are recorded in the access log."""
    return _datastore_read("datastore_info", next_action, context, data_dict)


#: Context key of the list the SQL auth check fills with the tables a query
#: reads (CKAN hands them to the auth function in a copy of the context).
SQL_TABLES_KEY = "cqgov_audit_sql_tables"


def noting_sql_tables(auth_function: Any) -> Any:
    """The ``datastore_search_sql`` auth function, also noting the query's
    tables for :func:`datastore_search_sql` (the copies of the context CKAN
    makes share the list)."""

    @functools.wraps(auth_function)
    def noted(next_auth, context: Context, data_dict: DataDict):
        holder = context.get(SQL_TABLES_KEY)
        if isinstance(holder, list):
            holder.extend(context.get("table_names") or [])
        if context_viewer(context).is_sysadmin:
            # CKAN lets sysadmins through without asking; so does this (it is
            # only asked for them to learn the tables)
            return {"success": True}
        return auth_function(next_auth, context, data_dict)

    noted.auth_sysadmins_check = True  # type: ignore[attr-defined]
    return noted


@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``datastore_search_sql``; API calls are recorded in the access
    log, one record per resource table the query reads."""
    path = "datastore_search_sql"
    if context.get("ignore_auth") or not is_api_call(path):
        return next_action(context, data_dict)
    tables: list[str] = []
    context[SQL_TABLES_KEY] = tables  # type: ignore[literal-required]
    try:
        result = next_action(context, data_dict)
    except tk.NotAuthorized:
        for name in dict.fromkeys(tables):
            resource, decision = _data(context, name)
            if resource is not None and not decision:
                _recorded(context, resource.package, resource.id, path, decision)
        raise
    reads = []
    for name in dict.fromkeys(tables):
        resource, decision = _data(context, name)
        if resource is None or not decision:
            raise tk.NotAuthorized(checks.denial_message(decision))
        reads.append((resource, decision))
    if not reads:
        # the tables were not noted: no answer without its record
        raise tk.NotAuthorized(withheld_message())
    for resource, decision in reads:
        _recorded(context, resource.package, resource.id, path, decision)
    return result


def _share_reads(
    context: Context, package: model.Package, resources: list[dict]
) -> list[tuple[str, policy.Decision]]:
    viewer = context_viewer(context)
    reads = []
    for resource in resources:
        if resource_info(resource).is_open_audience or not resource.get("id"):
            continue
        decision = checks.data_decision(viewer, package, resource)
        if decision:
            reads.append((resource["id"], decision))
    return reads


def _api_share_reads(
    context: Context, action: str, find_package: Any, resources: list[dict]
) -> None:
    """Records the ``audience: share`` resources among ``resources`` that an
    API client of ``action`` may fetch (their URLs are in its answer).
    ``find_package`` is only called for API calls (internal calls, e.g. by
    the search index, cost nothing)."""
    if context.get("ignore_auth") or not is_api_call(action):
        return
    package = find_package()
    if package is None:
        return
    for rid, decision in _share_reads(context, package, resources):
        _recorded(context, package, rid, action, decision)


@tk.chained_action
@tk.side_effect_free
def resource_show(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``resource_show``; an API read of an ``audience: share``
    resource whose data the caller may fetch is recorded in the access log."""
    result = next_action(context, data_dict)

    def package():
        resource = model.Resource.get(result.get("id") or "")
        return resource.package if resource is not None else None

    _api_share_reads(context, "resource_show", package, [result])
    return result


@tk.chained_action
@tk.side_effect_free
def package_show(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``package_show``; through the API, each ``audience: share``
    resource whose data the caller may fetch is recorded in the access log."""
    result = next_action(context, data_dict)
    _api_share_reads(
        context,
        "package_show",
        lambda: model.Package.get(result.get("id") or ""),
        result.get("resources") or [],
    )
    return result


def get_actions(datastore: bool) -> dict[str, Any]:
    actions: dict[str, Any] = {
        "resource_show": resource_show,
        "package_show": package_show,
    }
    if datastore:
        actions.update(
            datastore_search=datastore_search,
            datastore_info=datastore_info,
            datastore_search_sql=datastore_search_sql,
        )
    return actions


# --- reading the log -----------------------------------------------------------


def visible_records_clause(scope: policy.AccessLogScope) -> Any:
    """SQL condition: the records a viewer with ``scope`` may read."""
    if scope.everything:
        return sa.true()
    clauses = []
    if scope.user_id:
        clauses.append(AccessRecord.user_id == scope.user_id)
    if scope.provider_orgs:
        clauses.append(AccessRecord.owner_org.in_(sorted(scope.provider_orgs)))
    if scope.districts:
        district_orgs = (
            sa.select(model.GroupExtra.group_id)
            .where(model.GroupExtra.key == "region")
            .where(model.GroupExtra.value.in_(sorted(scope.districts)))
            .where(model.GroupExtra.state == "active")
        )
        clauses.append(AccessRecord.owner_org.in_(district_orgs))
    return sa.or_(*clauses) if clauses else sa.false()
