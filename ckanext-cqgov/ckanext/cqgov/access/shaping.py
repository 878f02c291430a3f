"""Shape package dicts for a viewer: hide what they may not see or fetch.

Used by ``after_dataset_show``, ``after_dataset_search`` and the activity
stream. Resources the viewer may not know of are removed; resources they may
see but not fetch lose their URL and carry ``cqgov_access`` (why, and where
to apply). Fields marked ``internal`` in the dataset schema are removed for
viewers outside the provider and its competent department.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ckan import model

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.checks import denial_info
from ckanext.cqgov.access.subjects import (
    _org_extras,
    entry_for,
    now,
    resource_info,
    viewer_grants,
)

#: Keys of a resource dict that point at or hold its data.
DATA_KEYS = ("url", "cache_url", "datastore_active_url")
#: Internal fields when the schema cannot be read (it always marks these).
DEFAULT_INTERNAL_FIELDS = ("source_system",)
#: Search-result keys that summarize resources or hold the raw package dict
#: (reachable through package_search's ``fl``).
RESULT_RESOURCE_KEYS = ("data_dict", "validated_data_dict", "urls", "text")


def entries_for(package_dicts: Iterable[dict[str, Any]]) -> dict[str, policy.Entry]:
    """Policy entries for package dicts, read from the database (one query
    each for packages, their catalog fields and their owners' extras).

    The database, not the dict, is the source: a search result may be stale
    or partial (``fl``).
    """
    ids = [d["id"] for d in package_dicts if d.get("id")]
    if not ids:
        return {}
    packages = model.Session.query(model.Package).filter(model.Package.id.in_(ids))
    rows = {}
    for pkg in packages:
        rows[pkg.id] = {
            "id": pkg.id,
            "owner_org": pkg.owner_org,
            "private": pkg.private,
        }
    extras = (
        model.Session.query(
            model.PackageExtra.package_id,
            model.PackageExtra.key,
            model.PackageExtra.value,
        )
        .filter(model.PackageExtra.package_id.in_(list(rows)))
        .filter(model.PackageExtra.state == "active")
        .filter(
            model.PackageExtra.key.in_(["catalog_status", "share_type", "open_type"])
        )
    )
    for package_id, key, value in extras:
        rows[package_id][key] = value
    owners = _org_extras(
        sorted({r["owner_org"] for r in rows.values() if r["owner_org"]})
    )
    return {
        pid: entry_for(values, owners.get(values["owner_org"], {}))
        for pid, values in rows.items()
    }


def internal_fields() -> tuple[str, ...]:
    """The dataset fields marked ``internal: true`` in the scheming schema."""
    try:
        from ckanext.scheming.helpers import scheming_get_dataset_schema

        schema = scheming_get_dataset_schema("dataset")
    except Exception:  # scheming not loaded (unit tests): the known fields
        schema = None
    if not schema:
        return DEFAULT_INTERNAL_FIELDS
    return tuple(
        field["field_name"]
        for field in schema.get("dataset_fields", [])
        if field.get("internal")
    )


def strip_internal_fields(
    viewer: policy.Viewer, entry: policy.Entry, package: dict[str, Any]
) -> bool:
    """Remove the internal fields (and their index copies) from ``package``
    unless ``viewer`` may see them; True when nothing was removed."""
    if policy.can_see_internal_fields(viewer, entry):
        return True
    complete = True
    for name in internal_fields():
        for key in (name, "extras_" + name):
            if key in package:
                del package[key]
                complete = False
        extras = package.get("extras")
        if isinstance(extras, list):
            kept = [
                e for e in extras if not (isinstance(e, dict) and e.get("key") == name)
            ]
            if len(kept) != len(extras):
                package["extras"] = kept
                complete = False
    return complete


def shape_package(
    viewer: policy.Viewer,
    entry: policy.Entry,
    package: dict[str, Any],
    grants: list[policy.Grant],
) -> bool:
    """Strip ``package`` in place for ``viewer``; True when nothing was hidden."""
    moment = now()
    complete = strip_internal_fields(viewer, entry, package)
    kept = []
    for resource in package.get("resources") or []:
        info = resource_info(resource)
        if not policy.can_see_resource(viewer, entry, info):
            complete = False
            continue
        decision = policy.can_access_data(viewer, entry, info, grants, moment)
        if not decision:
            complete = False
            for key in DATA_KEYS:
                if key in resource:
                    resource[key] = ""
            resource["cqgov_access"] = denial_info(
                decision, package.get("name") or entry.id
            )
        kept.append(resource)
    if "resources" in package:
        package["resources"] = kept
        package["num_resources"] = len(kept)
    return complete


def shape_search_result(
    viewer: policy.Viewer,
    entry: policy.Entry | None,
    result: dict[str, Any],
    grants: list[policy.Grant],
) -> None:
    """Strip one package_search result (a full dict or an ``fl`` selection)."""
    if entry is None:
        complete = False
    else:
        complete = shape_package(viewer, entry, result, grants)
        if "resources" not in result:
            # An ``fl`` selection: its resource summaries cannot be checked
            # one by one, so they stay only for a viewer who may fetch all.
            complete = viewer.is_sysadmin or viewer.is_member_of(entry.owner_org)
    if complete:
        return
    for key in list(result):
        if key.startswith("res_") or key in RESULT_RESOURCE_KEYS:
            del result[key]


def shape_results(viewer: policy.Viewer, results: list[dict[str, Any]]) -> list[dict]:
    """Shape every search result for ``viewer``. Which entries appear at all
    is decided by the permission labels (counts and facets included)."""
    entries = entries_for(results)
    grants = viewer_grants(viewer, list(entries))
    for result in results:
        shape_search_result(viewer, entries.get(result.get("id")), result, grants)
    return results
