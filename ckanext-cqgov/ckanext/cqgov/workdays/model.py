"""The administrators' working-day overrides (date → working day or not)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from sqlalchemy import Boolean, Column, Date, DateTime, UnicodeText


class WorkdayOverride(tk.BaseModel):
    """One day whose status differs from (or is unknown to) the holiday library,
    e.g. next year's State Council notice before the library has it."""

    __tablename__ = "cqgov_workday_override"

    day = Column(Date, primary_key=True)
    is_working_day = Column(Boolean, nullable=False)
    note = Column(UnicodeText)
    updated_by = Column(UnicodeText)
    updated_at = Column(DateTime(timezone=True), nullable=False)
