"""Tables of the workflow: items (applications, requests, reports, feedback)
and their append-only history."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid
from sqlalchemy import Column, Date, DateTime, Integer, UnicodeText, event
from sqlalchemy.dialects.postgresql import JSONB


class WorkflowItem(tk.BaseModel):
    """One application, opening request, error report or feedback comment.

    The fields the submitter gave are in ``details``; the latest decision's
    fields in ``answer``. What happened and when is in :class:`WorkflowEvent`.
    """

    __tablename__ = "cqgov_workflow_item"

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    kind = Column(UnicodeText, nullable=False, index=True)
    status = Column(UnicodeText, nullable=False, index=True)
    package_id = Column(UnicodeText, index=True)
    resource_id = Column(UnicodeText)
    #: the organization that must answer (the entry's owner, or the department
    #: a free-text opening request suggests)
    provider_org_id = Column(UnicodeText, index=True)
    user_id = Column(UnicodeText, nullable=False, index=True)
    #: share applications: the applying department
    applicant_org_id = Column(UnicodeText, index=True)
    title = Column(UnicodeText)
    details = Column(JSONB, nullable=False, default=dict)
    answer = Column(JSONB)
    rating = Column(Integer)
    created = Column(DateTime(timezone=True), nullable=False)
    #: when the current wait for an answer started (submission or dispute)
    waiting_since = Column(DateTime(timezone=True))
    due_date = Column(Date)
    reminded_on = Column(Date)
    escalated_on = Column(Date)
    answered_at = Column(DateTime(timezone=True))
    grant_id = Column(UnicodeText)
    followers = Column(JSONB, nullable=False, default=list)


class WorkflowEvent(tk.BaseModel):
    """One step in an item's history. Rows are only ever added: the session
    refuses to update or delete one (see :func:`_refuse_change`)."""

    __tablename__ = "cqgov_workflow_event"

    id = Column(Integer, primary_key=True, autoincrement=True)
    item_id = Column(UnicodeText, nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False)
    #: None for the platform itself (reminders, escalations)
    user_id = Column(UnicodeText)
    action = Column(UnicodeText, nullable=False)
    from_status = Column(UnicodeText)
    to_status = Column(UnicodeText)
    data = Column(JSONB, nullable=False, default=dict)


class HistoryIsAppendOnly(Exception):
    pass


@event.listens_for(WorkflowEvent, "before_update")
@event.listens_for(WorkflowEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise HistoryIsAppendOnly("the workflow history is append-only")
