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

import sqlalchemy as sa
from ckan import model

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.checks import denial_info
from ckanext.cqgov.access.subjects import (
    ORG_EXTRAS,
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


#: The package extras a policy entry reads.
ENTRY_EXTRAS = ("catalog_status", "share_type", "open_type")

# One statement for every result: the packages, their extras and their
# owners' extras (as JSON objects of the active rows).
_ENTRIES_SQL = sa.text(
    """
    SELECT p.id, p.owner_org, p.private,
           (SELECT json_object_agg(e.key, e.value) FROM package_extra AS e
            WHERE e.package_id = p.id AND e.state = 'active'
              AND e.key = ANY(:entry_keys)) AS extras,
           (SELECT json_object_agg(g.key, g.value) FROM group_extra AS g
            WHERE g.group_id = p.owner_org AND g.state = 'active'
              AND g.key = ANY(:org_keys)) AS org_extras
    FROM package AS p
    WHERE p.id = ANY(:ids)
    """
)


def entries_for(package_dicts: Iterable[dict[str, Any]]) -> dict[str, policy.Entry]:
    """Policy entries for package dicts, read from the database (one query
    for the packages, their catalog fields and their owners' extras).

    The database, not the dict, is the source: a search result may be stale
    or partial (``fl``).
    """
    ids = [d["id"] for d in package_dicts if d.get("id")]
    if not ids:
        return {}
    rows = model.Session.execute(
        _ENTRIES_SQL,
        {
            "ids": ids,
            "entry_keys": list(ENTRY_EXTRAS),
            "org_keys": list(ORG_EXTRAS),
        },
    )
    entries = {}
    for pid, owner_org, private, extras, org_extras in rows:
        values = {"id": pid, "owner_org": owner_org, "private": private}
        values.update(extras or {})
        entries[pid] = entry_for(values, (org_extras or {}) if owner_org else {})
    return entries


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
