"""The access-log page and its CSV export (read-only)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from ckan.common import current_user
from ckan.plugins import toolkit as tk
from flask import Blueprint, Response, request, stream_with_context

from ckanext.cqgov.access.logic.audit import (
    FILTERS,
    filtered_query,
    records_as_dicts,
)
from ckanext.cqgov.access.model import ACCESS_PATHS
from ckanext.cqgov.web import request_context

_ = tk._

audit_log = Blueprint("cqgov_audit", __name__)

PAGE_SIZE = 50
#: Rows read from the database at a time while streaming the CSV export.
CSV_BATCH = 1000


def path_labels() -> dict[str, str]:
    return {
        "download": _("File download"),
        "download_redirect": _("Link to external data"),
        "datastore_search": _("DataStore query"),
        "datastore_search_sql": _("DataStore SQL query"),
        "datastore_info": _("DataStore structure"),
        "datastore_dump": _("DataStore export"),
        "resource_show": _("API: resource"),
        "package_show": _("API: catalog entry"),
    }


def reason_labels() -> dict[str, str]:
    """Short labels of the policy's reasons, for the page and the export."""
    return {
        "sysadmin": _("System administrator"),
        "provider_member": _("Member of the provider"),
        "unconditional_share": _("Unconditional sharing"),
        "valid_share_grant": _("Share grant"),
        "proactive_open": _("Proactively open"),
        "valid_open_grant": _("Open grant"),
        "not_approved": _("Entry not published"),
        "private_entry": _("Entry withdrawn"),
        "needs_share_application": _("Needs a share grant"),
        "needs_open_application": _("Needs an open grant"),
        "not_shared": _("Not shared"),
        "not_open": _("Not open"),
        "share_audience_only": _("Government sharing only"),
        "grant_expired": _("Grant expired"),
        "grant_not_yet_valid": _("Grant not yet valid"),
        "grant_revoked": _("Grant revoked"),
    }


def _filters() -> dict[str, str]:
    return {key: request.args.get(key, "").strip() for key in FILTERS}


def _authorized() -> bool:
    try:
        tk.check_access("cqgov_audit_list", request_context(user_object=True), {})
    except tk.NotAuthorized:
        return False
    return True


def page():
    """/dashboard/access-log: the filter form, one page of records, CSV link."""
    if not _authorized():
        return tk.abort(403, _("Log in to see grants and access records."))
    filters = _filters()
    try:
        page_number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page_number = 1
    errors: dict[str, list[str]] = {}
    records: list[dict[str, Any]] = []
    count = 0
    try:
        result = tk.get_action("cqgov_audit_list")(
            request_context(user_object=True),
            {
                **{k: v for k, v in filters.items() if v},
                "limit": PAGE_SIZE,
                "offset": (page_number - 1) * PAGE_SIZE,
            },
        )
        records, count = result["results"], result["count"]
    except tk.ValidationError as error:
        errors = error.error_dict
    query = {k: v for k, v in filters.items() if v}
    return tk.render(
        "cqgov/access/log.html",
        {
            "filters": filters,
            "errors": errors,
            "records": records,
            "count": count,
            "page_number": page_number,
            "page_count": max(1, -(-count // PAGE_SIZE)),
            "query": query,
            "paths": [(p, path_labels()[p]) for p in ACCESS_PATHS],
            "path_labels": path_labels(),
            "reason_labels": reason_labels(),
            # the dashboard templates name the signed-in user so
            "user_dict": {
                "name": current_user.name,
                "display_name": current_user.display_name,
            },
        },
    )


CSV_COLUMNS = (
    ("at", lambda: _("Time")),
    ("user_name", lambda: _("User")),
    ("organization_title", lambda: _("Accessing department")),
    ("package_title", lambda: _("Catalog entry")),
    ("package_id", lambda: _("Catalog entry ID")),
    ("owner_org_title", lambda: _("Provider")),
    ("resource_name", lambda: _("Resource")),
    ("resource_id", lambda: _("Resource ID")),
    ("path", lambda: _("Access path")),
    ("allowed", lambda: _("Result")),
    ("reason", lambda: _("Reason")),
    ("grant_id", lambda: _("Grant ID")),
    ("grant_purpose", lambda: _("Grant purpose")),
    ("client_ip", lambda: _("Client IP")),
    ("forwarded_for", lambda: _("X-Forwarded-For")),
)


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def csv_export():
    """The same filtered list as CSV: UTF-8 with BOM (Excel), Chinese headers."""
    if not _authorized():
        return tk.abort(403, _("Log in to see grants and access records."))
    query, errors = filtered_query(request_context(user_object=True), _filters())
    if errors:
        message = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        return tk.abort(400, message)
    labels, reasons = path_labels(), reason_labels()
    allowed_text, refused_text = _("Allowed"), _("Refused")

    def rows() -> Iterator[str]:
        yield "\ufeff" + _csv_line([label() for _key, label in CSV_COLUMNS])
        offset = 0
        while True:
            batch = query.limit(CSV_BATCH).offset(offset).all()
            if not batch:
                break
            for record in records_as_dicts(batch):
                record["path"] = labels.get(record["path"], record["path"])
                record["allowed"] = allowed_text if record["allowed"] else refused_text
                record["reason"] = reasons.get(record["reason"], record["reason"])
                yield _csv_line([record[key] for key, _label in CSV_COLUMNS])
            offset += CSV_BATCH

    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="access-log.csv"',
        },
    )


audit_log.add_url_rule("/dashboard/access-log", view_func=page, endpoint="page")
audit_log.add_url_rule(
    "/dashboard/access-log.csv", view_func=csv_export, endpoint="csv"
)


def get_blueprints() -> list[Blueprint]:
    return [audit_log]
