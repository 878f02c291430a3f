"""CKAN adapter of the publish gate: resource hooks, the background job, the
``audience`` validator, actions and auth functions.

Flow: an upload to an entry whose ``open_type`` is ``proactive`` or
``on_application`` is held as ``audience: share`` and a job is queued. The
job runs the engine on the file; when nothing sensitive is found the
requested audience is restored; otherwise the original stays ``share`` and
desensitized derivatives (CSV, JSON, XLSX; ``audience: open``,
``derived_from`` the original) are created or replaced in place. A failed or
killed job publishes nothing and can be run again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from typing import Any

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict
from werkzeug.datastructures import FileStorage

from ckanext.cqgov.desensitize import engine, gate, labels
from ckanext.cqgov.desensitize.model import DesensitizeJob, utcnow
from ckanext.cqgov.translation import site_text

log = logging.getLogger(__name__)

SKIP = "cqgov_desensitize_skip"  # context flag: changes made by the gate itself
_REQUESTED = "cqgov_desensitize_requested"
_SCAN = "cqgov_desensitize_scan"
_CLEAN_REPORT = "cqgov_desensitize_clean_report"
# Uploads up to this size are scanned while they are saved (a clean one
# keeps its audience at once); larger ones wait for the background job.
INLINE_SCAN_BYTES = 2 * 1024 * 1024
FORMATS = ("csv", "json", "xlsx")
_MEDIA = {"csv": "text/csv", "json": "application/json", "xlsx": None}
DATASTORE_BATCH_ROWS = 10_000


# -- hooks -------------------------------------------------------------------


def _open_type(package_id: str) -> str | None:
    pkg = model.Package.get(package_id)
    return pkg.extras.get("open_type") if pkg is not None else None


def _has_new_upload(resource: dict[str, Any]) -> bool:
    upload = resource.get("upload")
    return bool(getattr(upload, "filename", None)) or isinstance(upload, FileStorage)


def before_create(context: Context, resource: dict[str, Any]) -> None:
    if context.get(SKIP):
        return
    _hold(context, resource, _open_type(resource.get("package_id", "")))


def before_update(context: Context, current: dict[str, Any], resource: dict) -> None:
    if context.get(SKIP) or not _has_new_upload(resource):
        return
    _hold(context, resource, _open_type(current.get("package_id", "")))


def _hold(context: Context, resource: dict[str, Any], open_type: str | None) -> None:
    probe = dict(resource)
    if _has_new_upload(resource):
        probe["url_type"] = "upload"
    if not gate.needs_scan(open_type, probe):
        return
    context[_SCAN] = True
    context[_REQUESTED] = resource.get("audience") or "share"
    report = _inline_scan(resource)
    if report is not None and not gate.findings(report):
        # A small clean file keeps the audience asked for at once.
        context[_CLEAN_REPORT] = report
        return
    # Until the scan is done the file is government-only.
    resource["audience"] = "share"


def _inline_scan(resource: dict[str, Any]) -> dict | None:
    """Scans a small upload while it is being saved; ``None`` for large or
    unreadable files (the background job handles those)."""
    upload = resource.get("upload")
    stream = getattr(upload, "stream", None)
    fmt = gate.data_format({**resource, "url": getattr(upload, "filename", "") or ""})
    if stream is None or fmt is None or not hasattr(stream, "seek"):
        return None
    start = stream.tell()
    data = stream.read(INLINE_SCAN_BYTES + 1)
    stream.seek(start)
    if len(data) > INLINE_SCAN_BYTES:
        return None
    workdir = tempfile.mkdtemp(prefix="cqgov-desensitize-")
    try:
        source = os.path.join(workdir, f"upload.{fmt}")
        with open(source, "wb") as fh:
            fh.write(data)
        options = _settings()
        options.formats = ()
        package = model.Package.get(resource.get("package_id") or "")
        if package is not None:
            options.declared = gate.declared_categories(
                _data_items(package.extras.get("data_items"))
            )
        return engine.run(source, fmt, workdir, "scan", options).report
    except Exception:  # unreadable here: let the job report it
        log.warning("inline desensitization scan failed", exc_info=True)
        return None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _data_items(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return None
    return raw


def after_change(context: Context, resource: dict[str, Any]) -> None:
    if context.get(SKIP) or not context.pop(_SCAN, False):
        return
    requested = context.pop(_REQUESTED, "share")
    report = context.pop(_CLEAN_REPORT, None)
    if report is not None:
        _record_clean(resource["id"], resource["package_id"], requested, report)
        return
    enqueue(resource["id"], resource["package_id"], requested, False)


def _record_clean(resource_id: str, package_id: str, requested: str, report: dict):
    job = DesensitizeJob.get(resource_id)
    if job is None:
        job = DesensitizeJob(resource_id=resource_id, package_id=package_id)
        model.Session.add(job)
    job.requested_audience = requested
    job.accept_suppression = False
    job.derivatives = job.derivatives or {}
    job.error = None
    _save(job, status=gate.CLEAN, progress=100, findings={}, report=report)


def enqueue(resource_id: str, package_id: str, requested: str, accept: bool) -> dict:
    job = DesensitizeJob.get(resource_id)
    if job is None:
        job = DesensitizeJob(resource_id=resource_id, package_id=package_id)
        model.Session.add(job)
    job.status = gate.QUEUED
    job.progress = 0
    job.error = None
    job.requested_audience = requested
    job.accept_suppression = accept
    job.findings = job.findings or {}
    job.derivatives = job.derivatives or {}
    job.updated = utcnow()
    model.Session.commit()
    tk.enqueue_job(
        run_job,
        [resource_id],
        title=f"cqgov desensitize {resource_id}",
        rq_kwargs={"timeout": 6 * 3600},
    )
    return job.as_dict()


# -- validator -----------------------------------------------------------------


def audience_gate(key, data, errors, context) -> None:
    """``audience: open`` is refused for a resource whose last scan found
    sensitive data (the message names the findings)."""
    if data.get(key) != "open" or context.get(SKIP):
        return
    rid = data.get(key[:-1] + ("id",))
    if not rid:
        return
    job = DesensitizeJob.get(rid)
    if job is None:
        return
    if job.findings or job.status in (gate.QUEUED, gate.RUNNING, gate.FAILED):
        found = gate.describe_findings(job.findings or {}, labels.kind_label)
        if found:
            msg = tk._(
                "This resource holds sensitive data ({findings}); it cannot be "
                "opened. Publish its desensitized copy instead."
            ).format(findings=found)
        else:
            msg = tk._(
                "This resource has not been checked for sensitive data yet "
                "(status: {status}); it can be opened once the check is done."
            ).format(status=job.status)
        errors[key].append(msg)


# -- the job ---------------------------------------------------------------------


def _site_context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True, SKIP: True}


def _settings() -> engine.Options:
    return engine.options_from_settings(
        operators_spec=tk.config.get("ckanext.cqgov.desensitize.operators") or "",
        secret=tk.config.get("ckanext.cqgov.desensitize.secret") or "",
        k_min=int(tk.config.get("ckanext.cqgov.desensitize.k_min") or 5),
        chunk_mib=int(tk.config.get("ckanext.cqgov.desensitize.chunk_mib") or 16),
    )


def _save(job: DesensitizeJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.updated = utcnow()
    model.Session.commit()


def run_job(resource_id: str) -> str:
    """The background job: scan, then publish a clean original or the
    desensitized derivatives. Returns the final state."""
    job = DesensitizeJob.get(resource_id)
    if job is None:
        return "missing"
    _save(job, status=gate.RUNNING, progress=0, attempts=(job.attempts or 0) + 1)
    out_dir = tempfile.mkdtemp(prefix="cqgov-desensitize-")
    try:
        state = _run(job, out_dir)
    except Exception as exc:  # anything: record it, publish nothing
        log.exception("desensitization of %s failed", resource_id)
        model.Session.rollback()
        job = DesensitizeJob.get(resource_id)
        _save(job, status=gate.FAILED, error=str(exc)[:2000])
        state = gate.FAILED
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return state


def _run(job: DesensitizeJob, out_dir: str) -> str:
    context = _site_context()
    resource = tk.get_action("resource_show")(dict(context), {"id": job.resource_id})
    package = tk.get_action("package_show")(
        dict(context), {"id": resource["package_id"]}
    )
    fmt = gate.data_format(resource)
    if fmt is None or resource.get("url_type") != "upload":
        _save(job, status=gate.UNSUPPORTED, progress=100, findings={})
        return gate.UNSUPPORTED
    from ckan.lib.uploader import get_resource_uploader

    path = get_resource_uploader(resource).get_path(resource["id"])
    options = _settings()
    options.declared = gate.declared_categories(package.get("data_items"))
    options.accept_suppression = bool(job.accept_suppression)

    def progress(done: int, total: int) -> None:
        percent = int(90 * done / total) if total else 90
        if percent >= (job.progress or 0) + 5:
            _save(job, progress=percent)

    options.progress = progress
    result = engine.run(path, fmt, out_dir, _base_name(resource), options)
    found = gate.findings(result.report)
    if result.status == "refused":
        _save(
            job, status=gate.REFUSED, report=result.report, findings=found, progress=100
        )
        return gate.REFUSED
    if not found:
        if job.requested_audience == "open" and resource.get("audience") != "open":
            tk.get_action("resource_patch")(
                dict(context), {"id": resource["id"], "audience": "open"}
            )
        _save(job, status=gate.CLEAN, report=result.report, findings={}, progress=100)
        return gate.CLEAN
    if resource.get("audience") != "share":
        tk.get_action("resource_patch")(
            dict(context), {"id": resource["id"], "audience": "share"}
        )
    derivatives = _publish(job, resource, result.outputs, context)
    if result.outputs.get("csv") and derivatives.get("csv"):
        result.report["datastore"] = _datastore_report(
            derivatives["csv"], result.outputs["csv"], package, context
        )
    _save(
        job,
        status=gate.DONE,
        report=result.report,
        findings=found,
        derivatives=derivatives,
        progress=100,
    )
    return gate.DONE


def _base_name(resource: dict[str, Any]) -> str:
    name = resource.get("name") or os.path.basename(resource.get("url") or "data")
    stem = os.path.splitext(name)[0] or "data"
    return "".join(c for c in stem if c not in '/\\:*?"<>|') or "data"


def _publish(
    job: DesensitizeJob, original: dict, outputs: dict[str, str], context: Context
) -> dict[str, str]:
    """Creates the derivatives, or replaces each one's file in place."""
    derivatives = dict(job.derivatives or {})
    # written by the job: in the portal's language, not the (absent) request's
    label = site_text(tk._("desensitized"))
    for fmt in FORMATS:
        path = outputs.get(fmt)
        if not path:
            continue
        filename = f"{_base_name(original)}-{label}.{fmt}"
        with open(path, "rb") as fh:
            upload = FileStorage(stream=fh, filename=filename, content_type=_MEDIA[fmt])
            data = {
                "package_id": original["package_id"],
                "name": f"{original.get('name') or filename}（{label}）{fmt.upper()}",
                "format": fmt.upper(),
                "audience": "open",
                gate.DERIVED_FROM: original["id"],
                "url": filename,
                "upload": upload,
            }
            existing = model.Resource.get(derivatives.get(fmt) or "")
            if existing is not None and existing.state != "deleted":
                data["id"] = existing.id
                tk.get_action("resource_update")(dict(context), data)
            else:
                created = tk.get_action("resource_create")(dict(context), data)
                derivatives[fmt] = created["id"]
    return derivatives


def _datastore_report(
    resource_id: str, csv_path: str, package: dict, context: Context
) -> dict[str, Any]:
    """Loads the CSV copy into the DataStore; a refusal there (e.g. a column
    name the DataStore does not accept) leaves the published files in place
    and is reported, not raised."""
    try:
        rows = load_datastore(resource_id, csv_path, package.get("data_items"), context)
    except tk.ValidationError as exc:
        log.warning("DataStore load of %s refused: %s", resource_id, exc.error_dict)
        return {"resource_id": resource_id, "error": str(exc.error_dict)[:2000]}
    return {"resource_id": resource_id, "rows": rows}


def datastore_fields(header: list[str], data_items: Any) -> list[dict[str, Any]]:
    """DataStore fields of a desensitized copy: every column as text (masked
    and generalized values are no longer numbers or dates), described by the
    entry's data item of the same name (the data dictionary)."""
    items = {
        str(item.get("name")): item
        for item in (data_items if isinstance(data_items, list) else [])
        if isinstance(item, dict) and item.get("name")
    }
    fields = []
    for column in header:
        item = items.get(column, {})
        notes = item.get("description") or ""
        if item.get("data_type"):
            notes = f"{notes} ({item['data_type']})".strip()
        fields.append(
            {"id": column, "type": "text", "info": {"label": column, "notes": notes}}
        )
    return fields


def load_datastore(
    resource_id: str, csv_path: str, data_items: Any, context: Context
) -> int:
    """Loads the desensitized CSV into the DataStore table of its resource
    (replacing an earlier load), so the public can query it through the API.
    Returns the number of rows loaded; nothing happens without the DataStore
    plugin."""
    import polars as pl
    from ckan import plugins

    if not plugins.plugin_loaded("datastore"):
        return 0
    reader = pl.read_csv_batched(
        csv_path, infer_schema_length=0, batch_size=DATASTORE_BATCH_ROWS
    )
    header = pl.read_csv(csv_path, n_rows=0, infer_schema_length=0).columns
    with contextlib.suppress(tk.ObjectNotFound):  # a first load
        tk.get_action("datastore_delete")(
            dict(context), {"resource_id": resource_id, "force": True}
        )
    tk.get_action("datastore_create")(
        dict(context),
        {
            "resource_id": resource_id,
            "force": True,
            "fields": datastore_fields(header, data_items),
        },
    )
    loaded = 0
    while batches := reader.next_batches(1):
        records = batches[0].to_dicts()
        tk.get_action("datastore_upsert")(
            dict(context),
            {
                "resource_id": resource_id,
                "force": True,
                "method": "insert",
                "records": records,
            },
        )
        loaded += len(records)
    return loaded


# -- actions ---------------------------------------------------------------------


def _job_or_404(resource_id: str) -> DesensitizeJob:
    job = DesensitizeJob.get(resource_id)
    if job is None:
        raise tk.ObjectNotFound(tk._("This resource has not been desensitized."))
    return job


def _resource_or_404(data_dict: DataDict) -> model.Resource:
    rid = data_dict.get("id")
    if not rid:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    resource = model.Resource.get(rid)
    if resource is None or resource.state == "deleted":
        raise tk.ObjectNotFound(tk._("Resource not found"))
    return resource


def desensitize_run(context: Context, data_dict: DataDict) -> dict:
    """Queue (or re-run) the desensitization of an uploaded resource.

    :param id: the original resource's id
    :type id: string
    :param accept_suppression: accept dropping the rows of quasi-identifier
        classes smaller than the configured k (default ``false``)
    :type accept_suppression: bool

    :returns: the job status (see ``cqgov_desensitize_status``)
    :rtype: dict
    :raises NotFound: no such resource
    :raises NotAuthorized: the user may not edit the entry
    :raises ValidationError: the resource is not an uploaded file or is
        itself a desensitized copy
    """
    resource = _resource_or_404(data_dict)
    tk.check_access("cqgov_desensitize_run", context, {"id": resource.id})
    if resource.url_type != "upload" or resource.extras.get(gate.DERIVED_FROM):
        raise tk.ValidationError(
            {"id": [tk._("Only uploaded original files can be desensitized.")]}
        )
    accept = tk.asbool(data_dict.get("accept_suppression", False))
    job = DesensitizeJob.get(resource.id)
    requested = job.requested_audience if job else resource.extras.get("audience")
    return enqueue(resource.id, resource.package_id, requested or "share", accept)


@tk.side_effect_free
def desensitize_status(context: Context, data_dict: DataDict) -> dict:
    """State of a resource's desensitization.

    :param id: the original resource's id
    :type id: string

    :returns: ``status`` (queued, running, clean, done, refused, failed,
        unsupported), ``progress`` (0–100), ``findings`` (sensitive findings
        per kind), ``derivatives`` (format → resource id), ``error``,
        ``attempts``, ``updated``
    :rtype: dict
    :raises NotFound: no such resource, or never desensitized
    :raises NotAuthorized: the user may not edit the entry
    """
    resource = _resource_or_404(data_dict)
    tk.check_access("cqgov_desensitize_status", context, {"id": resource.id})
    return _job_or_404(resource.id).as_dict()


@tk.side_effect_free
def desensitize_report(context: Context, data_dict: DataDict) -> dict:
    """The engine's report of the last desensitization of a resource.

    :param id: the original resource's id
    :type id: string

    :returns: ``status``, ``rows``, ``encoding``, ``columns`` (per column:
        ``category``, ``source``, ``findings`` per detector, ``operators``),
        ``residual`` (findings left in the output; always empty when
        published) and ``k_anonymity``
    :rtype: dict
    :raises NotFound: no such resource, or no report yet
    :raises NotAuthorized: the user may not edit the entry
    """
    resource = _resource_or_404(data_dict)
    tk.check_access("cqgov_desensitize_report", context, {"id": resource.id})
    job = _job_or_404(resource.id)
    if not job.report:
        raise tk.ObjectNotFound(
            tk._("No report yet (status: {status}).").format(status=job.status)
        )
    return dict(job.report)


def _may_edit(context: Context, data_dict: DataDict) -> dict:
    resource = model.Resource.get(data_dict.get("id") or "")
    if resource is None:
        return {"success": False, "msg": tk._("Resource not found")}
    try:
        tk.check_access("package_update", context, {"id": resource.package_id})
    except tk.NotAuthorized:
        return {
            "success": False,
            "msg": tk._(
                "Only the providing department's editors can see or run the "
                "desensitization of this resource."
            ),
        }
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {
        "cqgov_desensitize_run": desensitize_run,
        "cqgov_desensitize_status": desensitize_status,
        "cqgov_desensitize_report": desensitize_report,
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "cqgov_desensitize_run": _may_edit,
        "cqgov_desensitize_status": _may_edit,
        "cqgov_desensitize_report": _may_edit,
    }


def get_validators() -> dict[str, Any]:
    return {"cqgov_audience_gate": audience_gate}
