"""Pages and downloads: the import page, the template and the export."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.cqgov.spreadsheet import actions
from ckanext.cqgov.web import request_context

catalog_spreadsheet = Blueprint("cqgov_spreadsheet", __name__)


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype=actions.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def template() -> Response:
    tk.check_access("cqgov_catalog_template", request_context(), {})
    return _xlsx(actions.template_bytes(), "catalog-template.xlsx")


def export() -> Response:
    owner_org = tk.request.args.get("organization") or None
    context = request_context()
    try:
        tk.check_access("cqgov_catalog_export", context, {})
        content, _count = actions.export_workbook(context, owner_org)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Department not found"))
    return _xlsx(content, actions.export_filename(owner_org))


def import_page() -> Any:
    context = request_context()
    try:
        tk.check_access("cqgov_catalog_import", context, {})
    except tk.NotAuthorized as exc:
        if not context["user"]:
            return tk.redirect_to("user.login", came_from=tk.request.full_path)
        return tk.abort(403, str(exc))
    organizations = tk.get_action("organization_list_for_user")(
        context, {"permission": "create_dataset"}
    )
    extra: dict[str, Any] = {
        "organizations": organizations,
        "result": None,
        "errors": None,
        "summary": None,
        "dry_run": False,
        "owner_org": "",
    }
    if tk.request.method == "POST":
        form = tk.request.form
        extra["dry_run"] = tk.asbool(form.get("dry_run", False))
        extra["owner_org"] = form.get("owner_org", "")
        data_dict = {
            "upload": tk.request.files.get("upload"),
            "owner_org": extra["owner_org"],
            "dry_run": extra["dry_run"],
        }
        try:
            extra["result"] = tk.get_action("cqgov_catalog_import")(context, data_dict)
        except tk.ValidationError as exc:
            extra["summary"] = (exc.error_dict.get("file") or [""])[0]
            extra["errors"] = exc.error_dict.get("errors") or []
    return tk.render("cqgov/spreadsheet/import.html", extra_vars=extra)


catalog_spreadsheet.add_url_rule("/catalog/template.xlsx", view_func=template)
catalog_spreadsheet.add_url_rule("/catalog/export.xlsx", view_func=export)
catalog_spreadsheet.add_url_rule(
    "/catalog/import", view_func=import_page, methods=["GET", "POST"]
)


def get_blueprints() -> list[Blueprint]:
    return [catalog_spreadsheet]
