"""Pages of the workflow: apply, report an error, rate, the opening request
board, "my applications", "to answer", supervision, and one page per item."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.plugins.toolkit import _
from flask import Blueprint, redirect, request, send_file

from ckanext.cqgov.web import request_context
from ckanext.cqgov.workflow import attachments, engine, logic, machine, roles
from ckanext.cqgov.workflow.machine import Kind

workflow = Blueprint("cqgov_workflow", __name__)

#: item action → (API action, extra parameters)
ACTION_CALLS = {
    "approve": ("cqgov_application_reply", {"decision": "approve"}),
    "refuse": ("cqgov_application_reply", {"decision": "refuse"}),
    "dispute": ("cqgov_application_dispute", {}),
    "uphold": ("cqgov_application_decide", {"decision": "uphold"}),
    "order": ("cqgov_application_decide", {"decision": "order"}),
    "agree": ("cqgov_opening_request_reply", {"decision": "agree"}),
    "disagree": ("cqgov_opening_request_reply", {"decision": "disagree"}),
    "confirm": ("cqgov_error_report_reply", {"decision": "confirm"}),
    "verify": ("cqgov_error_report_reply", {"decision": "verify"}),
    "reply": ("cqgov_feedback_reply", {}),
    "hide": ("cqgov_feedback_hide", {}),
}
SHOW_ACTIONS = {
    Kind.SHARE_APPLICATION: "cqgov_application_show",
    Kind.OPEN_APPLICATION: "cqgov_application_show",
    Kind.OPENING_REQUEST: "cqgov_opening_request_show",
    Kind.ERROR_REPORT: "cqgov_error_report_show",
    Kind.FEEDBACK: "cqgov_feedback_show",
}
DATE_FIELDS = {"valid_from", "valid_until", "open_by", "period_from", "period_until"}


def field_labels() -> dict[str, str]:
    return {
        "purpose": _("Purpose"),
        "resource_ids": _("Resources"),
        "data_items": _("Data items"),
        "period_from": _("Needed from"),
        "period_until": _("Needed until"),
        "legal_basis": _("Legal basis or duty"),
        "applicant_org_id": _("Applying department"),
        "intended_use": _("Intended use"),
        "contact": _("Contact"),
        "terms": _("Usage terms"),
        "valid_from": _("Valid from"),
        "valid_until": _("Valid until"),
        "reason": _("Reason"),
        "open_by": _("Will be opened by"),
        "explanation": _("Explanation"),
        "correction_link": _("Link to the corrected resource or version"),
        "reply": _("Reply"),
        "description": _("Description"),
        "title": _("Data wanted"),
        "suggested_org_id": _("Suggested department"),
        "data_item": _("Data item"),
        "row": _("Row or record"),
        "attachment_url": _("Attachment (link)"),
        "attachment_upload": _("Attachment (file)"),
        "attachment": _("Attachment"),
        "comment": _("Comment"),
        "rating": _("Rating"),
        "package_id": _("Catalog entry"),
        "status": _("Status"),
        "action": _("Action"),
        "decision": _("Decision"),
    }


def _user():
    name = request_context()["user"]
    return model.User.get(name) if name else None


def _require_login():
    if _user() is None:
        return tk.redirect_to("user.login", came_from=request.full_path)
    return None


def _form() -> dict:
    data = {}
    for key in request.form:
        values = [v for v in request.form.getlist(key) if v != ""]
        if key in {"resource_ids", "data_items"}:
            data[key] = values
        elif values:
            data[key] = values[0]
    data.pop("_csrf_token", None)
    upload = request.files.get("attachment_upload")
    if upload is not None and upload.filename:
        data["attachment_upload"] = upload
    return data


def _package_dict(id: str) -> dict:
    try:
        return tk.get_action("package_show")(request_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, _("Catalog entry not found."))
    except tk.NotAuthorized:
        return tk.abort(403, _("You cannot see this catalog entry."))


def _render_form(template, package, data, errors, **extra):
    return tk.render(
        template,
        {
            "pkg": package,
            "data": data,
            "errors": errors,
            "labels": field_labels(),
            **extra,
        },
    )


@workflow.route("/dataset/<id>/apply", methods=["GET", "POST"])
def apply(id: str):
    """Apply for an entry's data: a share application for government
    departments, an open data application for everyone else."""
    if (login := _require_login()) is not None:
        return login
    package = _package_dict(id)
    pkg = model.Package.get(package["id"])
    user = _user()
    government = [
        o
        for o in roles.memberships(user.id)
        if roles.is_government(o) and o != pkg.owner_org
    ]
    share_ok, share_message = logic.application_needed(pkg, Kind.SHARE_APPLICATION)
    open_ok, open_message = logic.application_needed(pkg, Kind.OPEN_APPLICATION)
    if government and (share_ok or not open_ok):
        kind, possible, message = "share", share_ok, share_message
    else:
        kind, possible, message = "open", open_ok, open_message
    if pkg.owner_org in roles.memberships(user.id):
        possible = False
        message = _("Your department provides this entry; it needs no application.")
    data, errors = {}, {}
    if request.method == "POST" and possible:
        data = _form()
        try:
            item = tk.get_action("cqgov_application_create")(
                request_context(), {**data, "kind": kind, "package_id": pkg.id}
            )
        except tk.ValidationError as error:
            errors = error.error_dict
        except tk.NotAuthorized as error:
            return tk.abort(403, str(error))
        else:
            tk.h.flash_success(_("Your application has been submitted."))
            return redirect(tk.h.url_for("cqgov_workflow.item", id=item["id"]))
    return _render_form(
        "cqgov/workflow/apply.html",
        package,
        data,
        errors,
        kind=kind,
        possible=possible,
        message=message,
        organizations=[roles.org_info(o) for o in government],
    )


@workflow.route("/dataset/<id>/report-error", methods=["GET", "POST"])
def report_error(id: str):
    if (login := _require_login()) is not None:
        return login
    package = _package_dict(id)
    data, errors = {}, {}
    if request.method == "POST":
        data = _form()
        try:
            item = tk.get_action("cqgov_error_report_create")(
                request_context(), {**data, "package_id": package["id"]}
            )
        except tk.ValidationError as error:
            errors = error.error_dict
        except tk.NotAuthorized as error:
            return tk.abort(403, str(error))
        else:
            tk.h.flash_success(_("Thank you. The provider will verify your report."))
            return redirect(tk.h.url_for("cqgov_workflow.item", id=item["id"]))
    return _render_form("cqgov/workflow/report_error.html", package, data, errors)


@workflow.route("/dataset/<id>/feedback", methods=["GET", "POST"])
def feedback(id: str):
    package = _package_dict(id)
    data, errors = {}, {}
    if request.method == "POST":
        if (login := _require_login()) is not None:
            return login
        data = _form()
        try:
            tk.get_action("cqgov_feedback_create")(
                request_context(), {**data, "package_id": package["id"]}
            )
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            return redirect(tk.h.url_for("cqgov_workflow.feedback", id=package["name"]))
    listing = tk.get_action("cqgov_feedback_list")(
        request_context(), {"package_id": package["id"]}
    )
    return _render_form(
        "cqgov/workflow/feedback.html", package, data, errors, listing=listing
    )


@workflow.route("/opening-requests")
def board():
    q = request.args.get("q", "")
    status = request.args.get("status", "")
    listing = tk.get_action("cqgov_opening_request_list")(
        request_context(), {"q": q, "status": status}
    )
    return tk.render(
        "cqgov/workflow/board.html", {"listing": listing, "q": q, "status": status}
    )


@workflow.route("/opening-requests/new", methods=["GET", "POST"])
def new_opening_request():
    if (login := _require_login()) is not None:
        return login
    data, errors = dict(request.args), {}
    package = None
    if data.get("package_id"):
        package = _package_dict(data["package_id"])
    if request.method == "POST":
        data = _form()
        try:
            item = tk.get_action("cqgov_opening_request_create")(
                request_context(), data
            )
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            tk.h.flash_success(_("Your request has been published."))
            return redirect(tk.h.url_for("cqgov_workflow.item", id=item["id"]))
    organizations = tk.get_action("organization_list")(
        {}, {"all_fields": True, "limit": 1000}
    )
    return _render_form(
        "cqgov/workflow/new_opening_request.html",
        package,
        data,
        errors,
        organizations=organizations,
    )


def _listing(template: str, scope: str, title: str):
    if (login := _require_login()) is not None:
        return login
    kinds = request.args.get("kind", "")
    sections = []
    calls = [
        ("cqgov_application_list", _("Applications")),
        ("cqgov_error_report_list", _("Error reports")),
    ]
    try:
        for action, label in calls:
            sections.append(
                (label, tk.get_action(action)(request_context(), {"scope": scope}))
            )
        if scope != "supervise":
            sections.append(
                (
                    _("Opening requests"),
                    tk.get_action("cqgov_opening_request_list")(
                        request_context(), {"scope": scope}
                    ),
                )
            )
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    return tk.render(
        template,
        {"sections": sections, "title": title, "scope": scope, "kinds": kinds},
    )


@workflow.route("/workflow/mine")
def mine():
    return _listing("cqgov/workflow/list.html", "mine", _("My applications"))


@workflow.route("/workflow/to-answer")
def to_answer():
    return _listing("cqgov/workflow/list.html", "to_answer", _("To answer"))


@workflow.route("/workflow/supervise")
def supervise():
    return _listing(
        "cqgov/workflow/list.html", "supervise", _("Overdue items and disputes")
    )


@workflow.route("/workflow/<id>/attachment")
def attachment(id: str):
    """The error report's attachment, for those who may see the report."""
    try:
        shown = tk.get_action("cqgov_error_report_show")(request_context(), {"id": id})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404, _("No such item."))
    record = shown["details"].get("attachment")
    path = attachments.path_of(record)
    if path is None:
        return tk.abort(404, _("No such item."))
    return send_file(path, as_attachment=True, download_name=record["name"])


@workflow.route("/workflow/<id>", methods=["GET", "POST"])
def item(id: str):
    try:
        stored = engine.get_item(id)
    except tk.ObjectNotFound:
        return tk.abort(404, _("No such item."))
    kind = Kind(stored.kind)
    errors, data, failed_action = {}, {}, None
    if request.method == "POST":
        if (login := _require_login()) is not None:
            return login
        data = _form()
        act = data.pop("act", "")
        if act == "follow" or act == "unfollow":
            tk.get_action("cqgov_opening_request_follow")(
                request_context(), {"id": id, "unfollow": act == "unfollow"}
            )
            return redirect(tk.h.url_for("cqgov_workflow.item", id=id))
        if act not in ACTION_CALLS:
            return tk.abort(400, _("Unknown action."))
        api, extra = ACTION_CALLS[act]
        try:
            tk.get_action(api)(request_context(), {**data, **extra, "id": id})
        except tk.ValidationError as error:
            errors, failed_action = error.error_dict, act
        except tk.NotAuthorized as error:
            return tk.abort(403, str(error))
        else:
            tk.h.flash_success(_("Saved."))
            return redirect(tk.h.url_for("cqgov_workflow.item", id=id))
    try:
        shown = tk.get_action(SHOW_ACTIONS[kind])(request_context(), {"id": id})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404, _("No such item."))
    forms = [
        {
            "action": name,
            "label": engine.action_label(name),
            "fields": machine.transition_for(kind, name).requires
            + (("reason",) if name in {"approve", "agree"} else ()),
        }
        for name in shown["allowed_actions"]
    ]
    return tk.render(
        "cqgov/workflow/item.html",
        {
            "item": shown,
            "forms": forms,
            "errors": errors,
            "data": data,
            "failed_action": failed_action,
            "labels": field_labels(),
            "date_fields": DATE_FIELDS,
            "signed_in": _user() is not None,
        },
    )


def get_blueprints():
    return [workflow]
