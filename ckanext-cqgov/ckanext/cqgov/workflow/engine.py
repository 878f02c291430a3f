"""The CKAN side of the workflow: create items, take transitions, record
history, compute deadlines, notify. Actions (``logic.py``) and the periodic
task call these functions; the rules themselves are in ``machine.py`` and
``deadlines.py``."""

from __future__ import annotations

from datetime import date, datetime

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.plugins.toolkit import _

from ckanext.cqgov import periodic
from ckanext.cqgov.workdays import WorkCalendar
from ckanext.cqgov.workflow import deadlines, machine, notify, roles
from ckanext.cqgov.workflow.machine import Kind, Role
from ckanext.cqgov.workflow.model import WorkflowEvent, WorkflowItem


def now() -> datetime:
    """The workflow's clock (tests move it through ``periodic.utcnow``)."""
    return periodic.utcnow()


def calendar() -> WorkCalendar:
    """The working-day calendar, with the administrators' overrides."""
    try:
        from ckanext.cqgov.workdays.overrides import current_calendar
    except ImportError:
        return WorkCalendar()
    return current_calendar()


def rules() -> deadlines.DeadlineRules:
    return deadlines.DeadlineRules(
        answer_days=tk.config.get("ckanext.cqgov.workflow.answer_days"),
        error_report_days=tk.config.get("ckanext.cqgov.workflow.error_report_days"),
        reminder_days_before=tk.config.get("ckanext.cqgov.workflow.reminder_days"),
    )


def kind_label(kind: Kind) -> str:
    return {
        Kind.SHARE_APPLICATION: _("share application"),
        Kind.OPEN_APPLICATION: _("open data application"),
        Kind.OPENING_REQUEST: _("opening request"),
        Kind.ERROR_REPORT: _("error report"),
        Kind.FEEDBACK: _("feedback"),
    }[kind]


def status_label(status: str) -> str:
    return {
        "submitted": _("awaiting answer"),
        "approved": _("approved"),
        "refused": _("refused"),
        "disputed": _("disputed, awaiting the competent department"),
        "refusal_upheld": _("refusal upheld"),
        "sharing_ordered": _("sharing ordered"),
        "agreed": _("agreed to open"),
        "disagreed": _("not to be opened"),
        "corrected": _("confirmed and corrected"),
        "verified_correct": _("verified as correct"),
        "published": _("published"),
        "replied": _("replied"),
        "hidden": _("hidden by a moderator"),
    }.get(status, status)


def action_label(action: str) -> str:
    return {
        "submit": _("submitted"),
        "approve": _("approved"),
        "refuse": _("refused"),
        "dispute": _("raised a dispute"),
        "uphold": _("upheld the refusal"),
        "order": _("ordered sharing"),
        "agree": _("agreed to open"),
        "disagree": _("disagreed"),
        "confirm": _("confirmed and corrected"),
        "verify": _("verified as correct"),
        "reply": _("replied"),
        "hide": _("hid the comment"),
        "remind": _("reminder sent"),
        "escalate": _("overdue, escalated to the competent department"),
        "follow": _("followed"),
    }.get(action, action)


# -- reading -------------------------------------------------------------------


def get_item(item_id: str | None, kinds: set[Kind] | None = None) -> WorkflowItem:
    item = model.Session.get(WorkflowItem, item_id) if item_id else None
    if item is None or (kinds and Kind(item.kind) not in kinds):
        raise tk.ObjectNotFound(_("No such item."))
    return item


def history(item: WorkflowItem) -> list[WorkflowEvent]:
    return (
        model.Session.query(WorkflowEvent)
        .filter(WorkflowEvent.item_id == item.id)
        .order_by(WorkflowEvent.at, WorkflowEvent.id)
        .all()
    )


def deadline_info(item: WorkflowItem, today: date | None = None) -> dict:
    kind = Kind(item.kind)
    if item.due_date is None or not machine.awaits_answer(kind, item.status):
        return {"due_date": item.due_date.isoformat() if item.due_date else None}
    cal = calendar()
    today = today or deadlines.local_day(now())
    state = deadlines.deadline_state(cal, rules(), item.due_date, today)
    return {
        "due_date": item.due_date.isoformat(),
        "deadline_state": state.value,
        "working_days_left": deadlines.working_days_left(cal, item.due_date, today),
        "overdue": state is deadlines.DeadlineState.OVERDUE,
        "provisional": bool(cal.unknown_years(today, item.due_date)),
    }


def _user_display(user_id: str | None) -> dict | None:
    user = model.User.get(user_id) if user_id else None
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "display_name": user.display_name}


def _org_display(org_id: str | None) -> dict | None:
    info = roles.org_info(org_id)
    return {k: info[k] for k in ("id", "name", "title")} if info else None


#: details only the submitter and the departments involved see
PRIVATE_DETAILS = frozenset({"contact"})


def dictize(item: WorkflowItem, user: model.User | None, with_history=True) -> dict:
    """The API form of ``item`` as ``user`` may see it. On public items
    (opening requests, feedback) strangers do not see who submitted it."""
    private = roles.can_view_private(user, item)
    kind = Kind(item.kind)
    package = model.Package.get(item.package_id) if item.package_id else None
    details = dict(item.details or {})
    if not private:
        details = {k: v for k, v in details.items() if k not in PRIVATE_DETAILS}
    result = {
        "id": item.id,
        "kind": item.kind,
        "kind_label": kind_label(kind),
        "status": item.status,
        "status_label": status_label(item.status),
        "package_id": item.package_id,
        "package": {"id": package.id, "name": package.name, "title": package.title}
        if package
        else None,
        "resource_id": item.resource_id,
        "provider_org": _org_display(item.provider_org_id),
        "applicant_org": _org_display(item.applicant_org_id),
        "user": _user_display(item.user_id) if private else None,
        "title": item.title,
        "details": details,
        "answer": item.answer,
        "rating": item.rating,
        "created": item.created.isoformat(),
        "answered_at": item.answered_at.isoformat() if item.answered_at else None,
        "reminded_on": item.reminded_on.isoformat() if item.reminded_on else None,
        "escalated_on": item.escalated_on.isoformat() if item.escalated_on else None,
        "grant_id": item.grant_id if private else None,
        "followers": len(item.followers or []),
        "following": bool(user and user.id in (item.followers or [])),
        "allowed_actions": machine.allowed_actions(
            kind, item.status, roles.roles_for(user, item)
        ),
        **deadline_info(item),
    }
    if with_history:
        result["history"] = [
            {
                "at": event.at.isoformat(),
                "action": event.action,
                "action_label": action_label(event.action),
                "from_status": event.from_status,
                "to_status": event.to_status,
                # the submitter stays anonymous to the public
                "user": _user_display(event.user_id)
                if private or event.user_id != item.user_id
                else None,
                "data": event.data,
            }
            for event in history(item)
        ]
    return result


# -- writing -------------------------------------------------------------------


def record(
    item: WorkflowItem,
    action: str,
    user_id: str | None,
    from_status: str | None,
    data: dict | None = None,
    at: datetime | None = None,
) -> None:
    model.Session.add(
        WorkflowEvent(
            item_id=item.id,
            at=at or now(),
            user_id=user_id,
            action=action,
            from_status=from_status,
            to_status=item.status,
            data=data or {},
        )
    )


def start_waiting(item: WorkflowItem, since: datetime) -> None:
    item.waiting_since = since
    item.due_date = deadlines.due_date(calendar(), rules(), Kind(item.kind), since)
    item.reminded_on = None
    item.escalated_on = None


def create_item(kind: Kind, user: model.User, *, notify_provider=True, **fields):
    """Insert a new item in its initial state with its first history event;
    commit; notify the provider's editors and admins."""
    created = now()
    item = WorkflowItem(
        kind=kind.value,
        status=machine.INITIAL[kind],
        user_id=user.id,
        created=created,
        followers=[user.id] if kind is Kind.OPENING_REQUEST else [],
        **fields,
    )
    model.Session.add(item)
    model.Session.flush()
    if machine.awaits_answer(kind, item.status):
        start_waiting(item, created)
    record(item, "submit", user.id, None, at=created)
    model.Session.commit()
    if notify_provider:
        _notify_new(item)
    return item


def transition(
    item: WorkflowItem,
    user: model.User | None,
    action: str,
    fields: dict,
    grant: dict | None = None,
) -> WorkflowItem:
    """Take ``action`` on ``item`` as ``user`` with the answer ``fields``.

    ``grant`` (for approvals) is the grant to create through
    ``cqgov_grant_create``, in the same transaction. Wrong state or missing
    fields raise ``ValidationError``; a user without the role ``NotAuthorized``.
    Nothing is changed when anything fails.
    """
    kind = Kind(item.kind)
    try:
        t = machine.apply(
            kind, item.status, action, roles.roles_for(user, item), fields
        )
    except machine.TransitionError as error:
        if error.field == "role":
            message = _not_your_item_message(kind, t_role(kind, action))
            raise tk.NotAuthorized(message) from None
        if error.field == "status":
            raise tk.ValidationError(
                {"status": [_already_answered_message(item)]}
            ) from None
        message = _required_message(error.field)
        raise tk.ValidationError({error.field: [message]}) from None
    before = item.status
    at = now()
    try:
        if grant is not None and action in machine.GRANTING_ACTIONS:
            created = tk.get_action("cqgov_grant_create")(
                {"ignore_auth": True, "user": user.name, "defer_commit": True},
                grant,
            )
            item.grant_id = created["id"]
        item.status = t.target
        if machine.awaits_answer(kind, t.target):
            start_waiting(item, at)
        else:
            item.answer = {"action": action, **fields}
            item.answered_at = at
        record(item, action, user.id, before, dict(fields), at=at)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    _notify_transition(item, action, before)
    return item


def t_role(kind: Kind, action: str) -> Role:
    return machine.transition_for(kind, action).role


def _not_your_item_message(kind: Kind, role: Role) -> str:
    return {
        Role.PROVIDER: _(
            "Only editors and administrators of the providing department can "
            "answer this {kind}."
        ),
        Role.APPLICANT: _("Only the applicant can do this on the {kind}."),
        Role.COMPETENT: _(
            "Only the competent department overseeing the provider can decide "
            "on this {kind}."
        ),
        Role.MODERATOR: _(
            "Only administrators of the providing department or the competent "
            "department can moderate this {kind}."
        ),
    }[role].format(kind=kind_label(kind))


def _already_answered_message(item: WorkflowItem) -> str:
    return _("This {kind} is {status}; it cannot be answered again.").format(
        kind=kind_label(Kind(item.kind)), status=status_label(item.status)
    )


def _required_message(field: str) -> str:
    return {
        "reason": _("A reason is required."),
        "terms": _("Usage terms are required."),
        "valid_from": _("The start of the validity period is required."),
        "valid_until": _("The end of the validity period is required."),
        "open_by": _("The date by which the data will be opened is required."),
        "explanation": _("An explanation is required."),
        "correction_link": _(
            "A link to the corrected resource or version is required."
        ),
        "reply": _("The reply is required."),
    }.get(field, _("Missing value"))


# -- notifications -------------------------------------------------------------


def _item_summary(item: WorkflowItem) -> str:
    package = model.Package.get(item.package_id) if item.package_id else None
    what = package.title if package else (item.title or "")
    return f"{kind_label(Kind(item.kind))}: {what}"


def _notify_new(item: WorkflowItem) -> None:
    kind = Kind(item.kind)
    if kind is Kind.FEEDBACK:
        return
    due = item.due_date.isoformat() if item.due_date else "-"
    notify.notify_users(
        roles.users_answering_for([item.provider_org_id]),
        _("[To answer] {summary}").format(summary=_item_summary(item)),
        _(
            "A new {kind} awaits your department's answer.\n\n{summary}\n"
            "Due date: {due}\n\n{url}"
        ).format(
            kind=kind_label(kind),
            summary=_item_summary(item),
            due=due,
            url=notify.item_url(item),
        ),
    )


def _notify_transition(item: WorkflowItem, action: str, before: str) -> None:
    summary = _item_summary(item)
    subject = _("[{status}] {summary}").format(
        status=status_label(item.status), summary=summary
    )
    body = _("{summary}\nNow: {status}\n\n{url}").format(
        summary=summary, status=status_label(item.status), url=notify.item_url(item)
    )
    if action == "dispute":
        users = roles.users_answering_for(roles.competent_org_ids(item.provider_org_id))
    elif action == "hide":
        users = [model.User.get(item.user_id)]
    else:
        ids = {item.user_id, *(item.followers or [])}
        users = [model.User.get(uid) for uid in ids]
        if action in {"uphold", "order"}:
            users += roles.users_answering_for([item.provider_org_id])
    notify.notify_users(users, subject, body)


# -- the periodic deadline task ------------------------------------------------


def check_deadlines(at: datetime) -> dict[str, int]:
    """Send reminders for items due soon and escalate overdue ones, as of
    ``at``. Idempotent: an item is reminded and escalated once per wait."""
    cal, rule = calendar(), rules()
    today = deadlines.local_day(at)
    counts = {"reminded": 0, "escalated": 0}
    waiting = (
        model.Session.query(WorkflowItem)
        .filter(WorkflowItem.due_date.isnot(None))
        .filter(
            (WorkflowItem.reminded_on.is_(None)) | (WorkflowItem.escalated_on.is_(None))
        )
        .all()
    )
    for item in waiting:
        kind = Kind(item.kind)
        if not machine.awaits_answer(kind, item.status):
            continue
        state = deadlines.deadline_state(cal, rule, item.due_date, today)
        if state is deadlines.DeadlineState.ON_TIME:
            continue
        answering = _answering_org_ids(item)
        if item.reminded_on is None and state is deadlines.DeadlineState.DUE_SOON:
            item.reminded_on = today
            record(
                item, "remind", None, item.status, {"due_date": str(item.due_date)}, at
            )
            model.Session.commit()
            counts["reminded"] += 1
            notify.notify_users(
                roles.users_answering_for(answering),
                _("[Reminder] due {due}: {summary}").format(
                    due=item.due_date.isoformat(), summary=_item_summary(item)
                ),
                _(
                    "This {kind} must be answered by {due} ({left} working days "
                    "left).\n\n{url}"
                ).format(
                    kind=kind_label(kind),
                    due=item.due_date.isoformat(),
                    left=deadlines.working_days_left(cal, item.due_date, today),
                    url=notify.item_url(item),
                ),
            )
        if item.escalated_on is None and state is deadlines.DeadlineState.OVERDUE:
            item.escalated_on = today
            if item.reminded_on is None:
                item.reminded_on = today
            competent = roles.competent_org_ids(item.provider_org_id)
            record(
                item,
                "escalate",
                None,
                item.status,
                {"due_date": str(item.due_date), "competent_org_ids": competent},
                at,
            )
            model.Session.commit()
            counts["escalated"] += 1
            notify.notify_users(
                roles.users_answering_for(sorted({*answering, *competent})),
                _("[Overdue] {summary}").format(summary=_item_summary(item)),
                _(
                    "This {kind} was due on {due} and has not been answered. It "
                    "has been escalated to the competent department.\n\n{url}"
                ).format(
                    kind=kind_label(kind),
                    due=item.due_date.isoformat(),
                    url=notify.item_url(item),
                ),
            )
    return counts


def _answering_org_ids(item: WorkflowItem) -> list[str]:
    """Who must answer now: the provider, or for a dispute the competent
    department."""
    if item.status == "disputed":
        return roles.competent_org_ids(item.provider_org_id)
    return [item.provider_org_id] if item.provider_org_id else []
