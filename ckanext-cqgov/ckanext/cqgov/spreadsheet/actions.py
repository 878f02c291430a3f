"""Actions and auth functions: catalog import/export as XLSX workbooks.

Import is all or nothing: every row goes through ``package_create`` /
``package_update`` — the very validation the API applies, the schema's
cross-field rules included — inside one database transaction with
``defer_commit``; the transaction is committed only when no row failed (and
the call is not a dry run), otherwise rolled back, so nothing is written.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.cqgov.spreadsheet import workbook as wb
from ckanext.cqgov.spreadsheet.layout import OWNER_ORG, PROVIDER_CODE, catalog_layout

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS_OPTION = "ckanext.cqgov.spreadsheet.max_rows"
MAX_BYTES_OPTION = "ckanext.cqgov.spreadsheet.max_bytes"
RESOURCE_CODE = "resource_code"
#: Page size when exporting through package_search.
EXPORT_PAGE = 500


# --- messages ---------------------------------------------------------------


def _messages() -> dict[str, str]:
    _ = tk._
    return {
        "not_xlsx": _(
            "The file is not an Excel workbook (.xlsx). Download the "
            "template, fill it in and upload it again."
        ),
        "too_large": _(
            "The file is larger than {max_bytes} bytes. Split it into several files."
        ),
        "too_many_rows": _(
            "The sheet “{sheet}” has more than {max_rows} rows. "
            "Split it into several files."
        ),
        "empty_sheet": _("The sheet “{sheet}” is empty."),
        "no_entry_sheet": _("The workbook has no sheet “{sheet}”."),
        "no_rows": _("The file holds no catalog entries."),
        "no_file": _("Choose an .xlsx file to upload."),
        "unknown_header": _(
            "Unknown column “{header}”. Use the columns of the template."
        ),
        "duplicate_header": _("The column “{header}” appears twice."),
        "missing_header": _("The required column “{header}” is missing."),
        "bad_choice": _("“{value}” is not an allowed value. Choose one of: {allowed}."),
        "bad_date": _("“{value}” is not a date. Write it as YYYY-MM-DD."),
        "bad_integer": _("“{value}” is not a whole number."),
        "duplicate_key": _("The No. “{key}” was already used in row {first_row}."),
        "unknown_entry": _("No row of the catalog sheet has the No. “{key}”."),
        "unknown_provider": _(
            "No department “{value}” is known. Write its name "
            "or its unified social credit code."
        ),
        "ambiguous_provider": _(
            "Several departments are called “{value}”. Fill "
            "in the provider code (unified social credit "
            "code)."
        ),
        "provider_mismatch": _(
            "The provider “{value}” does not have the code “{code}”."
        ),
        "no_provider": _("Fill in the provider (信息资源提供方)."),
        "duplicate_entry": _("This row describes the same entry as row {first_row}."),
        "not_authorized": _(
            "You may not create or edit catalog entries of this "
            "department. Ask its administrator to make you an "
            "editor."
        ),
    }


def _message(code: str, params: dict[str, Any]) -> str:
    template = _messages().get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def _language() -> str:
    try:
        lang = tk.h.lang() or "zh"
    except (RuntimeError, AttributeError, TypeError):
        lang = "zh"
    return "zh" if lang.startswith("zh") else lang.split("_")[0]


def _label(column: wb.Column | None, lang: str) -> str | None:
    if column is None:
        return None
    return column.labels.get(lang) or column.labels.get("zh") or column.key


def _report(
    error: wb.CellError, layout: wb.Layout, message: str | None = None
) -> dict[str, Any]:
    lang = _language()
    columns = {c.key: c for c in layout.columns}
    columns[wb.KEY] = layout.key_column()
    for sub in layout.subtables:
        if error.sheet == sub.sheet:
            columns = {c.key: c for c in sub.columns}
            columns[wb.KEY] = layout.parent_key_column()
    column = columns.get(error.field or "")
    return {
        "sheet": error.sheet,
        "row": error.row,
        "column": error.column,
        "cell": error.cell,
        "field": error.field if error.field != wb.KEY else None,
        "label": _label(column, lang),
        "message": message or _message(error.code, error.params),
    }


def _fail(reports: list[dict[str, Any]]) -> tk.ValidationError:
    summary = tk._("The file has {count} error(s); nothing was imported.").format(
        count=len(reports)
    )
    return tk.ValidationError({"file": [summary], "errors": reports})


def _file_error(code: str, **params: Any) -> tk.ValidationError:
    message = _message(code, params)
    return tk.ValidationError(
        {
            "file": [message],
            "errors": [
                {
                    "sheet": None,
                    "row": None,
                    "column": None,
                    "cell": None,
                    "field": None,
                    "label": None,
                    "message": message,
                }
            ],
        }
    )


# --- reading the upload -----------------------------------------------------


def _max_rows() -> int:
    return tk.config.get(MAX_ROWS_OPTION)


def _max_bytes() -> int:
    return tk.config.get(MAX_BYTES_OPTION)


def _upload_bytes(upload: Any) -> bytes:
    """The uploaded file's bytes (werkzeug FileStorage, cgi field, bytes or a
    base64 string), reading at most one byte more than allowed."""
    limit = _max_bytes() + 1
    if upload is None or upload == "":
        raise _file_error("no_file")
    if isinstance(upload, bytes):
        return upload[:limit]
    if isinstance(upload, str):
        try:
            return base64.b64decode(upload, validate=True)[:limit]
        except ValueError as exc:
            raise _file_error("not_xlsx") from exc
    stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
    if stream is None and hasattr(upload, "read"):
        stream = upload
    if stream is None:
        raise _file_error("no_file")
    return stream.read(limit)


# --- providers and existing entries -----------------------------------------


class _Providers:
    """Resolves the provider cells (name, title, id or USCC) to organizations."""

    def __init__(self) -> None:
        self._orgs = (
            model.Session.query(model.Group)
            .filter(model.Group.is_organization.is_(True))
            .filter(model.Group.state == model.State.ACTIVE)
            .all()
        )
        self._uscc = {}
        for org in self._orgs:
            code = (org.extras or {}).get("uscc")
            if code:
                self._uscc[str(code).strip().upper()] = org

    def uscc_of(self, org_id: str) -> str:
        for code, org in self._uscc.items():
            if org.id == org_id:
                return code
        return ""

    def resolve(self, value: str, code: str) -> tuple[model.Group | None, str | None]:
        by_code = self._uscc.get(code.strip().upper()) if code else None
        if code and by_code is None:
            return None, "unknown_provider"
        if not value:
            return by_code, None
        matches = [o for o in self._orgs if value in (o.id, o.name)]
        if not matches:
            matches = [o for o in self._orgs if (o.title or "").strip() == value]
        if by_code is not None:
            return (
                (by_code, None) if by_code in matches else (None, "provider_mismatch")
            )
        if not matches:
            return None, "unknown_provider"
        if len(matches) > 1:
            return None, "ambiguous_provider"
        return matches[0], None


def _entry_by_code(code: str) -> model.Package | None:
    return (
        model.Session.query(model.Package)
        .join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
        .filter(model.PackageExtra.key == RESOURCE_CODE)
        .filter(model.PackageExtra.value == code)
        .filter(model.Package.state == model.State.ACTIVE)
        .filter(model.Package.type == "dataset")
        .first()
    )


def _existing_entry(values: dict[str, Any]) -> model.Package | None:
    code = values.get(RESOURCE_CODE)
    if code:
        pkg = _entry_by_code(code)
        if pkg is not None:
            return pkg
    name = values.get("name")
    if name:
        pkg = model.Package.get(name)
        if pkg is not None and pkg.state == model.State.ACTIVE:
            return pkg
    return None


# --- import -----------------------------------------------------------------


@dataclass
class _Plan:
    row: wb.Row
    data: dict[str, Any]
    existing: model.Package | None


def _default_owner_org(context: Context, data_dict: DataDict) -> str:
    owner_org = data_dict.get("owner_org") or ""
    if owner_org:
        return owner_org
    orgs = tk.get_action("organization_list_for_user")(
        {"user": context["user"]}, {"permission": "create_dataset"}
    )
    return orgs[0]["id"] if len(orgs) == 1 else ""


def _plan_rows(
    context: Context,
    data_dict: DataDict,
    layout: wb.Layout,
    parsed: wb.Parsed,
    errors: list[dict[str, Any]],
) -> list[_Plan]:
    providers = _Providers()
    default_org = _default_owner_org(context, data_dict)
    plans: list[_Plan] = []
    seen: dict[str, int] = {}
    for row in parsed.rows:
        values = {
            k: v for k, v in row.values.items() if k not in (OWNER_ORG, PROVIDER_CODE)
        }
        sheet = layout.sheet
        provider_cell = row.cells.get(OWNER_ORG) or row.cells.get(PROVIDER_CODE)
        org_value = row.values.get(OWNER_ORG) or default_org
        org, code = providers.resolve(org_value, row.values.get(PROVIDER_CODE) or "")
        if code or org is None:
            err = wb.CellError(
                sheet,
                row.number,
                _letter(provider_cell),
                OWNER_ORG,
                code or "no_provider",
                {"value": org_value, "code": row.values.get(PROVIDER_CODE) or ""},
            )
            errors.append(_report(err, layout))
            continue
        existing = _existing_entry(values)
        identity = (
            existing.id if existing else values.get(RESOURCE_CODE) or values.get("name")
        )
        if identity:
            if identity in seen:
                err = wb.CellError(
                    sheet,
                    row.number,
                    "A",
                    wb.KEY,
                    "duplicate_entry",
                    {"first_row": seen[identity]},
                )
                errors.append(_report(err, layout))
                continue
            seen[identity] = row.number
        data = _entry_data(layout, parsed, row, values, existing, org.id)
        plans.append(_Plan(row, data, existing))
    return plans


def _letter(cell: str | None) -> str | None:
    return cell.rstrip("0123456789") if cell else None


def _entry_data(layout, parsed, row, values, existing, org_id) -> dict[str, Any]:
    if existing is not None:
        data = tk.get_action("package_show")(
            {"ignore_auth": True, "for_update": True}, {"id": existing.id}
        )
        for key, value in values.items():
            if value in ("", []) and (key == RESOURCE_CODE or not data.get(key)):
                continue  # an empty code cell keeps the entry's code
            data[key] = value
    else:
        data = {k: v for k, v in values.items() if v not in ("", [], None)}
        data.setdefault("name", f"entry-{uuid.uuid4().hex[:12]}")
    data["owner_org"] = org_id
    for sub in layout.subtables:
        if sub.key in parsed.present_subtables:
            data[sub.key] = [
                {k: v for k, v in item.values.items() if v not in ("", [], None)}
                for item in row.subrows.get(sub.key, [])
            ]
    return data


def _validation_reports(
    error_dict: dict[str, Any], plan: _Plan, layout: wb.Layout
) -> list[dict[str, Any]]:
    reports = []
    subtables = {s.key: s for s in layout.subtables}
    row = plan.row
    for key, messages in error_dict.items():
        if (
            key in subtables
            and isinstance(messages, list)
            and any(isinstance(m, dict) for m in messages)
        ):
            subrows = row.subrows.get(key, [])
            for index, item_errors in enumerate(messages):
                if not isinstance(item_errors, dict):
                    continue
                item = subrows[index] if index < len(subrows) else None
                for sub_key, sub_messages in item_errors.items():
                    cell = item.cells.get(sub_key) if item else None
                    err = wb.CellError(
                        subtables[key].sheet if item else layout.sheet,
                        item.number if item else row.number,
                        _letter(cell),
                        sub_key,
                        "validation",
                    )
                    reports.append(_report(err, layout, _join(sub_messages)))
            continue
        cell = row.cells.get(key)
        if key == OWNER_ORG:
            cell = cell or row.cells.get(PROVIDER_CODE)
        err = wb.CellError(layout.sheet, row.number, _letter(cell), key, "validation")
        report = _report(err, layout, _join(messages))
        if report["label"] is None:
            report["message"] = f"{key}: {report['message']}"
        reports.append(report)
    return reports


def _join(messages: Any) -> str:
    if isinstance(messages, (list, tuple)):
        return " ".join(_join(m) for m in messages)
    if isinstance(messages, dict):
        return " ".join(f"{k}: {_join(v)}" for k, v in messages.items())
    return str(messages)


def _write_all(
    context: Context, plans: list[_Plan], layout: wb.Layout
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    done, errors = [], []
    for plan in plans:
        row_context: Context = {
            "user": context["user"],
            "defer_commit": True,
            "return_id_only": True,
            "ignore_auth": context.get("ignore_auth", False),
        }
        action = "package_update" if plan.existing else "package_create"
        try:
            entry_id = tk.get_action(action)(row_context, dict(plan.data))
        except tk.ValidationError as exc:
            errors.extend(_validation_reports(exc.error_dict, plan, layout))
            continue
        except tk.NotAuthorized:
            cell = plan.row.cells.get(OWNER_ORG) or plan.row.cells.get(PROVIDER_CODE)
            err = wb.CellError(
                layout.sheet,
                plan.row.number,
                _letter(cell),
                OWNER_ORG,
                "not_authorized",
            )
            errors.append(_report(err, layout))
            continue
        done.append(
            {
                "row": plan.row.number,
                "id": entry_id,
                "name": plan.data.get("name"),
                "title": plan.data.get("title"),
                "resource_code": plan.data.get(RESOURCE_CODE),
                "action": "updated" if plan.existing else "created",
            }
        )
    return done, errors


def catalog_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Create or update catalog entries from a filled XLSX template.

    Every row is validated first, through ``package_create`` /
    ``package_update`` exactly as the API validates them; nothing is written
    unless the whole file is valid. A row updates the existing entry with the
    same ``resource_code`` (or, failing that, the same ``name``) and creates a
    new entry otherwise. Columns missing from the sheet are left unchanged on
    updated entries; an empty cell clears the field (an empty resource code
    cell keeps the entry's code). When the data item sheet is present, it
    replaces the data items of every entry in the file.

    :param upload: the .xlsx file (multipart upload; base64 text is accepted
        too)
    :param owner_org: the department (id or name) of rows whose provider cell
        is empty (optional; defaults to the user's only department)
    :type owner_org: string
    :param dry_run: only validate, write nothing (optional, default ``false``)
    :type dry_run: bool

    :returns: ``{"dry_run", "created", "updated", "entries"}``, ``entries``
        listing each row's ``row``, ``id``, ``name``, ``title``,
        ``resource_code`` and ``action`` (``created`` or ``updated``)
    :rtype: dict

    :raises ValidationError: (409) the file is not an .xlsx workbook, too large,
        has too many rows or wrong headers, or any cell or row is invalid:
        ``error.errors`` lists every problem as ``{"sheet", "row", "column",
        "cell", "field", "label", "message"}`` (messages in the request's
        language)
    :raises NotAuthorized: (403) the user may not create entries in any
        department
    """
    tk.check_access("cqgov_catalog_import", context, data_dict)
    try:
        dry_run = tk.asbool(data_dict.get("dry_run", False))
    except ValueError as exc:
        raise tk.ValidationError({"dry_run": [tk._("Use true or false.")]}) from exc
    data = _upload_bytes(data_dict.get("upload"))
    layout = catalog_layout()
    try:
        parsed = wb.read_workbook(
            layout, data, max_rows=_max_rows(), max_bytes=_max_bytes()
        )
    except wb.WorkbookError as exc:
        raise _file_error(exc.code, **exc.params) from exc
    if parsed.errors:
        raise _fail([_report(e, layout) for e in parsed.errors])
    if not parsed.rows:
        raise _file_error("no_rows")

    errors: list[dict[str, Any]] = []
    plans = _plan_rows(context, data_dict, layout, parsed, errors)
    try:
        done, write_errors = _write_all(context, plans, layout)
        errors.extend(write_errors)
    except Exception:
        model.Session.rollback()
        raise
    if errors or dry_run:
        model.Session.rollback()
    else:
        model.repo.commit()
    if errors:
        errors.sort(key=lambda e: (e["sheet"] != layout.sheet, e["row"] or 0))
        raise _fail(errors)
    return {
        "dry_run": dry_run,
        "created": sum(1 for d in done if d["action"] == "created"),
        "updated": sum(1 for d in done if d["action"] == "updated"),
        "entries": done,
    }


# --- export -----------------------------------------------------------------


def _visible_entries(context: Context, owner_org: str | None) -> list[dict]:
    fq = "+dataset_type:dataset"
    if owner_org:
        fq += f' +owner_org:"{owner_org}"'
    entries: list[dict] = []
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {"user": context.get("user")},
            {
                "q": "*:*",
                "fq": fq,
                "rows": EXPORT_PAGE,
                "start": start,
                "sort": "name asc",
                "include_private": True,
            },
        )
        entries.extend(result["results"])
        start += EXPORT_PAGE
        if start >= result["count"] or not result["results"]:
            return entries


def _export_values(
    entry: dict, layout: wb.Layout, providers: _Providers
) -> dict[str, Any]:
    values = {c.key: entry.get(c.key) for c in layout.columns}
    if "tag_string" in values and not values["tag_string"]:
        values["tag_string"] = ",".join(t["name"] for t in entry.get("tags") or [])
    org = entry.get("organization") or {}
    values[OWNER_ORG] = org.get("title") or org.get("name")
    values[PROVIDER_CODE] = providers.uscc_of(entry.get("owner_org") or "")
    for sub in layout.subtables:
        values[sub.key] = entry.get(sub.key) or []
    return values


def export_workbook(context: Context, owner_org: str | None) -> tuple[bytes, int]:
    """The XLSX bytes of the entries the user may see, and how many there are."""
    org_id = None
    if owner_org:
        org = model.Group.get(owner_org)
        if org is None or not org.is_organization or org.state != "active":
            raise tk.ObjectNotFound(tk._("Department not found"))
        org_id = org.id
    layout = catalog_layout()
    providers = _Providers()
    entries = _visible_entries(context, org_id)
    rows = [_export_values(e, layout, providers) for e in entries]
    return wb.write_workbook(layout, rows), len(rows)


def export_filename(owner_org: str | None) -> str:
    today = dt.date.today().isoformat()
    org = model.Group.get(owner_org) if owner_org else None
    return f"catalog-{org.name if org else 'all'}-{today}.xlsx"


@tk.side_effect_free
def catalog_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Export catalog entries as an XLSX workbook in the import template's format.

    Only entries the requester may see are exported (the same visibility as
    ``package_search``). The download view ``/catalog/export.xlsx`` serves the
    same file directly.

    :param owner_org: a department's id or name: export only its entries
        (optional; default all visible entries)
    :type owner_org: string

    :returns: ``{"filename", "media_type", "count", "content"}``, ``content``
        being the workbook, base64-encoded
    :rtype: dict

    :raises ObjectNotFound: (404) no such department
    """
    tk.check_access("cqgov_catalog_export", context, data_dict)
    owner_org = data_dict.get("owner_org") or None
    content, count = export_workbook(context, owner_org)
    return {
        "filename": export_filename(owner_org),
        "media_type": XLSX_MEDIA_TYPE,
        "count": count,
        "content": base64.b64encode(content).decode("ascii"),
    }


@tk.side_effect_free
def catalog_template(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The empty XLSX import template (columns of the current catalog schema).

    :returns: ``{"filename", "media_type", "content"}``, ``content`` being the
        workbook, base64-encoded
    :rtype: dict
    """
    tk.check_access("cqgov_catalog_template", context, data_dict)
    return {
        "filename": "catalog-template.xlsx",
        "media_type": XLSX_MEDIA_TYPE,
        "content": base64.b64encode(template_bytes()).decode("ascii"),
    }


def template_bytes() -> bytes:
    return wb.write_workbook(catalog_layout(), [])


# --- auth -------------------------------------------------------------------


def catalog_import_auth(context: Context, data_dict: DataDict) -> AuthResult:
    user = context.get("user")
    if user and authz.has_user_permission_for_some_org(user, "create_dataset"):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._(
            "Only editors of a department may import catalog entries. "
            "Log in, or ask your department's administrator to make you "
            "an editor."
        ),
    }


@tk.auth_allow_anonymous_access
def catalog_read_auth(context: Context, data_dict: DataDict) -> AuthResult:
    # What is exported is filtered by package_search's visibility rules.
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {
        "cqgov_catalog_import": catalog_import,
        "cqgov_catalog_export": catalog_export,
        "cqgov_catalog_template": catalog_template,
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "cqgov_catalog_import": catalog_import_auth,
        "cqgov_catalog_export": catalog_read_auth,
        "cqgov_catalog_template": catalog_read_auth,
    }
