"""Grant actions: create, revoke and list grants to entries' data."""

from __future__ import annotations

from typing import Any

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.grants import parse_moment, visible_grants_clause
from ckanext.cqgov.access.logic.audit import paging
from ckanext.cqgov.access.model import Grant, utcnow
from ckanext.cqgov.access.subjects import context_viewer, user_object

_ = tk._
ValidationError = tk.ValidationError

#: Which entries each grant kind makes sense for.
_GRANTABLE = {
    "share": ("share_type", "conditional"),
    "open": ("open_type", "on_application"),
}


def _text(data_dict: DataDict, key: str) -> str:
    value = data_dict.get(key)
    return value.strip() if isinstance(value, str) else ""


def _grantee(kind: str, value: str, errors: dict[str, list[str]]) -> str | None:
    if kind == "share":
        org = model.Group.get(value) if value else None
        if org is None or not org.is_organization or org.state != "active":
            errors["grantee_id"] = [
                _("A share grant is held by an existing department.")
            ]
            return None
        if org.extras.get("org_kind") not in policy.GOVERNMENT_ORG_KINDS:
            errors["grantee_id"] = [
                _(
                    "Share grants are for government departments only; citizens and "
                    "companies apply for open grants."
                )
            ]
            return None
        return org.id
    user = model.User.get(value) if value else None
    if user is None or user.state != "active":
        errors["grantee_id"] = [_("An open grant is held by an existing user.")]
        return None
    return user.id


def _moment(data_dict, key, errors, *, end_of_day=False, default=None):
    raw = data_dict.get(key)
    if raw in (None, ""):
        if default is None:
            errors[key] = [_("Missing value")]
        return default
    try:
        return parse_moment(raw, end_of_day=end_of_day)
    except (TypeError, ValueError):
        errors[key] = [_("Use an ISO date or date-time, e.g. 2027-06-30.")]
        return None


def cqgov_grant_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Give a department (share) or a user (open) access to one entry's data.

    Allowed for editors and admins of the providing department, editors and
    admins of a competent department overseeing the entry, and sysadmins.
    The applications workflow calls it internally (``ignore_auth``) when an
    application is approved.

    :param package_id: the entry (id or name)
    :param kind: ``share`` (grantee is a government organization; the entry
        must be ``conditional``) or ``open`` (grantee is a user; the entry must
        be ``on_application``)
    :param grantee_id: organization id/name (share) or user id/name (open)
    :param purpose: what the data may be used for (required, Art. 18)
    :param terms: conditions of use (optional)
    :param valid_from: ISO date or date-time (default: now); times without a
        zone are in ``ckan.display_timezone``
    :param valid_until: ISO date (inclusive: the whole day) or date-time;
        required, in the future, not before ``valid_from``
    :param application_id: the application answered (optional)
    :param granted_by: who granted it (internal calls with ``ignore_auth``
        only; otherwise the calling user)
    :returns: the grant (dict with ``status``)
    :raises: NotFound (no such entry), NotAuthorized, ValidationError
    """
    package = model.Package.get(_text(data_dict, "package_id"))
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(_("Catalog entry not found"))
    tk.check_access("cqgov_grant_create", context, {"package_id": package.id})
    errors: dict[str, list[str]] = {}
    kind = _text(data_dict, "kind")
    grantee = None
    if kind not in policy.GRANT_KINDS:
        errors["kind"] = [_("Must be share or open.")]
    else:
        field, needed = _GRANTABLE[kind]
        if package.extras.get(field) != needed:
            errors["kind"] = [
                _(
                    "This entry's {field} is not {value}; such a grant would give "
                    "nothing."
                ).format(field=field, value=needed)
            ]
        grantee = _grantee(kind, _text(data_dict, "grantee_id"), errors)
    purpose = _text(data_dict, "purpose")
    if not purpose:
        errors["purpose"] = [_("A grant is bound to a stated purpose (Art. 18).")]
    now = utcnow()
    valid_from = _moment(data_dict, "valid_from", errors, default=now)
    valid_until = _moment(data_dict, "valid_until", errors, end_of_day=True)
    if valid_from and valid_until:
        if valid_until < valid_from:
            errors["valid_until"] = [_("The validity cannot end before it starts.")]
        elif valid_until <= now:
            errors["valid_until"] = [_("The validity must end in the future.")]
    if errors:
        raise ValidationError(errors)
    granted_by = None
    if context.get("ignore_auth") and data_dict.get("granted_by"):
        granted_by = user_object(data_dict["granted_by"])
    granted_by = granted_by or user_object(context.get("user"))
    grant = Grant(
        kind=kind,
        package_id=package.id,
        owner_org=package.owner_org,
        grantee_id=grantee,
        purpose=purpose,
        terms=_text(data_dict, "terms"),
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by=granted_by.id if granted_by else None,
        application_id=_text(data_dict, "application_id") or None,
        created=now,
    )
    model.Session.add(grant)
    # flushed so the id is known even when the caller commits (defer_commit)
    model.Session.flush()
    if not context.get("defer_commit"):
        model.Session.commit()
    return grant.as_dict()


def cqgov_grant_revoke(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Revoke a grant from now on; it grants nothing afterwards.

    Allowed to those who may create grants for the entry.

    :param id: the grant id
    :param reason: why (required; shown to the grantee)
    :returns: the grant (``status`` ``revoked``)
    :raises: NotFound, NotAuthorized, ValidationError (no reason, already
        revoked)
    """
    grant = model.Session.get(Grant, _text(data_dict, "id"))
    if grant is None:
        raise tk.ObjectNotFound(_("Grant not found"))
    tk.check_access("cqgov_grant_revoke", context, {"id": grant.id})
    reason = _text(data_dict, "reason")
    errors = {}
    if not reason:
        errors["reason"] = [_("Say why the grant is revoked.")]
    if grant.revoked_at is not None:
        errors["id"] = [_("This grant is already revoked.")]
    if errors:
        raise ValidationError(errors)
    user = user_object(context.get("user"))
    grant.revoked_at = utcnow()
    grant.revoked_by = user.id if user else None
    grant.revoke_reason = reason
    if not context.get("defer_commit"):
        model.Session.commit()
    return grant.as_dict()


def cqgov_grant_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The grants the caller may see, newest first.

    Sysadmins and the municipal competent department see all grants; a
    district competent department those of its district's providers;
    providers those of their entries; a department the grants it holds; a
    user their own open grants.

    :param package_id: only this entry's grants (id or name)
    :param owner_org: only grants of this provider's entries (id)
    :param grantee_id: only grants held by this organization or user (id)
    :param kind: ``share`` or ``open``
    :param status: ``valid``, ``not_yet_valid``, ``expired`` or ``revoked``
    :param application_id: only grants answering this application
    :param limit: at most this many (default 100, max 1000)
    :param offset: skip this many (default 0)
    :returns: ``{"count": n, "results": [grant, ...]}``
    :raises: NotAuthorized (anonymous), ValidationError (bad filter)
    """
    tk.check_access("cqgov_grant_list", context, data_dict)
    viewer = context_viewer(context)
    query = model.Session.query(Grant).filter(visible_grants_clause(viewer))
    errors = {}
    if data_dict.get("package_id"):
        package = model.Package.get(_text(data_dict, "package_id"))
        query = query.filter(Grant.package_id == (package.id if package else ""))
    for key, column in (
        ("owner_org", Grant.owner_org),
        ("grantee_id", Grant.grantee_id),
        ("application_id", Grant.application_id),
    ):
        if data_dict.get(key):
            query = query.filter(column == _text(data_dict, key))
    kind = data_dict.get("kind")
    if kind:
        if kind not in policy.GRANT_KINDS:
            errors["kind"] = [_("Must be share or open.")]
        query = query.filter(Grant.kind == kind)
    status = data_dict.get("status")
    now = utcnow()
    if status:
        statuses = {s.value for s in policy.GrantStatus}
        if status not in statuses:
            errors["status"] = [
                _("Must be one of: {0}").format(", ".join(sorted(statuses)))
            ]
        revoked = Grant.revoked_at.isnot(None) & (Grant.revoked_at <= now)
        query = query.filter(
            {
                "revoked": revoked,
                "not_yet_valid": ~revoked & (Grant.valid_from > now),
                "expired": ~revoked & (Grant.valid_until < now),
                "valid": ~revoked
                & (Grant.valid_from <= now)
                & (Grant.valid_until >= now),
            }.get(status, Grant.id.is_(None))
        )
    limit, offset = paging(data_dict, errors, default_limit=100)
    if errors:
        raise ValidationError(errors)
    count = query.count()
    rows = query.order_by(Grant.created.desc(), Grant.id).limit(limit).offset(offset)
    return {"count": count, "results": [row.as_dict(now) for row in rows]}


def get_actions() -> dict[str, Any]:
    return {
        "cqgov_grant_create": cqgov_grant_create,
        "cqgov_grant_revoke": cqgov_grant_revoke,
        "cqgov_grant_list": cqgov_grant_list,
    }
