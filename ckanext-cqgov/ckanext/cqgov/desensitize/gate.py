"""The publish gate's rules (pure): which uploads are scanned, what counts as
sensitive, and the message that refuses opening a sensitive resource."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from ckanext.cqgov.desensitize import columns as colplan
from ckanext.cqgov.desensitize import detectors

SCANNED_OPEN_TYPES = ("proactive", "on_application")
FORMATS = {"csv": "csv", "txt": "csv", "xlsx": "xlsx", "json": "json", "ndjson": "json"}
# A unified social credit code identifies a legal person and is public
# (enterprise credit publicity): it is detected, reported and masked in the
# copies, but alone it does not make a file sensitive.
SENSITIVE_KINDS = (
    frozenset(detectors.TEXT_KINDS) | frozenset(colplan.SENSITIVE_CATEGORIES)
) - {"uscc"}
DERIVED_FROM = "derived_from"

# Job states of the desensitization of one original resource.
QUEUED, RUNNING, CLEAN, DONE, REFUSED, FAILED, UNSUPPORTED = (
    "queued",
    "running",
    "clean",
    "done",
    "refused",
    "failed",
    "unsupported",
)
STATES = (QUEUED, RUNNING, CLEAN, DONE, REFUSED, FAILED, UNSUPPORTED)


def data_format(resource: dict[str, Any]) -> str | None:
    """``csv``/``xlsx``/``json`` from the resource's format or file name."""
    fmt = (resource.get("format") or "").strip().lower()
    if fmt in FORMATS:
        return FORMATS[fmt]
    ext = os.path.splitext((resource.get("url") or "").split("?")[0])[1]
    return FORMATS.get(ext.lstrip(".").lower())


def needs_scan(open_type: str | None, resource: dict[str, Any]) -> bool:
    """An uploaded file of an entry that is (or may be) opened, unless it is
    itself a desensitized derivative."""
    return (
        open_type in SCANNED_OPEN_TYPES
        and resource.get("url_type") == "upload"
        and not resource.get(DERIVED_FROM)
    )


def findings(report: dict[str, Any]) -> dict[str, int]:
    """Sensitive findings per kind over all columns of an engine report."""
    total: Counter = Counter()
    for column in report.get("columns", []):
        for kind, count in column.get("findings", {}).items():
            if kind in SENSITIVE_KINDS and count:
                total[kind] += count
    return dict(total)


def declared_categories(data_items: Any) -> dict[str, str]:
    """Column name → category from the entry's data items (``name`` and
    ``sensitive_category``); unknown categories are ignored."""
    declared = {}
    for item in data_items if isinstance(data_items, list) else []:
        if not isinstance(item, dict):
            continue
        name, category = item.get("name"), item.get("sensitive_category")
        if name and category in colplan.CATEGORIES:
            declared[str(name)] = category
    return declared


def describe_findings(found: dict[str, int], label=None) -> str:
    """``resident_id ×12, mobile ×3`` (most frequent first); ``label`` turns
    a kind into the user's-language name (``身份证号 ×12``)."""
    items = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    name = label or (lambda kind: kind)
    return ", ".join(f"{name(kind)} ×{count}" for kind, count in items)
