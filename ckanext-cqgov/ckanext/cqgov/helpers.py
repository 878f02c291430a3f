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


def get_helpers() -> dict[str, Callable[..., Any]]:
    from ckanext.cqgov.catalog import template_helpers as catalog

    return {
        "cqgov_workflow_status_label": cqgov_workflow_status_label,
        "cqgov_desensitize_job": cqgov_desensitize_job,
        "cqgov_desensitize_status_label": cqgov_desensitize_status_label,
        **catalog.get_helpers(),
    }
