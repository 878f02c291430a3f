"""The publisher's desensitization page of an uploaded resource: progress of
the job, the engine's report, a preview of the desensitized copy, and the
buttons that run the job again or accept suppression."""

from __future__ import annotations

import csv
import itertools
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from flask import Blueprint

from ckanext.cqgov.desensitize import gate, labels
from ckanext.cqgov.desensitize.model import DesensitizeJob
from ckanext.cqgov.web import request_context

desensitize = Blueprint("cqgov_desensitize", __name__)

PREVIEW_ROWS = 20


def preview(resource_id: str | None, rows: int = PREVIEW_ROWS) -> dict[str, Any]:
    """Header and first rows of an uploaded CSV derivative (empty when there
    is none or its file is gone)."""
    resource = model.Resource.get(resource_id or "")
    if resource is None or resource.state != "active" or resource.url_type != "upload":
        return {"header": [], "rows": []}
    from ckan.lib.uploader import get_resource_uploader

    path = get_resource_uploader({"id": resource.id}).get_path(resource.id)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            return {"header": header, "rows": list(itertools.islice(reader, rows))}
    except (OSError, UnicodeDecodeError, csv.Error):
        return {"header": [], "rows": []}


def page(id: str, resource_id: str) -> Any:
    context = request_context()
    try:
        package = tk.get_action("package_show")(dict(context), {"id": id})
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        if resource["package_id"] != package["id"]:
            raise tk.ObjectNotFound()
        tk.check_access("cqgov_desensitize_status", dict(context), {"id": resource_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized as exc:
        if not context["user"]:
            return tk.redirect_to("user.login", came_from=tk.request.full_path)
        return tk.abort(403, str(exc))

    if tk.request.method == "POST":
        accept = tk.asbool(tk.request.form.get("accept_suppression", False))
        try:
            tk.get_action("cqgov_desensitize_run")(
                dict(context), {"id": resource_id, "accept_suppression": accept}
            )
            tk.h.flash_success(tk._("The desensitization job has been queued."))
        except tk.ValidationError as exc:
            tk.h.flash_error("; ".join(exc.error_dict.get("id") or [str(exc)]))
        return tk.redirect_to(
            "cqgov_desensitize.page", id=package["name"], resource_id=resource_id
        )

    job = DesensitizeJob.get(resource_id)
    status = job.as_dict() if job else None
    report = dict(job.report) if job and job.report else None
    derivatives = []
    for fmt, rid in sorted((status or {}).get("derivatives", {}).items()):
        derived = model.Resource.get(rid)
        if derived is not None and derived.state == "active":
            derivatives.append({"format": fmt.upper(), "id": rid, "name": derived.name})
    extra = {
        "pkg": package,
        "res": resource,
        "job": status,
        "report": report,
        "derivatives": derivatives,
        "preview": preview((status or {}).get("derivatives", {}).get("csv")),
        "running": bool(status) and status["status"] in (gate.QUEUED, gate.RUNNING),
        "can_run": resource.get("url_type") == "upload"
        and not resource.get(gate.DERIVED_FROM),
        "kind_label": labels.kind_label,
        "status_label": labels.status_label,
        "source_label": labels.source_label,
        "describe": lambda found: gate.describe_findings(found, labels.kind_label),
    }
    return tk.render("cqgov/desensitize/page.html", extra_vars=extra)


desensitize.add_url_rule(
    "/dataset/<id>/resource/<resource_id>/desensitize",
    view_func=page,
    methods=["GET", "POST"],
)


def get_blueprints() -> list[Blueprint]:
    return [desensitize]


def job_for(resource_id: str) -> dict | None:
    """Template helper: the desensitization state of a resource, for users
    who may see it (editors of the entry), else None."""
    context = request_context()
    try:
        tk.check_access("cqgov_desensitize_status", context, {"id": resource_id})
    except tk.NotAuthorized:
        return None
    job = DesensitizeJob.get(resource_id)
    return job.as_dict() if job else None
