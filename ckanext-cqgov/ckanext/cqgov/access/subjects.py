"""CKAN → policy: build the policy's Viewer, Entry and ResourceInfo.

This is the only place that reads CKAN's tables to describe who is asking and
what is asked about; every adapter goes through it and then asks
:mod:`ckanext.cqgov.access.policy`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ckan import model
from ckan.common import asbool

from ckanext.cqgov import batch_memo
from ckanext.cqgov.access import policy
from ckanext.cqgov.access.model import grants_for, utcnow

#: The organization extras a policy reads.
ORG_EXTRAS = ("org_kind", "level", "region", "is_competent")


def _org_extras(org_ids: list[str]) -> dict[str, dict[str, str]]:
    if not org_ids:
        return {}
    rows = (
        model.Session.query(
            model.GroupExtra.group_id, model.GroupExtra.key, model.GroupExtra.value
        )
        .filter(model.GroupExtra.group_id.in_(org_ids))
        .filter(model.GroupExtra.state == "active")
        .filter(model.GroupExtra.key.in_(ORG_EXTRAS))
        .all()
    )
    extras: dict[str, dict[str, str]] = {org_id: {} for org_id in org_ids}
    for group_id, key, value in rows:
        extras[group_id][key] = value
    return extras


def remember_organization_extras(org_ids: list[str]) -> None:
    """Inside a :func:`~ckanext.cqgov.batch_memo.scope`, answers the
    organization look-up of :func:`entry_for` for all of ``org_ids`` from one
    query (the bulk search-index rebuild reads a batch's organizations at
    once)."""
    for org_id, extras in _org_extras(org_ids).items():
        batch_memo.remember(("organization_extras", org_id), extras)


def _district_of(extras: Mapping[str, str]) -> str | None:
    if extras.get("level") == "district" and extras.get("region"):
        return extras["region"]
    return None


def user_object(user: Any) -> model.User | None:
    """The user a context or name denotes, or None for an anonymous visitor."""
    if isinstance(user, model.User):
        return user
    if not user or not isinstance(user, str):
        # flask-login's anonymous user object, or nobody.
        return None
    return model.User.get(user)


def viewer_for(user: Any) -> policy.Viewer:
    """The policy's view of ``user`` (a name, id, model.User or None).

    Only active, non-deleted users have roles; anything else is anonymous.
    """
    obj = user_object(user)
    if obj is None or obj.state != "active":
        return policy.Viewer()
    rows = (
        model.Session.query(model.Member.group_id, model.Member.capacity)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "user")
        .filter(model.Member.table_id == obj.id)
        .filter(model.Member.state == "active")
        .filter(model.Group.state == "active")
        .filter(model.Group.is_organization.is_(True))
        .all()
    )
    memberships = {
        group_id: capacity
        for group_id, capacity in rows
        if capacity in policy.CAPACITIES
    }
    extras = _org_extras(list(memberships))
    oversight = []
    for org_id in memberships:
        org = extras.get(org_id, {})
        if not asbool(org.get("is_competent") or False):
            continue
        district = _district_of(org)
        if org.get("level") == "municipal":
            oversight.append(policy.Oversight(level="municipal", org_id=org_id))
        elif district:
            oversight.append(
                policy.Oversight(level="district", district=district, org_id=org_id)
            )
    return policy.Viewer(
        user_id=obj.id,
        is_sysadmin=bool(obj.sysadmin),
        memberships=memberships,
        org_kinds={
            org_id: extras[org_id]["org_kind"]
            for org_id in memberships
            if extras.get(org_id, {}).get("org_kind")
        },
        oversight=tuple(oversight),
    )


def context_viewer(context: Mapping[str, Any]) -> policy.Viewer:
    # ``auth_user_obj`` may be flask-login's anonymous user object.
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User):
        user = context.get("user")
    return viewer_for(user)


def _choice(value: Any, allowed: frozenset[str]) -> str | None:
    # Unknown values fail closed like missing ones.
    return value if value in allowed else None


def package_extras_key(package_id: str) -> tuple[str, str]:
    """The :mod:`~ckanext.cqgov.batch_memo` key of a package's extras
    (``{key: value}`` as ``model.Package.extras`` has them)."""
    return ("package_extras", package_id)


def _package_values(package: Any) -> dict[str, Any]:
    if isinstance(package, model.Package):
        # (the bulk search-index rebuild gives them from its own read)
        extras = batch_memo.remembered(
            package_extras_key(package.id), lambda: package.extras
        )
        return {
            "id": package.id,
            "owner_org": package.owner_org,
            "private": package.private,
            "catalog_status": extras.get("catalog_status"),
            "share_type": extras.get("share_type"),
            "open_type": extras.get("open_type"),
        }
    return package


def entry_for(
    package: Any, org_extras: Mapping[str, Any] | None = None
) -> policy.Entry:
    """The policy's view of a package (a dict or a model.Package).

    An entry without an owner organization cannot exist in this portal; it is
    described as owned by nobody (only sysadmins then see it).
    """
    values = _package_values(package)
    owner = values.get("owner_org") or "-"
    if org_extras is None:
        org_extras = batch_memo.remembered(
            ("organization_extras", owner),
            lambda: _org_extras([owner]).get(owner, {}),
        )
    return policy.Entry(
        id=values["id"],
        owner_org=owner,
        owner_district=_district_of(org_extras),
        catalog_status=_choice(values.get("catalog_status"), policy.CATALOG_STATUSES),
        share_type=_choice(values.get("share_type"), policy.SHARE_TYPES),
        open_type=_choice(values.get("open_type"), policy.OPEN_TYPES),
        private=asbool(values.get("private") or False),
    )


def resource_info(resource: Any) -> policy.ResourceInfo:
    if isinstance(resource, model.Resource):
        audience = resource.extras.get("audience")
        rid = resource.id
    else:
        audience = resource.get("audience")
        rid = resource.get("id") or "-"
    return policy.ResourceInfo(id=rid, audience=_choice(audience, policy.AUDIENCES))


def viewer_grants(viewer: policy.Viewer, package_ids: list[str]) -> list[policy.Grant]:
    if viewer.is_anonymous or viewer.is_sysadmin:
        return []
    return grants_for(package_ids, viewer.user_id, list(viewer.government_org_ids))


def now() -> dt.datetime:
    return utcnow()
