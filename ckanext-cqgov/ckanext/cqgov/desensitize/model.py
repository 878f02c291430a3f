"""The desensitization job table (one row per original resource)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk
from sqlalchemy.dialects.postgresql import JSONB


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class DesensitizeJob(tk.BaseModel):
    """State of the desensitization of one original resource.

    ``derivatives`` maps output format (csv/json/xlsx) to the id of the
    derivative resource; ``findings`` holds sensitive findings per kind.
    """

    __tablename__ = "cqgov_desensitize_job"

    resource_id = sa.Column(sa.UnicodeText, primary_key=True)
    package_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    status = sa.Column(sa.UnicodeText, nullable=False)
    progress = sa.Column(sa.Integer, nullable=False, default=0)
    requested_audience = sa.Column(sa.UnicodeText)
    accept_suppression = sa.Column(sa.Boolean, nullable=False, default=False)
    findings = sa.Column(JSONB, nullable=False, default=dict)
    report = sa.Column(JSONB)
    derivatives = sa.Column(JSONB, nullable=False, default=dict)
    error = sa.Column(sa.UnicodeText)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    updated = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)

    @classmethod
    def get(cls, resource_id: str) -> DesensitizeJob | None:
        return model.Session.get(cls, resource_id)

    def as_dict(self) -> dict:
        return {
            "resource_id": self.resource_id,
            "package_id": self.package_id,
            "status": self.status,
            "progress": self.progress,
            "findings": dict(self.findings or {}),
            "derivatives": dict(self.derivatives or {}),
            "error": self.error,
            "attempts": self.attempts,
            "updated": self.updated.isoformat() if self.updated else None,
        }
