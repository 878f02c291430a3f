"""The checked resource download: CKAN's download view behind the policy.

CKAN serves uploaded files and redirects to external URLs from
``/dataset/<id>/resource/<resource_id>/download[/<filename>]``; the plugin
replaces that view function (both blueprints' endpoints) with
:func:`checked`, so no download escapes the check. The DataStore's dump
(``/datastore/dump/<resource_id>``) gets the same 403 (:func:`checked_dump`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ckan.common import current_user
from ckan.plugins import toolkit as tk
from flask import Flask

from ckanext.cqgov.access import checks

DOWNLOAD_ENDPOINTS = ("resource.download", "dataset_resource.download")
DUMP_ENDPOINT = "datastore.dump"

#: Called after an allowed download is served: (resource, decision, path).
after_download_hooks: list[Callable[..., None]] = []


def denied_response(status: int, message: str, apply_url: str | None = None):
    """CKAN's error page with the reason and, when useful, where to apply."""
    if apply_url:
        message = tk._("{message} Apply at: {url}").format(
            message=message, url=apply_url
        )
    return tk.abort(status, message)


def checked(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def download(package_type: str, id: str, resource_id: str, filename=None):
        context = {"user": current_user.name, "auth_user_obj": current_user}
        resource, decision = checks.resource_data_decision(context, resource_id)
        if (
            resource is None
            or resource.package is None
            or id
            not in (
                resource.package.id,
                resource.package.name,
            )
        ):
            return denied_response(404, tk._("Resource not found"))
        if not decision:
            info = checks.denial_info(decision, resource.package.name)
            return denied_response(403, info["message"], info["apply_url"])
        response = view(package_type, id, resource_id, filename)
        if getattr(response, "status_code", 200) < 400:
            for hook in after_download_hooks:
                hook(resource, decision, "download")
        return response

    return download


def checked_dump(view: Callable[..., Any]) -> Callable[..., Any]:
    """``/datastore/dump/<resource_id>``: CKAN's view reads the rows through
    ``datastore_search`` (checked by the policy) but answers any refusal with
    404 "not found"; a denied viewer gets 403 with the reason and where to
    apply instead, like a download."""

    @functools.wraps(view)
    def dump(resource_id: str):
        context = {"user": current_user.name, "auth_user_obj": current_user}
        resource, decision = checks.resource_data_decision(
            context, resource_id, exact_id=True
        )
        if resource is not None and not decision:
            info = checks.denial_info(decision, resource.package.name)
            return denied_response(403, info["message"], info["apply_url"])
        return view(resource_id)

    return dump


def _wrap(app: Flask, endpoint: str, wrapper: Callable[..., Any]) -> None:
    view = app.view_functions.get(endpoint)
    if view is not None and not getattr(view, "_cqgov_checked", False):
        wrapped = wrapper(view)
        wrapped._cqgov_checked = True  # type: ignore[attr-defined]
        app.view_functions[endpoint] = wrapped


def install(app: Flask) -> None:
    for endpoint in DOWNLOAD_ENDPOINTS:
        _wrap(app, endpoint, checked)
    _wrap(app, DUMP_ENDPOINT, checked_dump)
