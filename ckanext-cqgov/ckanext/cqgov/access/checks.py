"""Decisions for CKAN objects, and what a denied viewer is told.

Adapters call these functions with CKAN packages/resources and a context; each
builds the policy's subjects (:mod:`.subjects`) and asks :mod:`.policy`.
"""

from __future__ import annotations

from typing import Any

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.cqgov.access import policy
from ckanext.cqgov.access.subjects import (
    context_viewer,
    entry_for,
    now,
    resource_info,
    viewer_grants,
)

_ = tk._


def metadata_decision(context: Any, package: Any) -> policy.Decision:
    return policy.can_see_metadata(context_viewer(context), entry_for(package))


def resource_listing_decision(
    context: Any, package: Any, resource: Any
) -> policy.Decision:
    return policy.can_see_resource(
        context_viewer(context), entry_for(package), resource_info(resource)
    )


def data_decision(
    viewer: policy.Viewer, package: Any, resource: Any
) -> policy.Decision:
    entry = entry_for(package)
    return policy.can_access_data(
        viewer,
        entry,
        resource_info(resource),
        viewer_grants(viewer, [entry.id]),
        now(),
    )


def resource_data_decision(
    context: Any, resource_id: str, exact_id: bool = False
) -> tuple[Any, policy.Decision]:
    """(model.Resource or None, decision) for reading a resource's data.

    `exact_id`: `resource_id` must be the resource's id, never its name
    (``model.Resource.get`` falls back to names). DataStore table names are
    resource ids; a table left without its resource (a purged entry) must not
    be attributed to another resource that happens to be named like it.
    """
    if not resource_id:
        resource = None
    elif exact_id:
        resource = model.Session.get(model.Resource, resource_id)
    else:
        resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return None, policy.Decision(False, policy.Reason.NOT_APPROVED)
    package = resource.package
    return resource, data_decision(context_viewer(context), package, resource)


def apply_url(package_name: str, kind: str | None) -> str | None:
    """Where to apply for a grant (the applications pages)."""
    if not kind:
        return None
    return f"/dataset/{package_name}/apply?kind={kind}"


# Literal _() calls so that the messages are extracted for translation.
_MESSAGES = {
    policy.Reason.NOT_APPROVED: lambda: _(
        "This catalog entry is not published; only its provider and the "
        "competent department can see it."
    ),
    policy.Reason.PRIVATE_ENTRY: lambda: _(
        "This catalog entry has been withdrawn from the published catalog."
    ),
    policy.Reason.NEEDS_SHARE_APPLICATION: lambda: _(
        "This data is shared on conditions: your department needs a valid share "
        "grant. Apply for sharing to get one."
    ),
    policy.Reason.NEEDS_OPEN_APPLICATION: lambda: _(
        "This data is opened on application: log in and apply to use it."
    ),
    policy.Reason.NOT_SHARED: lambda: _(
        "This data is not shared with other departments."
    ),
    policy.Reason.NOT_OPEN: lambda: _("This data is not open to the public."),
    policy.Reason.SHARE_AUDIENCE_ONLY: lambda: _(
        "This resource holds original data for government sharing only."
    ),
    policy.Reason.GRANT_EXPIRED: lambda: _(
        "Your grant has expired. Apply again to renew it."
    ),
    policy.Reason.GRANT_NOT_YET_VALID: lambda: _(
        "Your grant is not valid yet; the data can be used from its start date."
    ),
    policy.Reason.GRANT_REVOKED: lambda: _(
        "Your grant has been revoked. Apply again if you still need the data."
    ),
    policy.Reason.NOT_GRANT_MANAGER: lambda: _(
        "Only editors and admins of the provider or the competent department "
        "can manage grants."
    ),
}


def denial_message(decision: policy.Decision) -> str:
    """The why-and-what-to-do sentence for a denied viewer (translated)."""
    message = _MESSAGES.get(decision.reason)
    return message() if message else _("You may not access this data.")


def denial_info(decision: policy.Decision, package_name: str) -> dict[str, Any]:
    """What API consumers and pages get for a resource they may not fetch."""
    return {
        "allowed": False,
        "reason": decision.reason.value,
        "message": denial_message(decision),
        "application_kind": decision.application_kind,
        "apply_url": apply_url(package_name, decision.application_kind),
    }


def denial_text(decision: policy.Decision, package_name: str) -> str:
    """One line for a 403: the reason and, when there is one, where to apply."""
    info = denial_info(decision, package_name)
    if info["apply_url"]:
        return _("{message} Apply at: {url}").format(
            message=info["message"], url=info["apply_url"]
        )
    return info["message"]
