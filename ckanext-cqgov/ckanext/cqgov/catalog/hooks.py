"""Package hooks of the catalog: what CKAN's package actions add or record."""

from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.cqgov import batch_memo


def _usccs(org_ids: list[str]) -> dict[str, str]:
    """The unified social credit codes of those of ``org_ids`` that have one."""
    rows = (
        model.Session.query(model.GroupExtra.group_id, model.GroupExtra.value)
        .filter(model.GroupExtra.group_id.in_(org_ids))
        .filter(model.GroupExtra.key == "uscc")
        .filter(model.GroupExtra.state == "active")
        .all()
    )
    return {group_id: value for group_id, value in rows if value}


def organization_uscc(org_id: str | None) -> str | None:
    """The unified social credit code of an organization, if it has one."""
    if not org_id:
        return None
    return batch_memo.remembered(
        ("organization_uscc", org_id), lambda: _usccs([org_id]).get(org_id)
    )


def remember_organization_usccs(org_ids: list[str]) -> None:
    """Inside a :func:`~ckanext.cqgov.batch_memo.scope`, answers
    :func:`organization_uscc` for all of ``org_ids`` from one query (the
    bulk search-index rebuild reads a batch's organizations at once)."""
    if not org_ids:
        return
    found = _usccs(org_ids)
    for org_id in org_ids:
        batch_memo.remember(("organization_uscc", org_id), found.get(org_id))


def add_provider_code(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``provider_code``: the owner organization's USCC (信息资源提供方代码)."""
    code = organization_uscc(pkg_dict.get("owner_org"))
    if code:
        pkg_dict["provider_code"] = code
    else:
        pkg_dict.pop("provider_code", None)
    return pkg_dict


def _sees_catalog_work(context: dict[str, Any], owner_org: str | None) -> bool:
    from ckanext.cqgov.catalog import reviewers

    return reviewers.sees_history(reviewers.context_user(context), owner_org)


def after_show(context: dict[str, Any], pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Provider code for everyone; 一数一源 candidates for the department, its
    competent department and sysadmins (they name other departments' entries,
    which may not be published)."""
    from ckanext.cqgov.catalog.actions import duplicate_candidates

    add_provider_code(pkg_dict)
    pkg_dict.pop("duplicate_candidates", None)
    if pkg_dict.get("id") and _sees_catalog_work(context, pkg_dict.get("owner_org")):
        found = duplicate_candidates(pkg_dict["id"])
        pkg_dict["duplicate_candidates"] = {"count": len(found), "entries": found}
    return pkg_dict


# Code-valued fields: their codes (``platform_api``, ``yearly``…) are for
# filters and facets (the top-level index fields), not words a citizen types,
# so their ``extras_*`` copies stay out of the catch-all ``text`` field —
# otherwise ``API`` would match every entry shared through the platform's API.
CODE_FIELDS = (
    "resource_category",
    "basic_type",
    "theme",
    "format_type",
    "format_subtype",
    "share_type",
    "share_method",
    "open_type",
    "update_cycle",
    "catalog_status",
    "related_codes",
    "data_items__data_type",
    "data_items__length",
    "data_items__sensitive_category",
)


def before_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Other entries' titles are not part of this entry's search text, nor
    are code values (:data:`CODE_FIELDS`). Internal fields are not indexed
    at all: a filter on them would tell anybody their values."""
    from ckanext.cqgov.access.shaping import internal_fields

    pkg_dict.pop("duplicate_candidates", None)
    for name in CODE_FIELDS:
        pkg_dict.pop("extras_" + name, None)
    for name in internal_fields():
        pkg_dict.pop(name, None)
        pkg_dict.pop("extras_" + name, None)
    return pkg_dict


def get_actions() -> dict[str, Any]:
    from ckanext.cqgov.catalog import actions
    from ckanext.cqgov.workdays import overrides

    return {**actions.get_actions(), **overrides.get_actions()}


def get_auth_functions() -> dict[str, Any]:
    from ckanext.cqgov.catalog import actions
    from ckanext.cqgov.workdays import overrides

    return {**actions.get_auth_functions(), **overrides.get_auth_functions()}
