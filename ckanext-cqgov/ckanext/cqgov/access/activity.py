"""The activity stream through the policy: activity records carry a copy of
the package, resources and URLs included, so every activity action's result
is shaped for the viewer like ``package_show``.

Activities of entries the viewer may not (or no longer) see are dropped; the
current state of the entry decides, not the labels stored with the activity.
"""

from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.checks import denial_message
from ckanext.cqgov.access.shaping import entries_for, internal_fields, shape_package
from ckanext.cqgov.access.subjects import context_viewer, viewer_grants


def _package_id(activity: dict[str, Any]) -> str | None:
    if "package" in (activity.get("activity_type") or ""):
        return activity.get("object_id")
    return None


def shape_activities(
    context: Context, activities: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if context.get("ignore_auth"):
        return activities
    viewer = context_viewer(context)
    if viewer.is_sysadmin:
        return activities
    ids = [pid for pid in map(_package_id, activities) if pid]
    entries = entries_for([{"id": pid} for pid in ids])
    grants = viewer_grants(viewer, list(entries))
    shaped = []
    for activity in activities:
        pid = _package_id(activity)
        if pid is None:
            shaped.append(activity)
            continue
        entry = entries.get(pid)
        if entry is None or not policy.can_see_metadata(viewer, entry):
            continue
        package = (activity.get("data") or {}).get("package")
        if isinstance(package, dict):
            shape_package(viewer, entry, package, grants)
        shaped.append(activity)
    return shaped


def _chain_list(name: str):
    @tk.chained_action
    @tk.side_effect_free
    def action(next_action, context: Context, data_dict: DataDict):
        return shape_activities(context, next_action(context, data_dict))

    action.__name__ = name
    action.__doc__ = (
        f"CKAN's ``{name}``, with activities of entries the caller may not see "
        "left out and the package copies shaped like ``package_show``."
    )
    return action


def _single(context: Context, activity: dict[str, Any]) -> dict[str, Any]:
    shaped = shape_activities(context, [activity])
    if not shaped:
        raise tk.NotAuthorized(
            denial_message(policy.Decision(False, policy.Reason.NOT_APPROVED))
        )
    return shaped[0]


@tk.chained_action
@tk.side_effect_free
def activity_show(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``activity_show``, shaped for the caller like ``package_show``."""
    return _single(context, next_action(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def activity_data_show(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``activity_data_show``, shaped for the caller."""
    from ckanext.activity.model import Activity

    data = next_action(context, data_dict)
    activity = Activity.get(data_dict.get("id"))
    if activity is None or not isinstance(data, dict):
        return data
    wrapped = _single(
        context,
        {
            "activity_type": activity.activity_type,
            "object_id": activity.object_id,
            "data": data,
        },
    )
    return wrapped["data"]


@tk.chained_action
@tk.side_effect_free
def activity_diff(next_action, context: Context, data_dict: DataDict):
    """CKAN's ``activity_diff``, only for a caller who may fetch every
    resource of the entry and see its internal fields (a diff shows URLs and
    field values and cannot be shaped)."""
    result = next_action(context, data_dict)
    if context.get("ignore_auth"):
        return result
    viewer = context_viewer(context)
    for activity in result.get("activities", []):
        pid = _package_id(activity)
        package = (activity.get("data") or {}).get("package") or {}
        entry = entries_for([{"id": pid}]).get(pid) if pid else None
        if entry is None:
            continue
        # Resources and internal fields: a diff shows both and cannot be shaped.
        copy = {
            "resources": [dict(r) for r in package.get("resources", [])],
            **{k: package[k] for k in internal_fields() if k in package},
        }
        if not policy.can_see_metadata(viewer, entry) or not shape_package(
            viewer, entry, copy, viewer_grants(viewer, [entry.id])
        ):
            raise tk.NotAuthorized(
                tk._(
                    "Only those who may fetch all of this entry's data see its changes."
                )
            )
    return result


LIST_ACTIONS = (
    "package_activity_list",
    "organization_activity_list",
    "group_activity_list",
    "user_activity_list",
    "recently_changed_packages_activity_list",
    "dashboard_activity_list",
)


def get_actions() -> dict[str, Any]:
    actions: dict[str, Any] = {name: _chain_list(name) for name in LIST_ACTIONS}
    actions.update(
        activity_show=activity_show,
        activity_data_show=activity_data_show,
        activity_diff=activity_diff,
    )
    return actions
