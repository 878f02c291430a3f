"""Attachments of error reports: stored under CKAN's storage path, served only
to those who may see the report (not as public static files)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import ckan.plugins.toolkit as tk
from ckan.plugins.toolkit import _

CHUNK = 64 * 1024


def _directory() -> Path | None:
    from ckan.lib.uploader import get_storage_path

    root = get_storage_path()
    if not root:
        return None
    path = Path(root) / "storage" / "cqgov_workflow"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_upload(value) -> bool:
    return bool(getattr(value, "filename", None)) and hasattr(value, "stream")


def store(upload, field: str = "attachment_upload") -> dict:
    """Save an uploaded file; return what the item records about it. Bad
    uploads raise ``ValidationError`` on ``field`` and leave nothing behind."""
    directory = _directory()
    if directory is None:
        raise tk.ValidationError({field: [_("Attachments cannot be stored here.")]})
    limit = tk.config.get("ckanext.cqgov.workflow.attachment_max_mb") * 1024 * 1024
    stored = uuid.uuid4().hex
    target = directory / stored
    partial = directory / f"{stored}.part"
    size = 0
    try:
        with open(partial, "wb") as out:
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise tk.ValidationError(
                        {field: [_("The attachment is too large.")]}
                    )
                out.write(chunk)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    name = os.path.basename(upload.filename.replace("\\", "/"))[:200] or "attachment"
    return {"name": name, "stored": stored, "size": size}


def path_of(record: dict) -> Path | None:
    directory = _directory()
    stored = (record or {}).get("stored", "")
    if directory is None or not stored.isalnum():
        return None
    path = directory / stored
    return path if path.is_file() else None
