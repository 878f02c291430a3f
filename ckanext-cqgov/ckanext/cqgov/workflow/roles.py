"""Who is who around a workflow item: memberships, provider editors, competent
departments. Reads CKAN's membership tables; decides nothing about states."""

from __future__ import annotations

from ckan import model

from ckanext.cqgov.access import subjects
from ckanext.cqgov.access.policy import Entry, Oversight
from ckanext.cqgov.workflow.machine import Role

#: capacities that may answer for an organization
ANSWERING_CAPACITIES = frozenset({"editor", "admin"})
GOVERNMENT_KINDS = frozenset({"government", "institution", "public_enterprise"})


def memberships(user_id: str | None) -> dict[str, str]:
    """Organization id → capacity for the user's active organization memberships
    (as the access policy sees them)."""
    if not user_id:
        return {}
    return dict(subjects.viewer_for(user_id).memberships)


def org_info(org_id: str | None) -> dict:
    """The organization's catalog fields (``org_kind``, ``level``, ``region``,
    ``is_competent``) with its id, name and title; ``{}`` when unknown."""
    group = model.Group.get(org_id) if org_id else None
    if group is None or not group.is_organization:
        return {}
    extras = dict(group.extras or {})
    return {
        "id": group.id,
        "name": group.name,
        "title": group.title or group.name,
        "org_kind": extras.get("org_kind"),
        "level": extras.get("level"),
        "region": extras.get("region") or None,
        "is_competent": str(extras.get("is_competent", "")).lower()
        in {"true", "1", "yes", "on"},
    }


def is_government(org_id: str) -> bool:
    return org_info(org_id).get("org_kind") in GOVERNMENT_KINDS


def _oversight(info: dict) -> Oversight | None:
    """The scope of a competent department, as the access policy defines it."""
    if not info.get("is_competent"):
        return None
    if info.get("level") == "municipal":
        return Oversight(level="municipal", org_id=info["id"])
    if info.get("level") == "district" and info.get("region"):
        return Oversight(level="district", district=info["region"], org_id=info["id"])
    return None


def _provider_entry(provider_org_id: str) -> Entry:
    info = org_info(provider_org_id)
    district = info.get("region") if info.get("level") == "district" else None
    # Only the owner and its district matter for oversight.
    return Entry(id="-", owner_org=provider_org_id, owner_district=district)


def competent_org_ids(provider_org_id: str | None) -> list[str]:
    """The competent departments overseeing ``provider_org_id``."""
    if not provider_org_id:
        return []
    entry = _provider_entry(provider_org_id)
    ids = []
    for (org_id,) in model.Session.query(model.Group.id).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active"
    ):
        scope = _oversight(org_info(org_id))
        if scope is not None and scope.covers(entry):
            ids.append(org_id)
    return sorted(ids)


def all_competent_org_ids() -> list[str]:
    return [
        org_id
        for (org_id,) in model.Session.query(model.Group.id).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active"
        )
        if org_info(org_id).get("is_competent")
    ]


def users_answering_for(org_ids: list[str]) -> list[model.User]:
    """Active users with editor/admin capacity in any of ``org_ids``."""
    if not org_ids:
        return []
    return (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(
            model.Member.table_name == "user",
            model.Member.group_id.in_(org_ids),
            model.Member.state == "active",
            model.Member.capacity.in_(ANSWERING_CAPACITIES),
            model.User.state == "active",
        )
        .distinct()
        .all()
    )


def roles_for(user: model.User | None, item) -> set[Role]:
    """The roles ``user`` holds on ``item`` (see :class:`Role`)."""
    if user is None:
        return set()
    roles: set[Role] = set()
    if item.user_id == user.id:
        roles.add(Role.APPLICANT)
    mine = memberships(user.id)
    provider_capacity = mine.get(item.provider_org_id)
    competent = set(competent_org_ids(item.provider_org_id))
    answering_competent = any(
        mine.get(org_id) in ANSWERING_CAPACITIES for org_id in competent
    )
    if user.sysadmin or provider_capacity in ANSWERING_CAPACITIES:
        roles.add(Role.PROVIDER)
    if user.sysadmin or answering_competent:
        roles.add(Role.COMPETENT)
    if user.sysadmin or provider_capacity == "admin" or answering_competent:
        roles.add(Role.MODERATOR)
    return roles


def can_view_private(user: model.User | None, item) -> bool:
    """Whether ``user`` sees the item's personal details and internal fields:
    the submitter, members of the provider, its competent departments, sysadmins."""
    if user is None:
        return False
    if user.sysadmin or item.user_id == user.id:
        return True
    mine = memberships(user.id)
    if item.provider_org_id in mine or (
        item.applicant_org_id and item.applicant_org_id in mine
    ):
        return True
    return any(org_id in mine for org_id in competent_org_ids(item.provider_org_id))
