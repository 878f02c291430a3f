"""Auth functions of the grant and audit actions; each asks the policy."""

from __future__ import annotations

from typing import Any

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.model import Grant
from ckanext.cqgov.access.subjects import context_viewer, entry_for

_ = tk._


def _manage(context: Context, package: Any) -> AuthResult:
    if package is None:
        return {"success": False, "msg": _("Catalog entry not found")}
    decision = policy.can_manage_grants(context_viewer(context), entry_for(package))
    if decision:
        return {"success": True}
    return {
        "success": False,
        "msg": _(
            "Only editors and admins of the providing department, or of the "
            "competent department overseeing it, can give or revoke grants to "
            "this entry's data."
        ),
    }


def cqgov_grant_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _manage(context, model.Package.get(data_dict.get("package_id") or ""))


def cqgov_grant_revoke(context: Context, data_dict: DataDict) -> AuthResult:
    grant = model.Session.get(Grant, data_dict.get("id") or "")
    if grant is None:
        return {"success": False, "msg": _("Grant not found")}
    return _manage(context, model.Package.get(grant.package_id))


def _logged_in(context: Context) -> AuthResult:
    if context_viewer(context).is_anonymous:
        return {"success": False, "msg": _("Log in to see grants and access records.")}
    return {"success": True}


def cqgov_grant_list(context: Context, data_dict: DataDict) -> AuthResult:
    # Everyone logged in may list; the action shows each viewer only the
    # grants they are concerned with (see grants.visible_grants_clause).
    return _logged_in(context)


def get_auth_functions() -> dict[str, Any]:
    return {
        "cqgov_grant_create": cqgov_grant_create,
        "cqgov_grant_revoke": cqgov_grant_revoke,
        "cqgov_grant_list": cqgov_grant_list,
    }
