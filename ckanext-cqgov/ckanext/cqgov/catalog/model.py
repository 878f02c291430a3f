"""The review history of catalog entries (one row per step, append-only)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from sqlalchemy import Column, DateTime, Integer, UnicodeText, event


class CatalogEvent(tk.BaseModel):
    """One step of an entry's review history: who did what, when, and why.

    ``action`` is a review action (``submit``, ``approve``, ``return``) or one
    of ``created``, ``updated`` (catalog fields changed), ``status_set`` (a
    sysadmin set the status) and ``change_recorded`` (legal basis or functions
    changed: 15 working days to update).
    """

    __tablename__ = "cqgov_catalog_event"

    id = Column(Integer, primary_key=True, autoincrement=True)
    package_id = Column(UnicodeText, nullable=False, index=True)
    #: the provider organization at the time, so its history stays together
    owner_org = Column(UnicodeText, index=True)
    at = Column(DateTime(timezone=True), nullable=False, index=True)
    user_id = Column(UnicodeText)
    action = Column(UnicodeText, nullable=False)
    from_status = Column(UnicodeText)
    to_status = Column(UnicodeText)
    comment = Column(UnicodeText)


class CatalogHistoryIsAppendOnly(Exception):
    pass


@event.listens_for(CatalogEvent, "before_update")
@event.listens_for(CatalogEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise CatalogHistoryIsAppendOnly("the catalog review history is append-only")
