"""Review workflow actions for catalog entries, their auth functions, and the
hooks that record what package actions do to an entry.

The states and deadlines are decided in :mod:`ckanext.cqgov.catalog.review`;
who reviews in :mod:`ckanext.cqgov.catalog.reviewers`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.cqgov import periodic
from ckanext.cqgov.catalog import duplicates, review, reviewers
from ckanext.cqgov.catalog.model import CatalogEvent
from ckanext.cqgov.catalog.validators import STATUS_OUTCOME, WORKFLOW_STATUS
from ckanext.cqgov.workdays import SHANGHAI
from ckanext.cqgov.workdays.overrides import current_calendar

_ = tk._


# --- helpers ---------------------------------------------------------------------


def _package(data_dict: DataDict) -> model.Package:
    ref = data_dict.get("id") or data_dict.get("name")
    package = model.Package.get(ref) if ref else None
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(_("Catalog entry not found."))
    return package


def _user(context: Context) -> model.User | None:
    return reviewers.context_user(context)


def status_of(package: model.Package) -> str:
    return package.extras.get("catalog_status") or "draft"


def record_event(
    package_id: str,
    owner_org: str | None,
    user_id: str | None,
    action: str,
    from_status: str | None,
    to_status: str | None,
    comment: str = "",
) -> CatalogEvent:
    """Add one step to an entry's history (committed with the caller's session)."""
    row = CatalogEvent(
        package_id=package_id,
        owner_org=owner_org,
        at=periodic.utcnow(),
        user_id=user_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment or None,
    )
    model.Session.add(row)
    return row


def _events(package_ids: list[str] | None = None) -> dict[str, list[CatalogEvent]]:
    query = model.Session.query(CatalogEvent).order_by(CatalogEvent.at, CatalogEvent.id)
    if package_ids is not None:
        query = query.filter(CatalogEvent.package_id.in_(package_ids))
    grouped: dict[str, list[CatalogEvent]] = defaultdict(list)
    for row in query:
        grouped[row.package_id].append(row)
    return grouped


def _aware(moment: dt.datetime) -> dt.datetime:
    return periodic.aware(moment)


def _deadlines(
    status: str, rows: list[CatalogEvent], calendar
) -> list[review.Deadline]:
    events = [review.Event(r.action, _aware(r.at), r.to_status) for r in rows]
    return review.open_deadlines(status, events, calendar)


def today() -> dt.date:
    return periodic.utcnow().astimezone(SHANGHAI).date()


def _deadline_dict(deadline: review.Deadline, calendar) -> dict[str, Any]:
    now = today()
    return {
        "kind": deadline.kind,
        "since": deadline.since.isoformat(),
        "due": deadline.due.isoformat(),
        "overdue": deadline.is_overdue(now),
        "working_days_left": deadline.working_days_left(calendar, now),
        "provisional": bool(calendar.unknown_years(now, deadline.due)),
    }


def _user_names(user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = model.Session.query(model.User.id, model.User.name, model.User.fullname)
    return {
        uid: fullname or name
        for uid, name, fullname in rows.filter(model.User.id.in_(user_ids))
    }


def _event_dict(row: CatalogEvent, names: dict[str, str]) -> dict[str, Any]:
    return {
        "action": row.action,
        "at": _aware(row.at).isoformat(),
        "user_id": row.user_id,
        "user": names.get(row.user_id or "", ""),
        "from_status": row.from_status,
        "to_status": row.to_status,
        "comment": row.comment or "",
    }


def _entry_summary(package: model.Package) -> dict[str, Any]:
    return {
        "id": package.id,
        "name": package.name,
        "title": package.title,
        "owner_org": package.owner_org,
        "resource_code": package.extras.get("resource_code"),
        "catalog_status": status_of(package),
    }


# --- transitions -----------------------------------------------------------------


def _transition(context: Context, data_dict: DataDict, action: str) -> dict:
    package = _package(data_dict)
    tk.check_access(f"cqgov_catalog_{action}", context, {"id": package.id})
    comment = str(data_dict.get("comment") or "").strip()
    if action in review.NEEDS_COMMENT and not comment:
        raise tk.ValidationError(
            {"comment": [_("Give the reason for returning the entry.")]}
        )
    current = status_of(package)
    try:
        target = review.next_status(action, current)
    except review.TransitionError:
        raise tk.ValidationError(
            {"catalog_status": [_transition_refusal(action, current)]}
        ) from None
    patch: dict[str, Any] = {"id": package.id}
    if action == "approve" and not package.extras.get("release_date"):
        patch["release_date"] = today().isoformat()
    user = _user(context)
    update_context: Context = {
        "user": context.get("user") or "",
        "ignore_auth": True,
        "defer_commit": True,
        WORKFLOW_STATUS: target,
    }
    tk.get_action("package_patch")(update_context, patch)
    record_event(
        package.id,
        package.owner_org,
        user.id if user else None,
        action,
        current,
        target,
        comment,
    )
    model.Session.commit()
    return {**_entry_summary(model.Package.get(package.id)), "catalog_status": target}


def _transition_refusal(action: str, status: str) -> str:
    texts = {
        "submit": _(
            "Only a draft or returned entry can be submitted; this one is %(status)s."
        ),
        "approve": _("Only a submitted entry can be approved; this one is %(status)s."),
        "return": _("Only a submitted entry can be returned; this one is %(status)s."),
    }
    return texts[action] % {"status": status_label(status)}


def status_label(status: str) -> str:
    labels = {
        "draft": _("draft"),
        "submitted": _("submitted"),
        "approved": _("approved"),
        "returned": _("returned"),
    }
    return labels.get(status, status)


def catalog_submit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Report a draft or returned entry to the competent department (上报).

    The entry must pass every catalog rule; a returned entry is resubmitted.

    :param id: the entry's id or name
    :param comment: a note for the reviewer; optional
    :returns: the entry's id, name, title, owner_org, resource_code and new
        ``catalog_status`` (``submitted``)
    :raises NotFound: no such entry
    :raises NotAuthorized: not an editor/admin of the providing department
    :raises ValidationError: the entry is not draft/returned, or breaks a rule
    """
    return _transition(context, data_dict, "submit")


def catalog_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve a submitted entry: it is published (metadata public, sharing
    catalog). Sets ``release_date`` to today when the entry has none.

    :param id: the entry's id or name
    :param comment: optional
    :returns: as ``cqgov_catalog_submit``, with ``catalog_status`` ``approved``
    :raises NotFound: no such entry
    :raises NotAuthorized: not an editor/admin of a competent department
        overseeing the entry
    :raises ValidationError: the entry is not submitted
    """
    return _transition(context, data_dict, "approve")


def catalog_return(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return a submitted entry to its department, with the reason.

    :param id: the entry's id or name
    :param comment: the reason (required)
    :returns: as ``cqgov_catalog_submit``, with ``catalog_status`` ``returned``
    :raises NotFound: no such entry
    :raises NotAuthorized: as for ``cqgov_catalog_approve``
    :raises ValidationError: no reason, or the entry is not submitted
    """
    return _transition(context, data_dict, "return")


def catalog_record_change(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record that the entry's legal basis or the department's functions
    changed (Art. 7): the entry must then be updated within 15 working days.

    :param id: the entry's id or name
    :param comment: what changed (required)
    :returns: the entry summary with its open ``deadlines``
    :raises NotFound: no such entry
    :raises NotAuthorized: not an editor/admin of the providing department
    :raises ValidationError: no description of the change
    """
    package = _package(data_dict)
    tk.check_access("cqgov_catalog_record_change", context, {"id": package.id})
    comment = str(data_dict.get("comment") or "").strip()
    if not comment:
        raise tk.ValidationError(
            {
                "comment": [
                    _("Say what changed (law, policy or the department's functions).")
                ]
            }
        )
    user = _user(context)
    status = status_of(package)
    record_event(
        package.id,
        package.owner_org,
        user.id if user else None,
        review.CHANGE_RECORDED,
        status,
        status,
        comment,
    )
    model.Session.commit()
    calendar = current_calendar()
    rows = _events([package.id]).get(package.id, [])
    return {
        **_entry_summary(package),
        "deadlines": [
            _deadline_dict(d, calendar) for d in _deadlines(status, rows, calendar)
        ],
    }


# --- reading -----------------------------------------------------------------------


def catalog_history(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An entry's review history and open deadlines.

    :param id: the entry's id or name
    :returns: ``{"entry": {...}, "events": [{action, at, user, user_id,
        from_status, to_status, comment}], "deadlines": [{kind (submit|update),
        since, due, overdue, working_days_left, provisional}],
        "allowed_actions": [...]}`` (the review actions the caller may take now)
    :raises NotFound: no such entry
    :raises NotAuthorized: not a member of the department, of a competent
        department overseeing it, or a sysadmin
    """
    package = _package(data_dict)
    tk.check_access("cqgov_catalog_history", context, {"id": package.id})
    rows = _events([package.id]).get(package.id, [])
    names = _user_names({r.user_id for r in rows if r.user_id})
    calendar = current_calendar()
    status = status_of(package)
    user = _user(context)
    allowed = []
    for action in review.allowed_actions(status):
        if action == "submit":
            ok = reviewers.is_provider_staff(user, package.owner_org) or bool(
                user and user.sysadmin
            )
        else:
            ok = reviewers.is_reviewer(user, package.owner_org)
        if ok:
            allowed.append(action)
    return {
        "entry": _entry_summary(package),
        "events": [_event_dict(r, names) for r in rows],
        "deadlines": [
            _deadline_dict(d, calendar) for d in _deadlines(status, rows, calendar)
        ],
        "allowed_actions": allowed,
    }


def _visible_org_scope(user: model.User | None) -> set[str] | None:
    """Organizations whose catalog work the user follows; ``None`` = all."""
    overseen = reviewers.overseen_org_ids(user)
    if overseen is None:
        return None
    from ckanext.cqgov.workflow import roles

    return overseen | set(roles.memberships(user.id if user else None))


def _packages_in(scope: set[str] | None, status: str | None = None) -> list:
    query = model.Session.query(model.Package).filter(
        model.Package.state == "active", model.Package.type == "dataset"
    )
    if scope is not None:
        if not scope:
            return []
        query = query.filter(model.Package.owner_org.in_(scope))
    packages = query.order_by(model.Package.name).all()
    if status:
        packages = [p for p in packages if status_of(p) == status]
    return packages


def catalog_overdue(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Entries whose department missed a deadline: not submitted within 10
    working days of creation/update/return, or not updated within 15 working
    days of a recorded change.

    Departments see their own entries; competent departments those they
    oversee; sysadmins all.

    :param owner_org: only this department's entries (id or name); optional
    :param include_pending: ``true`` to list every open deadline, not only the
        overdue ones; optional
    :returns: list of entry summaries, each with its ``deadlines``
    :raises NotAuthorized: not signed in
    """
    tk.check_access("cqgov_catalog_overdue", context, data_dict)
    user = _user(context)
    scope = _visible_org_scope(user)
    owner = data_dict.get("owner_org")
    if owner:
        group = model.Group.get(owner)
        if group is None:
            raise tk.ObjectNotFound(_("Department not found."))
        scope = {group.id} if scope is None or group.id in scope else set()
    include_pending = tk.asbool(data_dict.get("include_pending", False))
    packages = _packages_in(scope)
    events = _events([p.id for p in packages])
    calendar = current_calendar()
    result = []
    for package in packages:
        found = _deadlines(status_of(package), events.get(package.id, []), calendar)
        shown = [
            _deadline_dict(d, calendar)
            for d in found
            if include_pending or d.is_overdue(today())
        ]
        if shown:
            result.append({**_entry_summary(package), "deadlines": shown})
    return result


def catalog_review_queue(context: Context, data_dict: DataDict) -> list[dict]:
    """The submitted entries the caller reviews, oldest submission first.

    :returns: entry summaries with ``submitted_at``, ``organization`` (title)
        and ``duplicates`` (一数一源 candidates)
    :raises NotAuthorized: not an editor/admin of a competent department
    """
    tk.check_access("cqgov_catalog_review_queue", context, data_dict)
    user = _user(context)
    scope = reviewers.overseen_org_ids(user)
    packages = _packages_in(scope, status="submitted")
    events = _events([p.id for p in packages])
    fingerprints = all_fingerprints()
    result = []
    for package in packages:
        submits = [e for e in events.get(package.id, []) if e.action == "submit"]
        org = model.Group.get(package.owner_org) if package.owner_org else None
        result.append(
            {
                **_entry_summary(package),
                "organization": org.title if org else "",
                "submitted_at": _aware(submits[-1].at).isoformat() if submits else None,
                "duplicates": _duplicate_dicts(package.id, fingerprints),
            }
        )
    result.sort(key=lambda r: r["submitted_at"] or "")
    return result


# --- 一数一源 ----------------------------------------------------------------------


def all_fingerprints() -> dict[str, duplicates.Fingerprint]:
    """Fingerprints of every active catalog entry, by id."""
    import json

    rows = (
        model.Session.query(
            model.Package.id,
            model.Package.owner_org,
            model.Package.title,
            model.PackageExtra.value,
        )
        .outerjoin(
            model.PackageExtra,
            (model.PackageExtra.package_id == model.Package.id)
            & (model.PackageExtra.key == "data_items")
            & (model.PackageExtra.state == "active"),
        )
        .filter(model.Package.state == "active", model.Package.type == "dataset")
    )
    result = {}
    for pid, owner, title, items in rows:
        try:
            parsed = json.loads(items) if items else []
        except ValueError:
            parsed = []
        result[pid] = duplicates.Fingerprint.of(pid, owner or "", title or "", parsed)
    return result


def _duplicate_dicts(
    package_id: str, fingerprints: dict[str, duplicates.Fingerprint]
) -> list[dict[str, Any]]:
    entry = fingerprints.get(package_id)
    if entry is None:
        return []
    found = duplicates.find_duplicates(entry, fingerprints.values())
    result = []
    for dup in found:
        other = model.Package.get(dup.id)
        org = model.Group.get(other.owner_org) if other and other.owner_org else None
        result.append(
            {
                "id": dup.id,
                "name": other.name if other else "",
                "title": other.title if other else "",
                "organization": org.title if org else "",
                "title_similarity": dup.title_similarity,
                "items_similarity": dup.items_similarity,
            }
        )
    return result


def duplicate_candidates(package_id: str) -> list[dict[str, Any]]:
    """Other departments' entries that substantially duplicate this one."""
    return _duplicate_dicts(package_id, all_fingerprints())


def catalog_duplicates(context: Context, data_dict: DataDict) -> list[dict]:
    """一数一源: entries that substantially duplicate another department's
    (normalized title and data-item names), for the competent department.

    :returns: one row per entry with duplicates: the entry summary and its
        ``duplicates`` (id, name, title, organization, similarities); each pair
        appears once per side
    :raises NotAuthorized: not an editor/admin of a competent department
    """
    tk.check_access("cqgov_catalog_duplicates", context, data_dict)
    scope = reviewers.overseen_org_ids(_user(context))
    fingerprints = all_fingerprints()
    result = []
    for package in _packages_in(scope):
        found = _duplicate_dicts(package.id, fingerprints)
        if found:
            result.append({**_entry_summary(package), "duplicates": found})
    return result


# --- auth ------------------------------------------------------------------------


def _deny(text: str) -> dict[str, Any]:
    return {"success": False, "msg": text}


def _auth_package(data_dict: DataDict) -> model.Package | None:
    ref = data_dict.get("id") or data_dict.get("name")
    return model.Package.get(ref) if ref else None


def submit_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    package = _auth_package(data_dict)
    user = _user(context)
    if (
        package is not None
        and user is not None
        and (user.sysadmin or reviewers.is_provider_staff(user, package.owner_org))
    ):
        return {"success": True}
    return _deny(
        _(
            "Only editors and admins of the providing department submit its "
            "catalog entries; ask one of them."
        )
    )


record_change_auth = submit_auth


def review_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    package = _auth_package(data_dict)
    if package is not None and reviewers.is_reviewer(_user(context), package.owner_org):
        return {"success": True}
    return _deny(
        _(
            "Only the competent department overseeing this department reviews its "
            "catalog entries."
        )
    )


def history_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    package = _auth_package(data_dict)
    if package is not None and reviewers.sees_history(
        _user(context), package.owner_org
    ):
        return {"success": True}
    return _deny(
        _(
            "The review history is shown to the department and its competent "
            "department only."
        )
    )


def overdue_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    if _user(context) is not None:
        return {"success": True}
    return _deny(_("Sign in to see your department's catalog deadlines."))


def competent_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    if reviewers.overseen_org_ids(_user(context)) != set():
        return {"success": True}
    return _deny(_("Only competent departments review catalogs."))


def get_actions() -> dict[str, Any]:
    return {
        "cqgov_catalog_submit": catalog_submit,
        "cqgov_catalog_approve": catalog_approve,
        "cqgov_catalog_return": catalog_return,
        "cqgov_catalog_record_change": catalog_record_change,
        "cqgov_catalog_history": catalog_history,
        "cqgov_catalog_overdue": catalog_overdue,
        "cqgov_catalog_review_queue": catalog_review_queue,
        "cqgov_catalog_duplicates": catalog_duplicates,
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "cqgov_catalog_submit": submit_auth,
        "cqgov_catalog_approve": review_auth,
        "cqgov_catalog_return": review_auth,
        "cqgov_catalog_record_change": record_change_auth,
        "cqgov_catalog_history": history_auth,
        "cqgov_catalog_overdue": overdue_auth,
        "cqgov_catalog_review_queue": competent_auth,
        "cqgov_catalog_duplicates": competent_auth,
    }


# --- package hooks -----------------------------------------------------------------


def after_create(context: Context, pkg_dict: dict[str, Any]) -> None:
    """Record the creation (starts the 10-working-day submission clock)."""
    user = _user(context)
    record_event(
        pkg_dict["id"],
        pkg_dict.get("owner_org"),
        user.id if user else None,
        review.CREATED,
        None,
        pkg_dict.get("catalog_status") or "draft",
    )


def after_update(context: Context, pkg_dict: dict[str, Any]) -> None:
    """Record a catalog update, or a status a sysadmin set directly."""
    package = context.get("package")
    outcome = getattr(package, STATUS_OUTCOME, None)
    if outcome is not None:
        delattr(package, STATUS_OUTCOME)
    if outcome is None or context.get(WORKFLOW_STATUS):
        return
    previous, new, changed = outcome
    if changed:
        action = review.UPDATED
    elif (previous or "draft") != new:
        action = review.STATUS_SET
    else:
        return
    user = _user(context)
    record_event(
        pkg_dict["id"],
        pkg_dict.get("owner_org"),
        user.id if user else None,
        action,
        previous or "draft",
        new,
    )
