"""Template helpers of the catalog review pages."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

_ = tk._


def catalog_review(package_id: str) -> dict[str, Any] | None:
    """The entry's review box data, or ``None`` when the viewer may not see it."""
    user = tk.current_user.name if tk.current_user else None
    if not user:
        return None
    try:
        return tk.get_action("cqgov_catalog_history")(
            {"user": user}, {"id": package_id}
        )
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def catalog_status_label(status: str | None) -> str:
    """The review state as the schema names it (e.g. 已报送待审核, 审核通过)."""
    from ckanext.scheming.helpers import (
        scheming_choices_label,
        scheming_field_by_name,
        scheming_get_dataset_schema,
    )

    from ckanext.cqgov.catalog.actions import status_label

    status = status or "draft"
    schema = scheming_get_dataset_schema("dataset") or {}
    field = scheming_field_by_name(schema.get("dataset_fields", []), "catalog_status")
    if field and field.get("choices"):
        return scheming_choices_label(field["choices"], status)
    return status_label(status)


def deadline_label(kind: str) -> str:
    labels = {
        "submit": _("Submit to the competent department"),
        "update": _("Update after the recorded change"),
    }
    return labels.get(kind, kind)


def review_action_label(action: str) -> str:
    labels = {
        "submit": _("Submit for review"),
        "approve": _("Approve"),
        "return": _("Return"),
        "created": _("Created"),
        "updated": _("Updated"),
        "status_set": _("Status set by a sysadmin"),
        "change_recorded": _("Change of basis or functions recorded"),
    }
    return labels.get(action, action)


def get_helpers() -> dict[str, Any]:
    return {
        "cqgov_catalog_review": catalog_review,
        "cqgov_catalog_status_label": catalog_status_label,
        "cqgov_deadline_label": deadline_label,
        "cqgov_review_action_label": review_action_label,
    }
