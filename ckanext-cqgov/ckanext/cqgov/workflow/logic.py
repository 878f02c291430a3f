"""Actions and auth functions of the workflow (``cqgov_application_*``,
``cqgov_opening_request_*``, ``cqgov_error_report_*``, ``cqgov_feedback_*``).

Every action validates its input completely before changing anything; bad
input raises ``ValidationError`` with per-field messages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.plugins.toolkit import _

from ckanext.cqgov.workflow import attachments, deadlines, engine, roles
from ckanext.cqgov.workflow.machine import Kind
from ckanext.cqgov.workflow.model import WorkflowItem

APPLICATION_KINDS = {Kind.SHARE_APPLICATION, Kind.OPEN_APPLICATION}
DEFAULT_LIMIT = 50


# -- input helpers -------------------------------------------------------------


class Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise tk.ValidationError(dict(self))


def _text(data: dict, field: str, errors: Errors, required=False) -> str | None:
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        errors.add(field, _("Must be text."))
        return None
    value = (value or "").strip() or None
    if required and value is None:
        errors.add(field, _("Missing value"))
    return value


def _date(data: dict, field: str, errors: Errors, required=False) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, _("Missing value"))
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        errors.add(field, _("Not a date (YYYY-MM-DD)."))
        return None


def _list(data: dict, field: str, errors: Errors) -> list[str]:
    value = data.get(field) or []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(field, _("Must be a list of strings."))
        return []
    return value


def _period(data, errors, start, end, required=True) -> tuple:
    first = _date(data, start, errors, required)
    last = _date(data, end, errors, required)
    if first and last and last < first:
        errors.add(end, _("The end must not be before the start."))
    return first, last


def _user(context) -> model.User | None:
    return model.User.get(context.get("user")) if context.get("user") else None


def _signed_in_user(context) -> model.User:
    user = _user(context)
    if user is None:
        raise tk.NotAuthorized(_("Please log in first."))
    return user


def _package(data: dict, errors: Errors, required=True) -> model.Package | None:
    ref = data.get("package_id")
    if not ref:
        if required:
            errors.add("package_id", _("Missing value"))
        return None
    package = model.Package.get(ref)
    if package is None or package.state != "active" or package.type != "dataset":
        raise tk.ObjectNotFound(_("Catalog entry not found."))
    return package


def _extras(package: model.Package) -> dict:
    return dict(package.extras or {})


def _data_url(package: model.Package) -> str:
    return tk.url_for("dataset.read", id=package.name, qualified=True)


def _check_published(package: model.Package, errors: Errors) -> None:
    if package.private or _extras(package).get("catalog_status", "approved") != (
        "approved"
    ):
        errors.add("package_id", _("This catalog entry is not published."))


def _check_resources(package, resource_ids, errors) -> None:
    own = {r.id for r in package.resources}
    unknown = [r for r in resource_ids if r not in own]
    if unknown:
        errors.add(
            "resource_ids",
            _("Not resources of this entry: {ids}").format(ids=", ".join(unknown)),
        )


def _check_data_items(package, names, errors) -> None:
    items = _extras(package).get("data_items")
    if not names or not items:
        return
    try:
        import json

        known = {i.get("name") for i in json.loads(items)}
    except (ValueError, TypeError, AttributeError):
        return
    unknown = [n for n in names if n not in known]
    if unknown:
        errors.add(
            "data_items",
            _("Not data items of this entry: {names}").format(names=", ".join(unknown)),
        )


def _limit(data) -> tuple[int, int]:
    try:
        limit = min(max(int(data.get("limit", DEFAULT_LIMIT)), 1), 1000)
        offset = max(int(data.get("offset", 0)), 0)
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [_("Must be a whole number.")]}) from None
    return limit, offset


# -- applications --------------------------------------------------------------


def application_needed(package: model.Package, kind: Kind) -> tuple[bool, str]:
    """Whether ``kind`` of application is possible for ``package``; when not,
    the message to show (no application needed, or why it cannot be had)."""
    extras = _extras(package)
    if kind is Kind.SHARE_APPLICATION:
        share_type = extras.get("share_type") or "not_shared"
        if share_type == "conditional":
            return True, ""
        if share_type == "unconditional":
            return False, _(
                "This entry is shared unconditionally: no application is needed. "
                "The data is at {url}"
            ).format(url=_data_url(package))
        return False, _(
            "This entry is not shared and cannot be applied for. Basis: {basis}"
        ).format(basis=extras.get("share_basis") or _("(none given)"))
    open_type = extras.get("open_type") or "not_open"
    if open_type == "on_application":
        return True, ""
    if open_type == "proactive":
        return False, _(
            "This entry is open to everyone: no application is needed. The data is "
            "at {url}"
        ).format(url=_data_url(package))
    return False, _(
        "This entry is not open and cannot be applied for. Basis: {basis}. You can "
        "ask for it to be opened with an opening request."
    ).format(basis=extras.get("open_basis") or _("(none given)"))


def _applicant_org(user, package, data, errors) -> str | None:
    government = [
        org_id
        for org_id in roles.memberships(user.id)
        if roles.is_government(org_id) and org_id != package.owner_org
    ]
    wanted = data.get("applicant_org_id")
    if wanted:
        org = model.Group.get(wanted)
        if org is None or org.id not in government:
            errors.add(
                "applicant_org_id",
                _("You do not apply on behalf of this department."),
            )
            return None
        return org.id
    if package.owner_org in roles.memberships(user.id):
        errors.add(
            "package_id",
            _("Your department provides this entry; it needs no application."),
        )
        return None
    if not government:
        raise tk.NotAuthorized(
            _(
                "Share applications are made by members of government departments. "
                "Citizens and companies can apply for open data instead."
            )
        )
    if len(government) > 1:
        errors.add(
            "applicant_org_id",
            _("You belong to several departments; choose the applying one."),
        )
        return None
    return government[0]


def _duplicate_pending(kind: Kind, user, package) -> bool:
    return (
        model.Session.query(WorkflowItem.id)
        .filter(
            WorkflowItem.kind == kind.value,
            WorkflowItem.user_id == user.id,
            WorkflowItem.package_id == package.id,
            WorkflowItem.status == "submitted",
        )
        .first()
        is not None
    )


def application_create(context, data_dict: dict[str, Any]) -> dict:
    """Apply for a catalog entry's data.

    :param kind: ``share`` (a government department applies for a
        ``conditional`` entry) or ``open`` (a registered user applies for an
        ``on_application`` entry's open data)
    :param package_id: the entry (id or name)
    :param purpose: what the data is needed for (required)
    :param resource_ids: the resources wanted (list; default: all)
    :param data_items: names of the data items wanted (list; default: all)
    :param period_from: first day the data is needed (share: required)
    :param period_until: last day the data is needed (share: required)
    :param legal_basis: the law, regulation or duty the use serves (share:
        required)
    :param applicant_org_id: the applying department (share; needed only when
        the user belongs to several)
    :param intended_use: how the data will be used (open: required)
    :param contact: how to reach the applicant (open: required; shown only to
        the departments involved)
    :returns: the application (see ``cqgov_application_show``); it is due 10
        working days after receipt and the provider's editors are notified
    :raises ValidationError: missing or bad fields; an entry that needs no
        application or cannot be applied for (the message says why, quoting
        its basis)
    :raises NotAuthorized: not signed in; a share application from someone
        outside government departments
    :raises NotFound: no such entry
    """
    tk.check_access("cqgov_application_create", context, data_dict)
    user = _signed_in_user(context)
    errors = Errors()
    kind_name = data_dict.get("kind") or "share"
    if kind_name not in {"share", "open"}:
        raise tk.ValidationError({"kind": [_("Must be share or open.")]})
    kind = Kind.SHARE_APPLICATION if kind_name == "share" else Kind.OPEN_APPLICATION
    package = _package(data_dict, errors)
    errors.raise_if_any()
    _check_published(package, errors)
    errors.raise_if_any()
    possible, message = application_needed(package, kind)
    if not possible:
        raise tk.ValidationError({"package_id": [message]})
    details: dict[str, Any] = {"purpose": _text(data_dict, "purpose", errors, True)}
    resource_ids = _list(data_dict, "resource_ids", errors)
    _check_resources(package, resource_ids, errors)
    data_items = _list(data_dict, "data_items", errors)
    _check_data_items(package, data_items, errors)
    details.update(resource_ids=resource_ids, data_items=data_items)
    applicant_org_id = None
    if kind is Kind.SHARE_APPLICATION:
        first, last = _period(data_dict, errors, "period_from", "period_until")
        details.update(
            period_from=first.isoformat() if first else None,
            period_until=last.isoformat() if last else None,
            legal_basis=_text(data_dict, "legal_basis", errors, True),
        )
        applicant_org_id = _applicant_org(user, package, data_dict, errors)
    else:
        details.update(
            intended_use=_text(data_dict, "intended_use", errors, True),
            contact=_text(data_dict, "contact", errors, True),
        )
    errors.raise_if_any()
    if _duplicate_pending(kind, user, package):
        raise tk.ValidationError(
            {
                "package_id": [
                    _(
                        "You already have an application for this entry "
                        "awaiting an answer."
                    )
                ]
            }
        )
    item = engine.create_item(
        kind,
        user,
        package_id=package.id,
        provider_org_id=package.owner_org,
        applicant_org_id=applicant_org_id,
        title=package.title,
        details=details,
    )
    return engine.dictize(item, user)


def _show(kinds: set[Kind]):
    def show(context, data_dict):
        tk.check_access("cqgov_workflow_show", context, data_dict)
        item = engine.get_item(data_dict.get("id"), kinds)
        user = _user(context)
        public = Kind(item.kind) in {Kind.OPENING_REQUEST, Kind.FEEDBACK}
        if not public and not roles.can_view_private(user, item):
            raise tk.NotAuthorized(
                _("Only the applicant and the departments involved can see this.")
            )
        hidden = Kind(item.kind) is Kind.FEEDBACK and item.status == "hidden"
        if hidden and not roles.can_view_private(user, item):
            raise tk.ObjectNotFound(_("No such item."))
        return engine.dictize(item, user)

    return show


application_show = _show(APPLICATION_KINDS)
application_show.__doc__ = """Show one application with its complete history.

    :param id: the application's id
    :returns: the application: ``kind``, ``status``, ``details`` (what was
        asked), ``answer`` (the decision), ``due_date``, ``deadline_state``
        (``on_time``, ``due_soon``, ``overdue``), ``working_days_left``,
        ``grant_id``, ``allowed_actions`` (for the caller) and ``history``
        (every step: who, what, when)
    :raises NotAuthorized: neither the applicant nor a member of the
        departments involved
    :raises NotFound: no such application
    """


def _scope_query(query, scope: str, user: model.User):
    mine = roles.memberships(user.id)
    if scope == "mine":
        return query.filter(WorkflowItem.user_id == user.id)
    if scope == "to_answer":
        answering = [o for o, c in mine.items() if c in roles.ANSWERING_CAPACITIES]
        if user.sysadmin:
            return query
        return query.filter(WorkflowItem.provider_org_id.in_(answering or ["-"]))
    if scope == "supervise":
        competent = [o for o in roles.all_competent_org_ids() if o in mine]
        if user.sysadmin:
            return query
        if not competent:
            raise tk.NotAuthorized(
                _("Only members of a competent department supervise deadlines.")
            )
        covered = {
            org_id
            for (org_id,) in model.Session.query(model.Group.id).filter(
                model.Group.is_organization.is_(True)
            )
            if set(roles.competent_org_ids(org_id)) & set(competent)
        }
        return query.filter(WorkflowItem.provider_org_id.in_(covered or ["-"]))
    raise tk.ValidationError(
        {"scope": [_("Must be one of: mine, to_answer, supervise.")]}
    )


def _list_items(context, data_dict, kinds: set[Kind], default_scope="mine"):
    user = _signed_in_user(context)
    scope = data_dict.get("scope") or default_scope
    query = model.Session.query(WorkflowItem).filter(
        WorkflowItem.kind.in_([k.value for k in kinds])
    )
    query = _scope_query(query, scope, user)
    if data_dict.get("kind"):
        wanted = {"share": "share_application", "open": "open_application"}.get(
            data_dict["kind"], data_dict["kind"]
        )
        query = query.filter(WorkflowItem.kind == wanted)
    if data_dict.get("status"):
        query = query.filter(WorkflowItem.status == data_dict["status"])
    if data_dict.get("package_id"):
        query = query.filter(WorkflowItem.package_id == data_dict["package_id"])
    if tk.asbool(data_dict.get("pending")) or scope == "to_answer":
        query = query.filter(WorkflowItem.due_date.isnot(None))
        query = query.filter(WorkflowItem.answered_at.is_(None))
    if tk.asbool(data_dict.get("overdue")):
        query = query.filter(WorkflowItem.escalated_on.isnot(None))
    if scope == "supervise" and not data_dict.get("status"):
        query = query.filter(
            WorkflowItem.escalated_on.isnot(None) | (WorkflowItem.status == "disputed")
        )
    limit, offset = _limit(data_dict)
    order = (
        (WorkflowItem.due_date.asc(), WorkflowItem.created)
        if scope in {"to_answer", "supervise"}
        else (WorkflowItem.created.desc(),)
    )
    items = query.order_by(*order).all()
    pending = [i for i in items if i.answered_at is None and i.due_date]
    today = deadlines.local_day(engine.now())
    return {
        "count": len(items),
        "pending": len(pending),
        "overdue": sum(1 for i in pending if i.due_date < today),
        "results": [
            engine.dictize(i, user, with_history=False)
            for i in items[offset : offset + limit]
        ],
    }


def application_list(context, data_dict):
    """List applications.

    :param scope: ``mine`` (the caller's own; default), ``to_answer`` (those
        the caller's departments must answer, earliest due first) or
        ``supervise`` (overdue and disputed applications across the departments
        the caller's competent department oversees)
    :param kind: ``share`` or ``open`` (optional)
    :param status: only this status (optional)
    :param package_id: only this entry (optional)
    :param pending: only those awaiting an answer (optional)
    :param overdue: only escalated ones (optional)
    :param limit: page size (default 50), ``offset``: start
    :returns: ``{"count", "pending", "overdue", "results": [...]}``
    :raises NotAuthorized: not signed in; ``supervise`` outside a competent
        department
    """
    tk.check_access("cqgov_workflow_list", context, data_dict)
    return _list_items(context, data_dict, APPLICATION_KINDS)


def _reply_fields(data_dict, errors, approve=False, order=False) -> dict:
    fields = {"reason": _text(data_dict, "reason", errors)}
    if approve or order:
        first, last = _period(data_dict, errors, "valid_from", "valid_until", False)
        if last and last < deadlines.local_day(engine.now()):
            errors.add("valid_until", _("The validity period has already ended."))
        fields.update(
            terms=_text(data_dict, "terms", errors),
            valid_from=first.isoformat() if first else None,
            valid_until=last.isoformat() if last else None,
        )
    return {k: v for k, v in fields.items() if v is not None}


def _grant_for(item: WorkflowItem, fields: dict, user: model.User) -> dict:
    """The grant an approval (or an order after a dispute) creates: for the
    applying department (share) or the applying user (open), bound to the
    application's purpose."""
    share = Kind(item.kind) is Kind.SHARE_APPLICATION
    return {
        "kind": "share" if share else "open",
        "package_id": item.package_id,
        "grantee_id": item.applicant_org_id if share else item.user_id,
        "purpose": (item.details or {}).get("purpose"),
        "terms": fields.get("terms"),
        "valid_from": fields.get("valid_from"),
        "valid_until": fields.get("valid_until"),
        "application_id": item.id,
        "granted_by": user.name,
    }


def _take(context, data_dict, kinds, action_field, choices) -> dict:
    user = _signed_in_user(context)
    item = engine.get_item(data_dict.get("id"), kinds)
    action = data_dict.get(action_field)
    if action not in choices:
        raise tk.ValidationError(
            {
                action_field: [
                    _("Must be one of: {choices}.").format(choices=", ".join(choices))
                ]
            }
        )
    errors = Errors()
    granting = action in {"approve", "order"}
    fields = choices[action](data_dict, errors)
    errors.raise_if_any()
    grant = _grant_for(item, fields, user) if granting else None
    engine.transition(item, user, action, fields, grant=grant)
    return engine.dictize(item, user)


def application_reply(context, data_dict):
    """Answer an application (the provider's editors and admins).

    :param id: the application
    :param decision: ``approve`` or ``refuse``
    :param terms: usage terms (approve: required)
    :param valid_from: first day of access (approve: required)
    :param valid_until: last day of access (approve: required, not past)
    :param reason: why (refuse: required; approve: optional)
    :returns: the application; an approval creates a grant (``grant_id``) for
        the applying department (share) or user (open). The reply is final.
    :raises ValidationError: bad or missing fields; already answered
    :raises NotAuthorized: not an editor/admin of the providing department
    :raises NotFound: no such application
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)
    return _take(
        context,
        data_dict,
        APPLICATION_KINDS,
        "decision",
        {
            "approve": lambda d, e: _reply_fields(d, e, approve=True),
            "refuse": _reply_fields,
        },
    )


def application_dispute(context, data_dict):
    """Dispute a refused share application (the applicant); the competent
    department overseeing the provider decides within 10 working days.

    :param id: the application
    :param reason: why the refusal is wrong (required)
    :returns: the application, now ``disputed``
    :raises ValidationError: missing reason; not a refused share application
    :raises NotAuthorized: not the applicant
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)
    return _take(
        context,
        {**data_dict, "action": "dispute"},
        {Kind.SHARE_APPLICATION},
        "action",
        {"dispute": _reply_fields},
    )


def application_decide(context, data_dict):
    """Decide a dispute (the competent department overseeing the provider).

    :param id: the application
    :param decision: ``uphold`` (the refusal stands) or ``order`` (sharing is
        ordered: creates the share grant)
    :param reason: the reasons (required)
    :param terms: usage terms (order: required)
    :param valid_from: (order: required)
    :param valid_until: (order: required)
    :returns: the application
    :raises ValidationError: missing fields; not disputed
    :raises NotAuthorized: not a member (editor/admin) of the competent department
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)
    return _take(
        context,
        data_dict,
        {Kind.SHARE_APPLICATION},
        "decision",
        {
            "uphold": _reply_fields,
            "order": lambda d, e: _reply_fields(d, e, order=True),
        },
    )


# -- opening requests ----------------------------------------------------------


def opening_request_create(context, data_dict):
    """Ask for data to be opened (Art. 23). Public: the request and its answer
    are shown on the request board without the requester's details.

    :param package_id: a ``not_open`` catalog entry; or, for data not in the
        catalog, ``title`` and ``suggested_org_id`` (the department thought to
        hold it)
    :param title: what data (required without ``package_id``)
    :param suggested_org_id: the department to answer (required without
        ``package_id``)
    :param description: what is wanted and why (required)
    :returns: the request; due 10 working days after receipt
    :raises ValidationError: missing fields; an entry that is already open
    :raises NotAuthorized: not signed in
    """
    tk.check_access("cqgov_opening_request_create", context, data_dict)
    user = _signed_in_user(context)
    errors = Errors()
    package = _package(data_dict, errors, required=False)
    description = _text(data_dict, "description", errors, True)
    if package is not None:
        _check_published(package, errors)
        if (_extras(package).get("open_type") or "not_open") != "not_open":
            errors.add(
                "package_id",
                _("This entry is already open or can be applied for: {url}").format(
                    url=_data_url(package)
                ),
            )
        provider, title = package.owner_org, package.title
    else:
        title = _text(data_dict, "title", errors, True)
        provider = data_dict.get("suggested_org_id")
        if not provider:
            errors.add("suggested_org_id", _("Missing value"))
        elif not roles.org_info(provider):
            errors.add("suggested_org_id", _("No such department."))
        else:
            provider = roles.org_info(provider)["id"]
    errors.raise_if_any()
    item = engine.create_item(
        Kind.OPENING_REQUEST,
        user,
        package_id=package.id if package else None,
        provider_org_id=provider,
        title=title,
        details={"description": description},
    )
    return engine.dictize(item, user)


opening_request_show = _show({Kind.OPENING_REQUEST})
opening_request_show.__doc__ = """Show one opening request (public; the
    requester's identity only to the requester and the departments involved).

    :param id: the request
    :returns: the request with its answer and history
    :raises NotFound: no such request
    """


def opening_request_list(context, data_dict):
    """The public board of opening requests.

    :param q: words to find in the title, description or answer (optional)
    :param status: ``submitted``, ``agreed`` or ``disagreed`` (optional)
    :param provider_org_id: only requests to this department (optional)
    :param scope: ``mine`` (signed in: my requests), ``following`` or
        ``to_answer`` (optional; default: all)
    :param limit: page size (default 50), ``offset``: start
    :returns: ``{"count", "results"}``, newest first
    """
    tk.check_access("cqgov_workflow_show", context, data_dict)
    user = _user(context)
    query = model.Session.query(WorkflowItem).filter(
        WorkflowItem.kind == Kind.OPENING_REQUEST.value
    )
    scope = data_dict.get("scope")
    if scope == "following":
        if user is None:
            raise tk.NotAuthorized(_("Please log in first."))
        query = query.filter(WorkflowItem.followers.contains([user.id]))
    elif scope:
        if user is None:
            raise tk.NotAuthorized(_("Please log in first."))
        query = _scope_query(query, scope, user)
    if data_dict.get("status"):
        query = query.filter(WorkflowItem.status == data_dict["status"])
    if data_dict.get("provider_org_id"):
        query = query.filter(
            WorkflowItem.provider_org_id == data_dict["provider_org_id"]
        )
    for word in (data_dict.get("q") or "").split():
        pattern = f"%{word}%"
        query = query.filter(
            WorkflowItem.title.ilike(pattern)
            | WorkflowItem.details["description"].astext.ilike(pattern)
            | WorkflowItem.answer["reason"].astext.ilike(pattern)
        )
    limit, offset = _limit(data_dict)
    count = query.count()
    items = query.order_by(WorkflowItem.created.desc()).offset(offset).limit(limit)
    return {
        "count": count,
        "results": [engine.dictize(i, user, with_history=False) for i in items],
    }


def opening_request_reply(context, data_dict):
    """Answer an opening request (the provider's editors and admins). Followers
    are notified. Agreeing does not change the entry: its open type is changed
    through the catalog workflow.

    :param id: the request
    :param decision: ``agree`` or ``disagree``
    :param open_by: the date by which it will be opened (agree: required)
    :param reason: the reasons (disagree: required)
    :returns: the request
    :raises ValidationError: missing fields; already answered
    :raises NotAuthorized: not an editor/admin of the department asked
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)

    def agree(d, e):
        open_by = _date(d, "open_by", e)
        return {
            k: v
            for k, v in {
                "open_by": open_by.isoformat() if open_by else None,
                "reason": _text(d, "reason", e),
            }.items()
            if v
        }

    return _take(
        context,
        data_dict,
        {Kind.OPENING_REQUEST},
        "decision",
        {"agree": agree, "disagree": _reply_fields},
    )


def opening_request_follow(context, data_dict):
    """Follow (or with ``unfollow=true`` stop following) an opening request;
    followers get an e-mail when it is answered.

    :param id: the request
    :param unfollow: stop following (optional)
    :returns: the request
    :raises NotAuthorized: not signed in
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)
    user = _signed_in_user(context)
    item = engine.get_item(data_dict.get("id"), {Kind.OPENING_REQUEST})
    followers = list(item.followers or [])
    if tk.asbool(data_dict.get("unfollow")):
        followers = [f for f in followers if f != user.id]
    elif user.id not in followers:
        followers.append(user.id)
    item.followers = followers
    model.Session.commit()
    return engine.dictize(item, user)


# -- error reports -------------------------------------------------------------


def _can_see_data(context, package: model.Package) -> bool:
    """Whether the viewer may read the data of at least one of the entry's
    resources, as the access policy decides (departments: shared data;
    everyone: open data)."""
    from ckanext.cqgov.access.checks import data_decision
    from ckanext.cqgov.access.subjects import context_viewer

    viewer = context_viewer(context)
    return any(
        bool(data_decision(viewer, package, resource)) for resource in package.resources
    )


def error_report_create(context, data_dict):
    """Report a doubtful or wrong value (Art. 19). The provider verifies within
    ``ckanext.cqgov.workflow.error_report_days`` working days (default 5).

    :param package_id: the entry (required)
    :param resource_id: the resource (optional)
    :param data_item: the data item / column (optional)
    :param row: the row or record (optional)
    :param description: what is wrong (required)
    :param attachment_url: a link to a screenshot or document (optional)
    :param attachment_upload: a file (multipart upload; optional), served only
        to the reporter and the departments involved
    :returns: the report
    :raises ValidationError: missing description; a resource of another entry
    :raises NotAuthorized: not signed in, or cannot see the entry's data
    """
    tk.check_access("cqgov_error_report_create", context, data_dict)
    user = _signed_in_user(context)
    errors = Errors()
    package = _package(data_dict, errors)
    errors.raise_if_any()
    if not _can_see_data(context, package):
        raise tk.NotAuthorized(
            _("Only those who can see this entry's data can report errors in it.")
        )
    resource_id = data_dict.get("resource_id") or None
    if resource_id:
        _check_resources(package, [resource_id], errors)
        if "resource_ids" in errors:
            errors["resource_id"] = errors.pop("resource_ids")
    details = {
        "description": _text(data_dict, "description", errors, True),
        "data_item": _text(data_dict, "data_item", errors),
        "row": _text(data_dict, "row", errors),
        "attachment_url": _text(data_dict, "attachment_url", errors),
    }
    errors.raise_if_any()
    upload = data_dict.get("attachment_upload")
    if attachments.is_upload(upload):
        details["attachment"] = attachments.store(upload)
    item = engine.create_item(
        Kind.ERROR_REPORT,
        user,
        package_id=package.id,
        resource_id=resource_id,
        provider_org_id=package.owner_org,
        title=package.title,
        details={k: v for k, v in details.items() if v},
    )
    return engine.dictize(item, user)


error_report_show = _show({Kind.ERROR_REPORT})
error_report_show.__doc__ = """Show one error report with its answer and history.

    :param id: the report
    :raises NotAuthorized: neither the reporter nor a department involved
    :raises NotFound: no such report
    """


def error_report_list(context, data_dict):
    """List error reports; parameters and result as ``cqgov_application_list``
    (``scope`` ``mine``, ``to_answer`` or ``supervise``)."""
    tk.check_access("cqgov_workflow_list", context, data_dict)
    return _list_items(context, data_dict, {Kind.ERROR_REPORT})


def error_report_reply(context, data_dict):
    """Answer an error report (the provider's editors and admins).

    :param id: the report
    :param decision: ``confirm`` (the value was wrong and has been corrected)
        or ``verify`` (the value is correct)
    :param explanation: what was checked and found (required)
    :param correction_link: link to the corrected resource or version
        (confirm: required)
    :returns: the report
    :raises ValidationError: missing fields; already answered
    :raises NotAuthorized: not an editor/admin of the provider
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)

    def fields(d, e):
        link = _text(d, "correction_link", e)
        if link and not link.startswith(("http://", "https://", "/")):
            e.add("correction_link", _("Must be a link (http://, https:// or /)."))
        return {
            k: v
            for k, v in {
                "explanation": _text(d, "explanation", e),
                "correction_link": link,
            }.items()
            if v
        }

    return _take(
        context,
        data_dict,
        {Kind.ERROR_REPORT},
        "decision",
        {"confirm": fields, "verify": fields},
    )


# -- feedback ------------------------------------------------------------------


def feedback_create(context, data_dict):
    """Comment on and rate an open entry (Art. 24).

    :param package_id: a ``proactive`` or ``on_application`` entry
    :param rating: 1 to 5 (required)
    :param comment: the comment (required)
    :returns: the comment
    :raises ValidationError: bad rating, empty comment, an entry that is not open
    :raises NotAuthorized: not signed in
    """
    tk.check_access("cqgov_feedback_create", context, data_dict)
    user = _signed_in_user(context)
    errors = Errors()
    package = _package(data_dict, errors)
    errors.raise_if_any()
    if _extras(package).get("open_type") not in {"proactive", "on_application"}:
        errors.add("package_id", _("Only open entries can be rated."))
    try:
        rating = int(data_dict.get("rating"))
        if not 1 <= rating <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("rating", _("A rating from 1 to 5 is required."))
        rating = None
    comment = _text(data_dict, "comment", errors, True)
    errors.raise_if_any()
    item = engine.create_item(
        Kind.FEEDBACK,
        user,
        package_id=package.id,
        provider_org_id=package.owner_org,
        rating=rating,
        details={"comment": comment},
    )
    return engine.dictize(item, user)


feedback_show = _show({Kind.FEEDBACK})
feedback_show.__doc__ = """Show one comment with its reply and history (public
    unless hidden; hidden comments only to the author and moderators).

    :param id: the comment
    :raises NotFound: no such comment
    """


def feedback_list(context, data_dict):
    """The comments on an entry, with replies and the average rating (public).
    Hidden comments are left out, except for moderators, who see them with the
    reason.

    :param package_id: the entry (required)
    :returns: ``{"count", "average_rating", "results"}``
    """
    tk.check_access("cqgov_workflow_show", context, data_dict)
    user = _user(context)
    errors = Errors()
    package = _package(data_dict, errors)
    errors.raise_if_any()
    items = (
        model.Session.query(WorkflowItem)
        .filter(
            WorkflowItem.kind == Kind.FEEDBACK.value,
            WorkflowItem.package_id == package.id,
        )
        .order_by(WorkflowItem.created.desc())
        .all()
    )
    shown = [i for i in items if i.status != "hidden"]
    ratings = [i.rating for i in shown if i.rating]
    visible = [
        i for i in items if i.status != "hidden" or roles.can_view_private(user, i)
    ]
    return {
        "count": len(shown),
        "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "results": [engine.dictize(i, user, with_history=False) for i in visible],
    }


def feedback_reply(context, data_dict):
    """Reply to a comment (the provider's editors and admins).

    :param id: the comment
    :param reply: the reply (required)
    :raises ValidationError: empty reply; already replied or hidden
    :raises NotAuthorized: not an editor/admin of the provider
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)
    return _take(
        context,
        {**data_dict, "action": "reply"},
        {Kind.FEEDBACK},
        "action",
        {"reply": lambda d, e: {"reply": _text(d, "reply", e)}},
    )


def feedback_hide(context, data_dict):
    """Hide an abusive comment (provider admins, the competent department).

    :param id: the comment
    :param reason: why (required; shown to moderators and the author)
    :raises ValidationError: missing reason; already hidden
    :raises NotAuthorized: not a moderator
    """
    tk.check_access("cqgov_workflow_act", context, data_dict)
    return _take(
        context,
        {**data_dict, "action": "hide"},
        {Kind.FEEDBACK},
        "action",
        {"hide": _reply_fields},
    )


# -- auth ----------------------------------------------------------------------


def _signed_in(context, data_dict=None):
    if context.get("auth_user_obj") is None and not context.get("user"):
        return {"success": False, "msg": _("Please log in first.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def _anyone(context, data_dict=None):
    return {"success": True}


def get_auth_functions() -> dict:
    # Who may act on which item is decided inside the actions (it depends on
    # the item); these only require a signed-in user where one is needed.
    return {
        "cqgov_application_create": _signed_in,
        "cqgov_opening_request_create": _signed_in,
        "cqgov_error_report_create": _signed_in,
        "cqgov_feedback_create": _signed_in,
        "cqgov_workflow_list": _signed_in,
        "cqgov_workflow_act": _signed_in,
        "cqgov_workflow_show": _anyone,
    }


def get_actions() -> dict:
    return {
        "cqgov_application_create": application_create,
        "cqgov_application_show": tk.side_effect_free(application_show),
        "cqgov_application_list": tk.side_effect_free(application_list),
        "cqgov_application_reply": application_reply,
        "cqgov_application_dispute": application_dispute,
        "cqgov_application_decide": application_decide,
        "cqgov_opening_request_create": opening_request_create,
        "cqgov_opening_request_show": tk.side_effect_free(opening_request_show),
        "cqgov_opening_request_list": tk.side_effect_free(opening_request_list),
        "cqgov_opening_request_reply": opening_request_reply,
        "cqgov_opening_request_follow": opening_request_follow,
        "cqgov_error_report_create": error_report_create,
        "cqgov_error_report_show": tk.side_effect_free(error_report_show),
        "cqgov_error_report_list": tk.side_effect_free(error_report_list),
        "cqgov_error_report_reply": error_report_reply,
        "cqgov_feedback_create": feedback_create,
        "cqgov_feedback_show": tk.side_effect_free(feedback_show),
        "cqgov_feedback_list": tk.side_effect_free(feedback_list),
        "cqgov_feedback_reply": feedback_reply,
        "cqgov_feedback_hide": feedback_hide,
    }
