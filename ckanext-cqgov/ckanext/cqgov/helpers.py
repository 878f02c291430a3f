"""Template helpers of the cqgov plugin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def cqgov_workflow_status_label(status: str) -> str:
    from ckanext.cqgov.workflow.engine import status_label

    return status_label(status)


def cqgov_desensitize_job(resource_id: str) -> dict | None:
    from ckanext.cqgov.desensitize.views import job_for

    return job_for(resource_id)


def cqgov_desensitize_status_label(status: str) -> str:
    from ckanext.cqgov.desensitize.labels import status_label

    return status_label(status)


def cqgov_license_title(license_id: str | None, stored_title: str = "") -> str:
    """A license's title in the page's language.

    The title stored in a dataset dict (from the search index) is in the
    language of the request that indexed it, so it is looked up again by id;
    a license the register does not know keeps its stored title.
    """
    import ckan.plugins.toolkit as tk
    from ckan import model

    found = model.Package.get_license_register().get(license_id) if license_id else None
    if found is not None:
        return str(found.title)
    return tk._(stored_title) if stored_title else ""


def get_helpers() -> dict[str, Callable[..., Any]]:
    from ckanext.cqgov.catalog import template_helpers as catalog

    return {
        "cqgov_workflow_status_label": cqgov_workflow_status_label,
        "cqgov_desensitize_job": cqgov_desensitize_job,
        "cqgov_desensitize_status_label": cqgov_desensitize_status_label,
        "cqgov_license_title": cqgov_license_title,
        **catalog.get_helpers(),
    }
