"""Pages of the catalog review: the actions on an entry's page, the review
queue and the 一数一源 list of the competent department, the overdue list."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.plugins.toolkit import _
from flask import Blueprint, request

from ckanext.cqgov.web import request_context

catalog = Blueprint("cqgov_catalog", __name__)

#: form action → API action
ENTRY_ACTIONS = {
    "submit": "cqgov_catalog_submit",
    "approve": "cqgov_catalog_approve",
    "return": "cqgov_catalog_return",
    "record-change": "cqgov_catalog_record_change",
}


def _flash_done(action: str) -> None:
    texts = {
        "submit": _("The entry was submitted to the competent department."),
        "approve": _("The entry was approved and is published."),
        "return": _("The entry was returned to its department."),
        "record-change": _(
            "The change was recorded: the entry must be updated within 15 working days."
        ),
    }
    tk.h.flash_success(texts[action])


def _back(id: str):
    """Where the form came from: the review queue, or the entry's page."""
    if request.form.get("came_from") == "queue":
        return tk.redirect_to("cqgov_catalog.review_queue")
    return tk.redirect_to("dataset.read", id=id)


@catalog.route("/dataset/<id>/catalog/<action>", methods=["POST"])
def entry_action(id: str, action: str):
    if action not in ENTRY_ACTIONS:
        return tk.abort(404, _("Unknown review action."))
    try:
        tk.get_action(ENTRY_ACTIONS[action])(
            request_context(), {"id": id, "comment": request.form.get("comment", "")}
        )
    except tk.ObjectNotFound:
        return tk.abort(404, _("Catalog entry not found."))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        for field, messages in error.error_dict.items():
            for message in messages if isinstance(messages, list) else [messages]:
                tk.h.flash_error(f"{_field_label(field)}: {message}")
        return _back(id)
    _flash_done(action)
    return _back(id)


def _field_label(field: str) -> str:
    from ckanext.scheming.helpers import (
        scheming_field_by_name,
        scheming_get_dataset_schema,
        scheming_language_text,
    )

    if field == "comment":
        return _("Comment")
    schema = scheming_get_dataset_schema("dataset") or {}
    found = scheming_field_by_name(schema.get("dataset_fields", []), field)
    return scheming_language_text(found["label"]) if found else field


def _listing(action: str, template: str, title: str, **params):
    try:
        rows = tk.get_action(action)(request_context(), params)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    return tk.render(template, {"rows": rows, "title": title, "tab": action})


@catalog.route("/catalog/review")
def review_queue():
    return _listing(
        "cqgov_catalog_review_queue", "cqgov/catalog/queue.html", _("Catalog review")
    )


@catalog.route("/catalog/overdue")
def overdue():
    return _listing(
        "cqgov_catalog_overdue",
        "cqgov/catalog/overdue.html",
        _("Catalog deadlines"),
        include_pending=request.args.get("all") == "1",
    )


@catalog.route("/catalog/duplicates")
def duplicate_list():
    return _listing(
        "cqgov_catalog_duplicates",
        "cqgov/catalog/duplicates.html",
        _("One data, one source: possible duplicates"),
    )


def get_blueprints() -> list[Blueprint]:
    return [catalog]
