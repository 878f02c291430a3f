"""The access-log action: ``cqgov_audit_list`` (read-only; nothing edits records)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.audit import visible_records_clause
from ckanext.cqgov.access.grants import parse_moment
from ckanext.cqgov.access.model import ACCESS_PATHS, AccessRecord
from ckanext.cqgov.access.subjects import context_viewer

_ = tk._

#: Filters of ``cqgov_audit_list`` (and of the page and CSV export).
FILTERS = (
    "package_id",
    "resource_id",
    "user",
    "organization",
    "owner_org",
    "path",
    "allowed",
    "date_from",
    "date_to",
)


def _text(data_dict: DataDict, key: str) -> str:
    value = data_dict.get(key)
    return value.strip() if isinstance(value, str) else ""


def _org_id(value: str) -> str:
    org = model.Group.get(value)
    return org.id if org is not None else value


def filtered_query(
    context: Context, data_dict: DataDict
) -> tuple[Any, dict[str, list[str]]]:
    """(query of the records the caller may read matching the filters, errors)."""
    scope = policy.access_log_scope(context_viewer(context))
    query = model.Session.query(AccessRecord).filter(visible_records_clause(scope))
    errors: dict[str, list[str]] = {}
    if _text(data_dict, "package_id"):
        ref = _text(data_dict, "package_id")
        package = model.Package.get(ref)
        query = query.filter(
            AccessRecord.package_id == (package.id if package else ref)
        )
    if _text(data_dict, "resource_id"):
        query = query.filter(
            AccessRecord.resource_id == _text(data_dict, "resource_id")
        )
    if _text(data_dict, "user"):
        ref = _text(data_dict, "user")
        user = model.User.get(ref)
        query = query.filter(
            sa.or_(
                AccessRecord.user_id == (user.id if user else ref),
                AccessRecord.user_name == ref,
            )
        )
    if _text(data_dict, "organization"):
        org = _org_id(_text(data_dict, "organization"))
        query = query.filter(AccessRecord.organization_id == org)
    if _text(data_dict, "owner_org"):
        org = _org_id(_text(data_dict, "owner_org"))
        query = query.filter(AccessRecord.owner_org == org)
    path = _text(data_dict, "path")
    if path:
        if path not in ACCESS_PATHS:
            errors["path"] = [_("Must be one of: {0}").format(", ".join(ACCESS_PATHS))]
        query = query.filter(AccessRecord.path == path)
    allowed = data_dict.get("allowed")
    if allowed not in (None, ""):
        text = str(allowed).strip().lower()
        if text not in ("true", "false"):
            errors["allowed"] = [_("Must be true or false.")]
        query = query.filter(AccessRecord.allowed.is_(text == "true"))
    for key, end_of_day in (("date_from", False), ("date_to", True)):
        raw = data_dict.get(key)
        if raw in (None, ""):
            continue
        try:
            moment = parse_moment(raw, end_of_day=end_of_day)
        except (TypeError, ValueError):
            errors[key] = [_("Use an ISO date or date-time, e.g. 2027-06-30.")]
            continue
        if end_of_day:
            query = query.filter(AccessRecord.at <= moment)
        else:
            query = query.filter(AccessRecord.at >= moment)
    return query.order_by(AccessRecord.at.desc(), AccessRecord.id.desc()), errors


def _titles(model_class: Any, ids: Iterable[str | None]) -> dict[str, Any]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = model.Session.query(model_class).filter(model_class.id.in_(wanted))
    return {row.id: row for row in rows}


def _local(value: dt.datetime) -> str:
    from ckanext.cqgov.access.grants import local_timezone

    return value.astimezone(local_timezone()).isoformat(timespec="seconds")


def records_as_dicts(rows: list[AccessRecord]) -> list[dict[str, Any]]:
    """Records with the names of the entry, resource and organizations."""
    packages = _titles(model.Package, (r.package_id for r in rows))
    resources = _titles(model.Resource, (r.resource_id for r in rows))
    orgs = _titles(
        model.Group,
        [r.organization_id for r in rows] + [r.owner_org for r in rows],
    )

    def name(table: dict[str, Any], key: str | None, attr: str) -> str | None:
        obj = table.get(key) if key else None
        return getattr(obj, attr, None) if obj is not None else None

    return [
        {
            "id": row.id,
            "at": _local(row.at),
            "user_id": row.user_id,
            "user_name": row.user_name,
            "organization_id": row.organization_id,
            "organization_title": name(orgs, row.organization_id, "title"),
            "package_id": row.package_id,
            "package_name": name(packages, row.package_id, "name"),
            "package_title": name(packages, row.package_id, "title"),
            "owner_org": row.owner_org,
            "owner_org_title": name(orgs, row.owner_org, "title"),
            "resource_id": row.resource_id,
            "resource_name": name(resources, row.resource_id, "name"),
            "path": row.path,
            "allowed": row.allowed,
            "reason": row.reason,
            "grant_id": row.grant_id,
            "grant_purpose": row.grant_purpose,
            "client_ip": row.client_ip,
            "forwarded_for": row.forwarded_for,
        }
        for row in rows
    ]


def paging(
    data_dict: DataDict, errors: dict[str, list[str]], default_limit: int = 50
) -> tuple[int, int]:
    """``limit`` (0–1000) and ``offset`` (≥ 0) of a list action; a bad value
    adds a field error and falls back to the default."""
    values = []
    for key, default, top in (("limit", default_limit, 1000), ("offset", 0, None)):
        try:
            value = int(data_dict.get(key, default))
            if value < 0 or (top is not None and value > top):
                raise ValueError
        except (TypeError, ValueError):
            errors[key] = [
                _("Must be a whole number between 0 and {0}").format(top or "∞")
            ]
            value = default
        values.append(value)
    return values[0], values[1]


@tk.side_effect_free
def cqgov_audit_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The access-log records the caller may read, newest first.

    Every data access (downloads, DataStore reads, API reads of
    ``audience: share`` resources) and every refused data request is recorded
    (see the README, "Access log"). Sysadmins and the municipal competent
    department read all records; a district competent department those of
    its district's providers; the members of a provider those of its entries;
    every user their own. Records are never changed or deleted.

    :param package_id: only this entry's records (id or name)
    :param resource_id: only this resource's records
    :param user: only this user's records (id or name)
    :param organization: only accesses through this organization (id or
        name): the department that used the data
    :param owner_org: only records of this provider's entries (id or name)
    :param path: only this kind of access: ``download``,
        ``download_redirect``, ``datastore_search``, ``datastore_search_sql``,
        ``datastore_info``, ``datastore_dump``, ``resource_show`` or
        ``package_show``
    :param allowed: ``true`` only accesses, ``false`` only refused requests
    :param date_from: from this moment (ISO date or date-time; a date is the
        start of that day in ``ckan.display_timezone``)
    :param date_to: until this moment (a date includes the whole day)
    :param limit: at most this many records (default 50, max 1000)
    :param offset: skip this many (default 0)
    :returns: ``{"count": n, "results": [record, ...]}``; a record has ``id``,
        ``at`` (local time), ``user_id``, ``user_name``, ``organization_id``,
        ``organization_title``, ``package_id``, ``package_name``,
        ``package_title``, ``owner_org``, ``owner_org_title``,
        ``resource_id``, ``resource_name``, ``path``, ``allowed``, ``reason``
        (the policy's), ``grant_id``, ``grant_purpose``, ``client_ip`` and
        ``forwarded_for`` (the ``X-Forwarded-For`` header as received)
    :raises: NotAuthorized (anonymous), ValidationError (bad filter or paging)
    """
    tk.check_access("cqgov_audit_list", context, data_dict)
    query, errors = filtered_query(context, data_dict)
    limit, offset = paging(data_dict, errors)
    if errors:
        raise tk.ValidationError(errors)
    count = query.order_by(None).count()
    rows = query.limit(limit).offset(offset).all()
    return {"count": count, "results": records_as_dicts(rows)}


def cqgov_audit_list_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    # Everyone logged in may ask; the action shows each caller only the
    # records policy.access_log_scope gives them.
    if context_viewer(context).is_anonymous:
        return {"success": False, "msg": _("Log in to see grants and access records.")}
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {"cqgov_audit_list": cqgov_audit_list}


def get_auth_functions() -> dict[str, Any]:
    return {"cqgov_audit_list": cqgov_audit_list_auth}
