"""The checked resource download: CKAN's download view behind the policy.

CKAN serves uploaded files and redirects to external URLs from
``/dataset/<id>/resource/<resource_id>/download[/<filename>]``; the plugin
replaces that view function (both blueprints' endpoints) with
:func:`checked`, so no download escapes the check. The DataStore's dump
(``/datastore/dump/<resource_id>``) gets the same 403 (:func:`checked_dump`).
Every served download or dump, and every refused one, is recorded in the
access log (:mod:`.audit`) before the data leaves; when the record cannot be
written the data is withheld (503).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from ckan import model
from ckan.common import current_user
from ckan.plugins import toolkit as tk
from flask import Flask

from ckanext.cqgov.access import audit, checks, policy
from ckanext.cqgov.access.subjects import context_viewer
from ckanext.cqgov.web import request_context

log = logging.getLogger(__name__)

DOWNLOAD_ENDPOINTS = ("resource.download", "dataset_resource.download")
DUMP_ENDPOINT = "datastore.dump"


def denied_response(status: int, message: str, apply_url: str | None = None):
    """CKAN's error page with the reason and, when useful, where to apply."""
    if apply_url:
        message = tk._("{message} Apply at: {url}").format(
            message=message, url=apply_url
        )
    return tk.abort(status, message)


def _active_resource(resource_id: str, exact_id: bool = False) -> model.Resource | None:
    if not resource_id:
        return None
    if exact_id:
        resource = model.Session.get(model.Resource, resource_id)
    else:
        resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active" or resource.package is None:
        return None
    return resource


def _record(
    viewer: policy.Viewer,
    resource: model.Resource,
    path: str,
    decision: policy.Decision,
) -> None:
    audit.record(
        viewer=viewer,
        user_name=getattr(current_user, "name", None),
        package=resource.package,
        resource_id=resource.id,
        path=path,
        decision=decision,
    )


def _refuse(viewer: policy.Viewer, resource: model.Resource, path, decision):
    """Record the refused request (best effort) and answer 403."""
    try:
        _record(viewer, resource, path, decision)
    except audit.RecordingFailed:
        log.warning("refused %s of %s not recorded", path, resource.id)
    info = checks.denial_info(decision, resource.package.name)
    return denied_response(403, info["message"], info["apply_url"])


def _served(response: Any, viewer, resource, path: str, decision) -> Any:
    """The response, once the access is recorded; 503 if it cannot be."""
    if getattr(response, "status_code", 200) >= 400:
        return response
    if path == "download" and getattr(response, "headers", {}).get("Location"):
        path = "download_redirect"
    try:
        _record(viewer, resource, path, decision)
    except audit.RecordingFailed:
        close = getattr(response, "close", None)
        if close is not None:
            close()
        return tk.abort(503, audit.withheld_message())
    return response


def checked(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def download(package_type: str, id: str, resource_id: str, filename=None):
        resource = _active_resource(resource_id)
        if resource is None or id not in (resource.package.id, resource.package.name):
            return denied_response(404, tk._("Resource not found"))
        viewer = context_viewer(request_context(user_object=True))
        decision = checks.data_decision(viewer, resource.package, resource)
        if not decision:
            return _refuse(viewer, resource, "download", decision)
        response = view(package_type, id, resource_id, filename)
        return _served(response, viewer, resource, "download", decision)

    return download


def checked_dump(view: Callable[..., Any]) -> Callable[..., Any]:
    """``/datastore/dump/<resource_id>``: CKAN's view reads the rows through
    ``datastore_search`` (checked by the policy) but answers any refusal with
    404 "not found"; a denied viewer gets 403 with the reason and where to
    apply instead, like a download. One dump is one access-log record (the
    pages it reads internally are not API reads)."""

    @functools.wraps(view)
    def dump(resource_id: str):
        # DataStore tables are named by resource id: match ids exactly.
        resource = _active_resource(resource_id, exact_id=True)
        if resource is None:
            return view(resource_id)  # the DataStore answers 404
        viewer = context_viewer(request_context(user_object=True))
        decision = checks.data_decision(viewer, resource.package, resource)
        if not decision:
            return _refuse(viewer, resource, "datastore_dump", decision)
        response = view(resource_id)
        return _served(response, viewer, resource, "datastore_dump", decision)

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
