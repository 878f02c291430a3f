"""Who reviews whose catalog: the competent department of the entry's level.

A municipal competent department reviews every entry; a district one the
entries of its district's departments (the oversight rule of
:mod:`ckanext.cqgov.access.policy`, found through
:func:`ckanext.cqgov.workflow.roles.competent_org_ids`). Its editors and admins
act for it; sysadmins may act everywhere.
"""

from __future__ import annotations

from ckan import model

from ckanext.cqgov.workflow import roles


def _signed_in(user) -> model.User | None:
    """``user`` when it is a signed-in account; ``None`` for anonymous visitors
    (flask-login's ``AnonymousUser`` has neither ``id`` nor ``sysadmin``)."""
    return user if isinstance(user, model.User) else None


def context_user(context) -> model.User | None:
    """The signed-in account an action runs for, or ``None``."""
    user = context.get("auth_user_obj")
    if not user and context.get("user"):
        # (no user name, e.g. search indexing: no account, and no query)
        user = model.User.get(context["user"])
    return _signed_in(user)


def reviewing_org_ids(owner_org: str | None) -> list[str]:
    """The competent departments that review entries of ``owner_org``."""
    return roles.competent_org_ids(owner_org)


def is_reviewer(user: model.User | None, owner_org: str | None) -> bool:
    """Whether ``user`` may approve or return entries of ``owner_org``."""
    user = _signed_in(user)
    if user is None:
        return False
    if user.sysadmin:
        return True
    mine = roles.memberships(user.id)
    return any(
        mine.get(org_id) in roles.ANSWERING_CAPACITIES
        for org_id in reviewing_org_ids(owner_org)
    )


def is_provider_staff(user: model.User | None, owner_org: str | None) -> bool:
    """Editors and admins of the providing department (they compile its catalog)."""
    user = _signed_in(user)
    if user is None or not owner_org:
        return False
    return roles.memberships(user.id).get(owner_org) in roles.ANSWERING_CAPACITIES


def sees_history(user: model.User | None, owner_org: str | None) -> bool:
    """The department's members, its competent departments and sysadmins."""
    user = _signed_in(user)
    if user is None:
        return False
    if user.sysadmin or owner_org in roles.memberships(user.id):
        return True
    mine = roles.memberships(user.id)
    return any(org_id in mine for org_id in reviewing_org_ids(owner_org))


def overseen_org_ids(user: model.User | None) -> set[str] | None:
    """The organizations whose entries ``user`` reviews; ``None`` = all."""
    user = _signed_in(user)
    if user is None:
        return set()
    if user.sysadmin:
        return None
    mine = {
        org_id
        for org_id, capacity in roles.memberships(user.id).items()
        if capacity in roles.ANSWERING_CAPACITIES
    }
    competent = [
        org_id for org_id in mine if roles.org_info(org_id).get("is_competent")
    ]
    if not competent:
        return set()
    if any(roles.org_info(org_id).get("level") != "district" for org_id in competent):
        return None
    districts = {roles.org_info(org_id).get("region") for org_id in competent}
    return {
        org_id
        for (org_id,) in model.Session.query(model.Group.id).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active"
        )
        if (info := roles.org_info(org_id)).get("level") == "district"
        and info.get("region") in districts
    }


def is_municipal_competent_staff(user_id: str) -> bool:
    """An editor/admin of a municipal competent department."""
    for org_id, capacity in roles.memberships(user_id).items():
        info = roles.org_info(org_id)
        if (
            capacity in roles.ANSWERING_CAPACITIES
            and info.get("is_competent")
            and info.get("level") != "district"
        ):
            return True
    return False
