"""Package hooks of the catalog: what CKAN's package actions add or record."""

from __future__ import annotations

from typing import Any

from ckan import model


def organization_uscc(org_id: str | None) -> str | None:
    """The unified social credit code of an organization, if it has one."""
    if not org_id:
        return None
    row = (
        model.Session.query(model.GroupExtra.value)
        .filter(model.GroupExtra.group_id == org_id)
        .filter(model.GroupExtra.key == "uscc")
        .filter(model.GroupExtra.state == "active")
        .first()
    )
    return row[0] if row and row[0] else None


def add_provider_code(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``provider_code``: the owner organization's USCC (信息资源提供方代码)."""
    code = organization_uscc(pkg_dict.get("owner_org"))
    if code:
        pkg_dict["provider_code"] = code
    else:
        pkg_dict.pop("provider_code", None)
    return pkg_dict
