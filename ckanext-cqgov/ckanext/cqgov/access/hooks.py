"""Search and show hooks: permission labels, index fields, result shaping."""

from __future__ import annotations

from typing import Any

from ckan import model
from ckan.common import current_user
from flask import has_request_context

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.shaping import entries_for, shape_package, shape_results
from ckanext.cqgov.access.subjects import (
    context_viewer,
    entry_for,
    viewer_for,
    viewer_grants,
)

#: Index fields CKAN derives from every resource (res_name, res_format, …).
_RESOURCE_INDEX_PREFIX = "res_"


def dataset_labels(package: model.Package) -> list[str]:
    return policy.permission_labels_for_entry(entry_for(package))


def user_labels(user: model.User | None) -> list[str]:
    return policy.permission_labels_for_viewer(viewer_for(user))


def is_internal(context: dict[str, Any]) -> bool:
    """A call that bypasses authorization (``ignore_auth``): search indexing,
    jobs, other actions building on a package. It gets the whole dict; code
    that passes ``ignore_auth`` must never hand the result to a viewer.

    (CKAN fills ``user`` in from the current request even for internal calls,
    so the user cannot tell internal calls apart.)
    """
    return bool(context.get("ignore_auth"))


def after_dataset_show(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    if is_internal(context) or not pkg_dict.get("id"):
        return
    viewer = context_viewer(context)
    entry = entries_for([pkg_dict]).get(pkg_dict["id"])
    if entry is None:
        return
    shape_package(viewer, entry, pkg_dict, viewer_grants(viewer, [entry.id]))


def request_viewer() -> policy.Viewer:
    """The viewer of the current request; anonymous outside requests."""
    if not has_request_context():
        return policy.Viewer()
    return viewer_for(current_user.name if current_user else None)


def after_dataset_search(search_results: dict[str, Any]) -> dict[str, Any]:
    results = search_results.get("results")
    if results:
        search_results["results"] = shape_results(request_viewer(), results)
    return search_results


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Index resource summaries (res_name, res_format, …) of ``open``
    resources only, so that facets, counts and text search never reveal a
    ``share`` resource to the public. The stored package dict keeps every
    resource; it is shaped per viewer on the way out.
    """
    import json

    raw = pkg_dict.get("validated_data_dict") or pkg_dict.get("data_dict")
    try:
        resources = json.loads(raw).get("resources", []) if raw else []
    except (TypeError, ValueError):
        resources = []
    open_flags = [resource.get("audience") == "open" for resource in resources]
    for key in [k for k in pkg_dict if k.startswith(_RESOURCE_INDEX_PREFIX)]:
        values = pkg_dict[key]
        if isinstance(values, list) and len(values) == len(open_flags):
            pkg_dict[key] = [
                v for v, keep in zip(values, open_flags, strict=True) if keep
            ]
        else:
            del pkg_dict[key]
    pkg_dict.pop("urls", None)
    return pkg_dict
